package listing_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/ops/listing"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/keystore/keystoretest"
)

const (
	linaARN = "arn:aws:iam::111111111111:user/lina"
	noraARN = "arn:aws:iam::111111111111:user/nora"
	omarARN = "arn:aws:iam::111111111111:user/omar"
)

// loginListConfig: lina is signed in, nora's sign-in ended, omar never
// signed in; bob holds a key; lina-admin is a role from lina.
const loginListConfig = `
[profile lina]
login_session = ` + linaARN + `
region = eu-west-1

[profile nora]
login_session = ` + noraARN + `
region = eu-west-1

[profile omar]
login_session = ` + omarARN + `
region = eu-west-1

[profile bob]
region = eu-west-1

[profile lina-admin]
source_profile = lina
role_arn = arn:aws:iam::222222222222:role/Admin
`

// loginListing builds the listing of loginListConfig with lina's cached
// credentials, the sessions' states as status answers them.
func loginListing(t *testing.T, status func(signin.Session) (signin.Status, error)) (listing.Listing, []signin.Session) {
	t.Helper()
	c := cache.New(t.TempDir(), func() ([]byte, error) { return bytes.Repeat([]byte{3}, 32), nil })
	if err := c.Put(cache.Entry{
		Header: cache.Header{Key: "v1:login:lina", Kind: cache.KindLogin, Profile: "lina", Chain: []string{"lina"}, Stored: now},
		Creds:  creds.Credentials{AccessKeyID: sessionID, SecretAccessKey: sessionSecret, SessionToken: sessionToken, Expiration: now.Add(12 * time.Minute)},
	}); err != nil {
		t.Fatal(err)
	}
	headers, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	m := model(t, loginListConfig)
	l := listing.Build(m, headers, keystoretest.NewMemory(), now)
	var asked []signin.Session
	l.AddLogin(m, func(p *awsconfig.Profile) signin.Session {
		return signin.Session{Profile: p.Name, ARN: p.LoginSession, Region: "eu-central-1"}
	}, func(s signin.Session) (signin.Status, error) {
		asked = append(asked, s)
		return status(s)
	})
	return l, asked
}

func loginStates(s signin.Session) (signin.Status, error) {
	switch s.Profile {
	case "lina":
		return signin.Status{SignedIn: true, ARN: linaARN, Since: now.Add(-2 * time.Hour), Ends: now.Add(10 * time.Hour)}, nil
	case "nora":
		return signin.Status{ARN: noraARN, Since: now.Add(-13 * time.Hour), Ends: now.Add(-time.Hour)}, nil
	}
	return signin.Status{}, nil
}

// Login profiles are listed with their kind and their session's state
// (signed in as whom until when, ended, or not signed in) before their
// cached credentials; only login profiles' sessions are asked about.
func TestLoginRows(t *testing.T) {
	l, asked := loginListing(t, loginStates)
	if l.KeysErr != nil {
		t.Fatal(l.KeysErr)
	}
	if len(asked) != 3 || asked[0].Profile != "lina" || asked[0].ARN != linaARN || asked[0].Region != "eu-central-1" {
		t.Fatalf("asked %+v", asked)
	}
	lina := rowOf(t, l, "lina")
	if lina.Type != "login" || lina.Login == nil || !lina.Login.SignedIn || lina.Login.ARN != linaARN || !lina.Login.Until.Equal(now.Add(10*time.Hour)) ||
		lina.Login.Left != "10h00m left" || len(lina.Sessions) != 1 || lina.Sessions[0].Kind != cache.KindLogin {
		t.Fatalf("lina: %+v %+v", lina, lina.Login)
	}
	if r := rowOf(t, l, "bob"); r.Login != nil {
		t.Errorf("bob has a sign-in state: %+v", r.Login)
	}
	if r := rowOf(t, l, "lina-admin"); r.Login != nil {
		t.Errorf("a role from lina has a sign-in state of its own: %+v", r.Login)
	}

	var buf bytes.Buffer
	if err := l.WriteTable(&buf, "the memory keystore"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"lina login - signed in as " + linaARN + " until " + now.Add(10*time.Hour).Local().Format("15:04") + ", login 12m left",
		"nora login - not signed in (the sign-in ended at " + now.Add(-time.Hour).Local().Format("15:04") + ")",
		"omar login - not signed in",
		"bob user - -",
	} {
		found := false
		for _, line := range strings.Split(out, "\n") {
			if strings.Join(strings.Fields(line), " ") == want {
				found = true
			}
		}
		if !found {
			t.Errorf("no line %q in\n%s", want, out)
		}
	}
	assertNoSecret(t, "the table", out)
}

// In JSON a login profile has a login member (arn, signed_in, and since,
// until, left when known); others have none; every row's sessions is an
// array, [] when there are none, never null.
func TestLoginJSON(t *testing.T) {
	l, _ := loginListing(t, loginStates)
	var buf bytes.Buffer
	if err := l.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "the JSON", buf.String())
	if strings.Contains(buf.String(), "null") {
		t.Errorf("null in the JSON:\n%s", buf.String())
	}
	var rows []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	by := map[string]map[string]any{}
	for _, r := range rows {
		by[r["profile"].(string)] = r
		if ss, ok := r["sessions"].([]any); !ok {
			t.Errorf("%v: sessions %v is not an array", r["profile"], r["sessions"])
		} else if r["profile"] == "omar" && len(ss) != 0 {
			t.Errorf("omar's sessions %v", ss)
		}
	}
	lina, _ := by["lina"]["login"].(map[string]any)
	if lina["arn"] != linaARN || lina["signed_in"] != true || lina["until"] != now.Add(10*time.Hour).Format(time.RFC3339) ||
		lina["since"] != now.Add(-2*time.Hour).Format(time.RFC3339) || lina["left"] != "10h00m left" {
		t.Errorf("lina's login %v", lina)
	}
	nora, _ := by["nora"]["login"].(map[string]any)
	if nora["signed_in"] != false || nora["until"] != now.Add(-time.Hour).Format(time.RFC3339) || nora["left"] != nil {
		t.Errorf("nora's login %v", nora)
	}
	omar, _ := by["omar"]["login"].(map[string]any)
	if len(omar) != 2 || omar["arn"] != omarARN || omar["signed_in"] != false {
		t.Errorf("omar's login %v", omar)
	}
	if _, ok := by["bob"]["login"]; ok {
		t.Errorf("bob has a login member: %v", by["bob"])
	}
}

// A keystore that cannot be read keeps its error for a warning; the rows
// are there, without a state.
func TestLoginKeystoreError(t *testing.T) {
	l, _ := loginListing(t, func(signin.Session) (signin.Status, error) {
		return signin.Status{}, errors.New("the keyring is locked")
	})
	if l.KeysErr == nil || !strings.Contains(l.KeysErr.Error(), "locked") {
		t.Fatalf("KeysErr %v", l.KeysErr)
	}
	if r := rowOf(t, l, "lina"); r.Login != nil || r.Type != "login" || len(r.Sessions) != 1 {
		t.Errorf("lina: %+v", r)
	}
}

package app_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/shell"
)

const (
	listKeyID   = "AKIAEXAMPLEALICE0001"
	listSecret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYALICESECRET"
	cachedToken = "FwoGZXIvYXdzECACHEDSESSIONTOKEN0001"
)

const listConfig = `[profile alice]
region = eu-west-1
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin

[profile prod]
credential_process = stscred role prod-admin
region = eu-west-1

[profile ro]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/ReadOnly
`

// listEnv has alice's key stored and a session of hers and two roles
// cached.
func listEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, listConfig)
	now := e.clock.Now()
	if err := keystore.PutKey(e.keys, "alice", keystore.Key{AccessKeyID: listKeyID, SecretAccessKey: listSecret, Added: now.Add(-72 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	put := func(key, kind, profile string, chain []string, left time.Duration) {
		t.Helper()
		err := e.cache.Put(cache.Entry{
			Header: cache.Header{Key: key, Kind: kind, Profile: profile, Chain: chain, MFA: true, Stored: now},
			Creds:  creds.Credentials{AccessKeyID: "ASIA" + strings.ToUpper(profile), SecretAccessKey: listSecret + "-" + profile, SessionToken: cachedToken, Expiration: now.Add(left)},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put("v1:session:alice", cache.KindSession, "alice", []string{"alice"}, 11*time.Hour)
	put("v1:role:prod-admin", cache.KindRole, "prod-admin", []string{"prod-admin", "alice"}, 42*time.Minute+30*time.Second)
	put("v1:role:ro", cache.KindRole, "ro", []string{"ro", "alice"}, 20*time.Minute+30*time.Second)
	if err := e.cache.Put(cache.Entry{Header: cache.Header{Key: cache.KeyIDKey("alice"), Kind: cache.KindKeyID, Profile: "alice", Stored: now}, Creds: creds.Credentials{AccessKeyID: listKeyID, Expiration: now.Add(24 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	return e
}

// list shows every profile, its kind, a stored key (masked, with its
// age) and what is cached, never a secret; as a table or JSON.
func TestList(t *testing.T) {
	e := listEnv(t)
	if err := app.List(e.p, e.services(), false); err != nil {
		t.Fatal(err)
	}
	out := e.stdout.String()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[0], "PROFILE") || !strings.Contains(lines[0], "CACHED") {
		t.Fatalf("table:\n%s", out)
	}
	for i, want := range [][]string{
		{"alice", "AKIA…0001 (3d old)", "session (MFA) 11h00m left"},
		{"prod-admin", "role (MFA) 42m left"},
		{"prod", "-"},
		{"ro", "role (MFA) 20m left"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("line %d %q lacks %q", i+1, lines[i+1], w)
			}
		}
	}
	if lines[6] != "keys are kept in the OS keyring (memory)" {
		t.Errorf("last line %q", lines[6])
	}
	e.noSecret(listSecret, cachedToken)

	e.reset()
	if err := app.List(e.p, e.services(), true); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(e.stdout.String()), &rows); err != nil {
		t.Fatalf("json: %v\n%s", err, e.stdout)
	}
	var names []string
	for _, r := range rows {
		names = append(names, r["profile"].(string))
	}
	if !slices.Equal(names, []string{"alice", "prod-admin", "prod", "ro"}) {
		t.Errorf("json profiles %v\n%s", names, e.stdout)
	}
	e.noSecret(listSecret, cachedToken)
}

// Nothing to list: where list looked, and what to do.
func TestListNothing(t *testing.T) {
	e := newEnv(t, "")
	if err := app.List(e.p, e.services(), false); err != nil {
		t.Fatal(err)
	}
	want := "stscred: no profiles: " + e.cfgPath + " does not exist (AWS_CONFIG_FILE), and no key is stored in the OS keyring (memory)\n" +
		"stscred: hint: describe your IAM user and roles there (see the README), then store the user's key: stscred add NAME\n"
	if e.stdout.String() != want {
		t.Errorf("got  %q\nwant %q", e.stdout, want)
	}

	e.reset()
	e.write(".aws/config", "# nothing yet\n")
	delete(e.vars, "AWS_CONFIG_FILE")
	e.cfgPath = e.home + "/.aws/config"
	if err := app.List(e.p, e.services(), false); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.stdout.String(), "stscred: no profiles: "+e.cfgPath+" has no profiles, and no key") {
		t.Errorf("stdout %q", e.stdout)
	}

	e.reset()
	if err := app.List(e.p, e.services(), true); err != nil || e.stdout.String() != "[]\n" {
		t.Errorf("json: %v %q", err, e.stdout)
	}
}

// A keystore that fails is a warning, and list still shows the config.
func TestListKeystoreFails(t *testing.T) {
	e := listEnv(t)
	e.keys.Err = errors.New("the Secret Service is locked")
	if err := app.List(e.p, e.services(), false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.stderr.String(), "stscred: warning: could not read stored keys: ") || !strings.Contains(e.stdout.String(), "prod-admin") {
		t.Errorf("stdout %q\nstderr %q", e.stdout, e.stderr)
	}
}

// clear drops the sessions of a profile and of the roles it is the source
// of (a tool profile's: its target's), or all; never the keys or the key
// id entries.
func TestClear(t *testing.T) {
	for _, tc := range []struct {
		name string
		want string
		left []string // profiles with a session left
	}{
		{"", "stscred: removed 3 cached sessions (all profiles)\n", nil},
		{"alice", "stscred: removed 3 cached sessions (alice)\n", nil},
		{"prod", "stscred: removed 1 cached session (prod, which runs stscred for prod-admin)\n", []string{"alice", "ro"}},
		{"ro", "stscred: removed 1 cached session (ro)\n", []string{"alice", "prod-admin"}},
	} {
		e := listEnv(t)
		s := e.services()
		m, _ := s.Model()
		if err := app.Clear(e.p, m, e.cache, tc.name); err != nil {
			t.Fatalf("clear %q: %v", tc.name, err)
		}
		if e.stdout.String() != tc.want {
			t.Errorf("clear %q: %q, want %q", tc.name, e.stdout, tc.want)
		}
		headers, _ := e.cache.List()
		var left []string
		keyID := false
		for _, h := range headers {
			if h.Kind == cache.KindKeyID {
				keyID = true
				continue
			}
			left = append(left, h.Profile)
		}
		slices.Sort(left)
		if !slices.Equal(left, tc.left) || !keyID {
			t.Errorf("clear %q left %v (key id entry kept: %v)", tc.name, left, keyID)
		}
		if e.keys.Len() != 2 { // the key and the index
			t.Errorf("clear %q touched the keystore: %d entries", tc.name, e.keys.Len())
		}
	}
}

// A name neither configured nor cached is a typo: an error with what was
// meant, and nothing dropped.
func TestClearUnknown(t *testing.T) {
	e := listEnv(t)
	m, _ := e.services().Model()
	err := app.Clear(e.p, m, e.cache, "prdo")
	if err == nil || !strings.Contains(err.Error(), "no profile prdo") {
		t.Fatalf("clear prdo: %v", err)
	}
	if h := strings.Join(hint.Of(err), "\n"); !strings.Contains(h, "prod") {
		t.Errorf("hints %q", h)
	}
	if headers, _ := e.cache.List(); len(headers) != 4 || e.stdout.String() != "" {
		t.Errorf("%d entries left, stdout %q", len(headers), e.stdout)
	}
}

// completion's profile lists, by kind, in the config's order.
func TestProfileNames(t *testing.T) {
	e := newEnv(t, listConfig+`
[profile ci]
role_arn = arn:aws:iam::222222222222:role/CI
web_identity_token_file = /t
[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
[profile dev]
sso_session = corp
sso_account_id = 333333333333
sso_role_name = ReadOnly
`)
	m, err := e.services().Model()
	if err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[shell.ProfileKind][]string{
		shell.RoleProfile:      {"prod-admin", "ro", "ci", "dev"},
		shell.KeyHolderProfile: {"alice"},
		shell.SSOProfile:       {"corp", "dev"},
		shell.AnyProfile:       {"alice", "prod-admin", "prod", "ro", "ci", "dev"},
	} {
		if got := app.ProfileNames(m, kind); !slices.Equal(got, want) {
			t.Errorf("%v: %v, want %v", kind, got, want)
		}
	}
}

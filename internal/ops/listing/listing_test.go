package listing_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/ops/listing"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/testkit/testclock"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/keystore/keystoretest"
)

const config = `
[profile alice]
region = eu-west-1
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile bob]
region = eu-west-1

[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin

[profile prod]
credential_process = stscred role prod-admin

[profile prod-lost]
credential_process = stscred role nosuch

[profile other]
credential_process = aws-vault export other --format=json

[profile broken]
source_profile = nosuch
role_arn = arn:aws:iam::222222222222:role/Broken

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 333333333333
sso_role_name = ReadOnly
`

// Secrets of the world: none may appear in any output.
const (
	keyID         = "AKIAIOSFODNN7EXAMPLE"
	keySecret     = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	sessionID     = "ASIASESSIONEXAMPLE01"
	sessionSecret = "SeSsIoNsEcReT/0123456789abcdefghijKLMNOP"
	sessionToken  = "FwoGZXIvYXdzEXAMPLETOKEN//////////wEaDSESSIONTOKENEXAMPLE"
)

var secrets = []string{keyID, keySecret, sessionID, sessionSecret, sessionToken}

func model(t *testing.T, text string) *profile.Model {
	t.Helper()
	f, err := awsconfig.Parse("/home/u/.aws/config", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return &profile.Model{File: f}
}

var now = time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)

// world is the config above, a session cache holding entries (read back
// through the cache's own List, as stscred list does) and a keystore
// holding alice's key.
type world struct {
	m       *profile.Model
	headers []cache.Header
	keys    *keystoretest.Memory
	clock   *testclock.Clock
}

func newWorld(t *testing.T) world {
	t.Helper()
	clock := testclock.At(now)
	dataKey := make([]byte, 32)
	if _, err := rand.Read(dataKey); err != nil {
		t.Fatal(err)
	}
	c := cache.New(t.TempDir(), func() ([]byte, error) { return dataKey, nil })
	put := func(h cache.Header, expires time.Time) {
		t.Helper()
		h.Stored = clock.Now()
		err := c.Put(cache.Entry{Header: h, Creds: creds.Credentials{
			AccessKeyID: sessionID, SecretAccessKey: sessionSecret, SessionToken: sessionToken, Expiration: expires,
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	session := cache.SessionKey(keyID, "arn:aws:iam::111111111111:mfa/alice", "")
	put(cache.Header{Key: session, Kind: cache.KindSession, Profile: "alice", Chain: []string{"alice"}, MFA: true}, now.Add(42*time.Minute))
	put(cache.Header{Key: cache.RoleKey(session, cache.RoleParams{RoleARN: "arn:aws:iam::222222222222:role/Admin"}),
		Kind: cache.KindRole, Profile: "prod-admin", Chain: []string{"prod-admin", "alice"}, MFA: true}, now.Add(2*time.Hour+5*time.Minute))
	put(cache.Header{Key: cache.RoleKey(session, cache.RoleParams{RoleARN: "arn:aws:iam::222222222222:role/Admin", Duration: time.Hour}),
		Kind: cache.KindRole, Profile: "prod-admin", Chain: []string{"prod-admin", "alice"}}, now.Add(-time.Minute))
	// Which key id is stored for alice: not a session, never listed.
	put(cache.Header{Key: "v1:keyid:alice", Kind: cache.KindKeyID, Profile: "alice"}, time.Time{})
	put(cache.Header{Key: "v1:keyid:carol", Kind: cache.KindKeyID, Profile: "carol"}, time.Time{})
	// Sessions of profiles the config no longer has.
	put(cache.Header{Key: "v1:role:gone", Kind: cache.KindRole, Profile: "old-role", Chain: []string{"old-role", "old-user"}}, now.Add(10*time.Minute))
	put(cache.Header{Key: "v1:session:gone", Kind: cache.KindSession, Profile: "old-user", Chain: []string{"old-user"}}, now.Add(11*time.Minute))
	headers, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(headers) != 7 {
		t.Fatalf("cache lists %d entries, want 7", len(headers))
	}
	keys := keystoretest.NewMemory()
	if err := keystore.PutKey(keys, "alice", keystore.Key{AccessKeyID: keyID, SecretAccessKey: keySecret, Added: now.Add(-72 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return world{m: model(t, config), headers: headers, keys: keys, clock: clock}
}

func (w world) build() listing.Listing {
	return listing.Build(w.m, w.headers, w.keys, w.clock.Now())
}

func rowOf(t *testing.T, l listing.Listing, name string) listing.Row {
	t.Helper()
	for _, r := range l.Rows {
		if r.Profile == name {
			return r
		}
	}
	t.Fatalf("no row for %s in %+v", name, l.Rows)
	return listing.Row{}
}

// sessions shows a row's sessions as "kind mfa left", sorted.
func sessions(r listing.Row) []string {
	var out []string
	for _, s := range r.Sessions {
		out = append(out, fmt.Sprintf("%s %v %s", s.Kind, s.MFA, s.Left))
	}
	sort.Strings(out)
	return out
}

func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s shows a secret (%.8s...):\n%s", where, s, text)
		}
	}
}

func TestBuildRows(t *testing.T) {
	w := newWorld(t)
	l := w.build()
	if l.KeysErr != nil {
		t.Fatalf("KeysErr = %v", l.KeysErr)
	}
	var got []string
	for _, r := range l.Rows {
		got = append(got, r.Profile+":"+r.Type)
	}
	// The config's profiles in its order, then what is cached for profiles
	// it does not have, by name.
	want := []string{
		"alice:user", "bob:user", "prod-admin:role", "prod:tool", "prod-lost:tool", "other:process",
		"broken:invalid", "dev:sso", "legacy:sso", "old-role:not in config", "old-user:not in config",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("rows:\n got %v\nwant %v", got, want)
	}

	alice := rowOf(t, l, "alice")
	if alice.Key != keystore.MaskID(keyID) || alice.Key == keyID {
		t.Errorf("alice's key shown as %q, want the masked id %q", alice.Key, keystore.MaskID(keyID))
	}
	if alice.KeyAdded == nil || !alice.KeyAdded.Equal(now.Add(-72*time.Hour)) {
		t.Errorf("alice's key added %v", alice.KeyAdded)
	}
	if got := sessions(alice); strings.Join(got, ",") != "session true 42m left" {
		t.Errorf("alice's sessions %q (the stored key id is not a session)", got)
	}
	if bob := rowOf(t, l, "bob"); bob.Key != "" || bob.KeyAdded != nil || len(bob.Sessions) != 0 {
		t.Errorf("bob has no key and no session: %+v", bob)
	}
	if got := sessions(rowOf(t, l, "prod-admin")); strings.Join(got, ",") != "role false expired,role true 2h05m left" {
		t.Errorf("prod-admin's sessions %q", got)
	}
	// A tool profile's sessions are its target's: shown there, not here.
	if r := rowOf(t, l, "prod"); len(r.Sessions) != 0 || r.Key != "" {
		t.Errorf("prod: %+v", r)
	}
	if got := sessions(rowOf(t, l, "old-role")); strings.Join(got, ",") != "role false 10m left" {
		t.Errorf("old-role's sessions %q", got)
	}
	for _, r := range l.Rows {
		if r.Profile == "carol" {
			t.Errorf("a profile with nothing but a stored key id is listed: %+v", r)
		}
		for _, s := range r.Sessions {
			if s.Kind == cache.KindKeyID {
				t.Errorf("%s lists a key id entry as a session", r.Profile)
			}
		}
	}
}

// The time left moves with the clock given, not the wall clock.
func TestBuildTimeLeftFromTheClock(t *testing.T) {
	w := newWorld(t)
	w.clock.Advance(40 * time.Minute)
	l := w.build()
	if got := sessions(rowOf(t, l, "alice")); strings.Join(got, ",") != "session true 2m left" {
		t.Errorf("40 minutes on, alice's sessions %q", got)
	}
	w.clock.Advance(3 * time.Minute)
	l = w.build()
	if got := sessions(rowOf(t, l, "alice")); strings.Join(got, ",") != "session true expired" {
		t.Errorf("43 minutes on, alice's sessions %q", got)
	}
	var buf bytes.Buffer
	if err := l.WriteTable(&buf, "the memory keystore"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "(3d old)") {
		t.Errorf("key age not from the clock:\n%s", buf.String())
	}
}

func TestWriteTable(t *testing.T) {
	w := newWorld(t)
	var buf bytes.Buffer
	if err := w.build().WriteTable(&buf, "the memory keystore"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	fields := func(prefix string) string {
		t.Helper()
		for _, l := range lines {
			if strings.HasPrefix(l, prefix+" ") {
				return strings.Join(strings.Fields(l), " ")
			}
		}
		t.Fatalf("no line for %s:\n%s", prefix, out)
		return ""
	}
	if got := fields("PROFILE"); got != "PROFILE TYPE KEY CACHED" {
		t.Errorf("header %q", got)
	}
	for prefix, want := range map[string]string{
		"alice":      "alice user AKIA…MPLE (3d old) session (MFA) 42m left",
		"bob":        "bob user - -",
		"prod":       "prod tool - -",
		"other":      "other process - -",
		"broken":     "broken invalid - -",
		"dev":        "dev sso - -",
		"old-role":   "old-role not in config - role 10m left",
		"prod-admin": "prod-admin role - ",
	} {
		if got := fields(prefix); !strings.HasPrefix(got, want) {
			t.Errorf("%s: %q, want %q", prefix, got, want)
		}
	}
	pa := fields("prod-admin")
	if !strings.Contains(pa, "role (MFA) 2h05m left") || !strings.Contains(pa, "role expired") {
		t.Errorf("prod-admin: %q", pa)
	}
	if !strings.HasSuffix(out, "\nkeys are kept in the memory keystore\n") {
		t.Errorf("the table does not end by saying where keys are:\n%s", out)
	}
	// The columns line up: every row's TYPE starts where the header's does.
	col := strings.Index(lines[0], "TYPE")
	for _, l := range lines[1:] {
		if l == "" || strings.HasPrefix(l, "keys are kept") {
			continue
		}
		if len(l) <= col || l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("row %q does not line up with the header %q", l, lines[0])
		}
	}
	assertNoSecret(t, "the table", out)
}

func TestWriteJSON(t *testing.T) {
	w := newWorld(t)
	var buf bytes.Buffer
	if err := w.build().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	assertNoSecret(t, "the JSON", out)
	var rows []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	byName := map[string]map[string]any{}
	for _, r := range rows {
		name, _ := r["profile"].(string)
		byName[name] = r
		if _, ok := r["type"].(string); !ok {
			t.Errorf("row %v has no type", r)
		}
		if _, ok := r["sessions"]; !ok {
			t.Errorf("row %v has no sessions member", r)
		}
	}
	if len(rows) != 11 {
		t.Errorf("%d rows, want 11", len(rows))
	}
	alice := byName["alice"]
	if alice["key"] != keystore.MaskID(keyID) {
		t.Errorf("alice's key %v", alice["key"])
	}
	if alice["key_added"] != now.Add(-72*time.Hour).Format(time.RFC3339) {
		t.Errorf("alice's key_added %v", alice["key_added"])
	}
	ss, ok := alice["sessions"].([]any)
	if !ok || len(ss) != 1 {
		t.Fatalf("alice's sessions %v", alice["sessions"])
	}
	s := ss[0].(map[string]any)
	if s["kind"] != "session" || s["mfa"] != true || s["left"] != "42m left" || s["expires"] != now.Add(42*time.Minute).Format(time.RFC3339) {
		t.Errorf("alice's session %v", s)
	}
	// No key: the members are left out, not empty.
	for _, name := range []string{"bob", "prod-admin", "old-role"} {
		if _, ok := byName[name]["key"]; ok {
			t.Errorf("%s has a key member: %v", name, byName[name])
		}
		if _, ok := byName[name]["key_added"]; ok {
			t.Errorf("%s has a key_added member: %v", name, byName[name])
		}
	}
	if ss, ok := byName["prod-admin"]["sessions"].([]any); !ok || len(ss) != 2 {
		t.Errorf("prod-admin's sessions %v", byName["prod-admin"]["sessions"])
	}
}

// Nothing at all is an empty array, for scripts: not null, not nothing.
func TestWriteJSONEmpty(t *testing.T) {
	for name, l := range map[string]listing.Listing{
		"zero":  {},
		"built": listing.Build(model(t, "# nothing here\n"), nil, keystoretest.NewMemory(), now),
	} {
		var buf bytes.Buffer
		if err := l.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(buf.String()); got != "[]" {
			t.Errorf("%s: %q, want []", name, got)
		}
	}
}

// When the keystore cannot be read, the rows are still there, with "?"
// for the keys that could not be read, and the error is kept for a
// warning.
func TestBuildKeystoreError(t *testing.T) {
	w := newWorld(t)
	w.keys.Err = errors.New("the keyring is locked")
	l := w.build()
	if l.KeysErr == nil || !strings.Contains(l.KeysErr.Error(), "locked") {
		t.Fatalf("KeysErr = %v", l.KeysErr)
	}
	if len(l.Rows) != 11 {
		t.Fatalf("%d rows, want 11", len(l.Rows))
	}
	if r := rowOf(t, l, "alice"); r.Key != "" || len(r.Sessions) != 1 {
		t.Errorf("alice: %+v", r)
	}
	var buf bytes.Buffer
	if err := l.WriteTable(&buf, "the memory keystore"); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		switch f[0] {
		case "alice", "bob":
			if f[2] != "?" {
				t.Errorf("a key that could not be read shows as %q, want ?: %q", f[2], line)
			}
		case "prod-admin", "prod", "other", "dev":
			if f[2] != "-" {
				t.Errorf("a profile without a key shows %q: %q", f[2], line)
			}
		}
	}
}

// A keystore entry that is not a key is an error, which does not quote
// the entry (it may hold the secret); a missing key is not an error.
func TestBuildBadKeyEntry(t *testing.T) {
	w := newWorld(t)
	if err := w.keys.Set(keystore.KeyName("alice"), `{"AccessKeyId":"`+keyID+`","SecretAccessKey":""} `+keySecret); err != nil {
		t.Fatal(err)
	}
	l := w.build()
	if l.KeysErr == nil {
		t.Fatal("a broken key entry is not reported")
	}
	assertNoSecret(t, "the keystore error", l.KeysErr.Error())
	if r := rowOf(t, l, "alice"); r.Key != "" {
		t.Errorf("alice's broken key shown as %q", r.Key)
	}
}

func TestAddSSO(t *testing.T) {
	w := newWorld(t)
	l := w.build()
	var asked []string
	status := func(s identitycenter.Session) (identitycenter.Status, error) {
		asked = append(asked, s.Label())
		switch s.Label() {
		case "corp":
			return identitycenter.Status{SignedIn: true, Expires: now.Add(time.Hour), Refreshable: true}, nil
		case "https://legacy.awsapps.com/start":
			return identitycenter.Status{}, nil
		}
		return identitycenter.Status{}, fmt.Errorf("unexpected session %q", s.Label())
	}
	l.AddSSO(w.m, status)
	if l.KeysErr != nil {
		t.Fatalf("KeysErr = %v", l.KeysErr)
	}
	if strings.Join(asked, ",") != "corp,https://legacy.awsapps.com/start" {
		t.Errorf("status asked for %q: each session once", asked)
	}
	corp := rowOf(t, l, "corp")
	if corp.Type != listing.SSOType || strings.Join(sessions(corp), ",") != "signed in false 1h00m left" {
		t.Errorf("corp: %+v", corp)
	}
	legacy := rowOf(t, l, "https://legacy.awsapps.com/start")
	if legacy.Type != listing.SSOType || len(legacy.Sessions) != 0 {
		t.Errorf("a signed-out session: %+v", legacy)
	}
	var buf bytes.Buffer
	if err := l.WriteTable(&buf, "the memory keystore"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "signed in 1h00m left") {
		t.Errorf("the table lacks the sign-in:\n%s", buf.String())
	}
}

func TestAddSSOExpiredAndError(t *testing.T) {
	w := newWorld(t)
	l := w.build()
	l.AddSSO(w.m, func(s identitycenter.Session) (identitycenter.Status, error) {
		if s.Name == "corp" {
			// The access token has run out, but a refresh renews it.
			return identitycenter.Status{SignedIn: true, Expires: now.Add(-time.Minute), Refreshable: true}, nil
		}
		return identitycenter.Status{}, errors.New("keyring locked")
	})
	corp := rowOf(t, l, "corp")
	if len(corp.Sessions) != 1 || corp.Sessions[0].Left != "renewed on the next call" {
		t.Errorf("corp: %+v", corp)
	}
	if l.KeysErr == nil || !strings.Contains(l.KeysErr.Error(), "keyring locked") {
		t.Errorf("KeysErr = %v, want the status error", l.KeysErr)
	}
	if r := rowOf(t, l, "https://legacy.awsapps.com/start"); len(r.Sessions) != 0 {
		t.Errorf("a session whose status failed shows %+v", r)
	}
}

// An expired sign-in that cannot be refreshed shows no session.
func TestAddSSOExpiredNotRefreshable(t *testing.T) {
	w := newWorld(t)
	l := w.build()
	l.AddSSO(w.m, func(identitycenter.Session) (identitycenter.Status, error) {
		return identitycenter.Status{SignedIn: true, Expires: now.Add(-time.Minute)}, nil
	})
	if r := rowOf(t, l, "corp"); len(r.Sessions) != 0 {
		t.Errorf("corp: %+v", r)
	}
}

func TestClearingOf(t *testing.T) {
	w := newWorld(t)
	// What each clearing drops, by profile and kind.
	dropped := func(c listing.Clearing) []string {
		var out []string
		for _, h := range w.headers {
			if c.Match(h) {
				out = append(out, h.Profile+"/"+h.Kind)
			}
		}
		sort.Strings(out)
		return out
	}
	for _, tc := range []struct {
		name, target, what string
		drops              []string
	}{
		{"", "", "all profiles", []string{"alice/session", "old-role/role", "old-user/session", "prod-admin/role", "prod-admin/role"}},
		{"alice", "alice", "alice", []string{"alice/session", "prod-admin/role", "prod-admin/role"}},
		{"prod-admin", "prod-admin", "prod-admin", []string{"prod-admin/role", "prod-admin/role"}},
		// A tool profile clears what its stscred call asks for.
		{"prod", "prod-admin", "prod, which runs stscred for prod-admin", []string{"prod-admin/role", "prod-admin/role"}},
		// In the config, nothing cached: clears nothing, quietly.
		{"bob", "bob", "bob", nil},
		{"broken", "broken", "broken", nil},
		{"prod-lost", "prod-lost", "prod-lost", nil},
		// Gone from the config, still cached.
		{"old-role", "old-role", "old-role", []string{"old-role/role"}},
		{"old-user", "old-user", "old-user", []string{"old-role/role", "old-user/session"}},
	} {
		c, err := listing.ClearingOf(w.m, w.headers, tc.name)
		if err != nil {
			t.Errorf("ClearingOf(%q): %v", tc.name, err)
			continue
		}
		if c.Named != tc.name || c.Target != tc.target {
			t.Errorf("ClearingOf(%q) = %+v, want target %q", tc.name, c, tc.target)
		}
		if got := c.What(); got != tc.what {
			t.Errorf("ClearingOf(%q).What() = %q, want %q", tc.name, got, tc.what)
		}
		if got := dropped(c); strings.Join(got, " ") != strings.Join(tc.drops, " ") {
			t.Errorf("ClearingOf(%q) drops %q, want %q", tc.name, got, tc.drops)
		}
	}
}

// Keys stay: no clearing drops a stored key id entry.
func TestClearingKeepsKeys(t *testing.T) {
	for _, c := range []listing.Clearing{{}, {Named: "alice", Target: "alice"}, {Named: "carol", Target: "carol"}} {
		if c.Match(cache.Header{Key: "v1:keyid:alice", Kind: cache.KindKeyID, Profile: "alice"}) ||
			c.Match(cache.Header{Key: "v1:keyid:carol", Kind: cache.KindKeyID, Profile: "carol"}) {
			t.Errorf("%+v drops a key id entry", c)
		}
	}
}

// A name neither configured nor cached is a typo: an error saying so,
// with what was meant when there is something close.
func TestClearingOfTypo(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name string
		mean string // a hint that must be there, "" for no "did you mean"
	}{
		{"prod-admn", `did you mean "prod-admin"?`},
		{"Alice", `did you mean "alice"? profile names are case-sensitive`},
		{"alcie", `did you mean "alice"?`},
		{"zzzzzzzz", ""},
		// A stored key id is not something to clear.
		{"carol", ""},
	} {
		c, err := listing.ClearingOf(w.m, w.headers, tc.name)
		if err == nil {
			t.Errorf("ClearingOf(%q) = %+v, want an error", tc.name, c)
			continue
		}
		if c != (listing.Clearing{}) {
			t.Errorf("ClearingOf(%q) returned %+v with its error", tc.name, c)
		}
		if !strings.Contains(err.Error(), tc.name) {
			t.Errorf("ClearingOf(%q): %q does not name it", tc.name, err)
		}
		hints := hint.Of(err)
		all := strings.Join(hints, "\n")
		if !strings.Contains(all, "stscred list") {
			t.Errorf("ClearingOf(%q): hints %q do not point at stscred list", tc.name, hints)
		}
		switch {
		case tc.mean == "" && strings.Contains(all, "did you mean"):
			t.Errorf("ClearingOf(%q): hints %q guess at a name", tc.name, hints)
		case tc.mean != "" && !strings.Contains(all, tc.mean):
			t.Errorf("ClearingOf(%q): hints %q, want %q", tc.name, hints, tc.mean)
		}
		// Not the config's "add a [profile ...] section" advice: adding
		// one is not the fix for a typo.
		if strings.Contains(all, "add a [profile") {
			t.Errorf("ClearingOf(%q): hints %q suggest adding the profile", tc.name, hints)
		}
	}
}

// With no cache at all, a configured name is fine and a typo still an
// error.
func TestClearingOfEmptyCache(t *testing.T) {
	m := model(t, config)
	if _, err := listing.ClearingOf(m, nil, "alice"); err != nil {
		t.Errorf("ClearingOf(alice) with nothing cached: %v", err)
	}
	if _, err := listing.ClearingOf(m, nil, "alicee"); err == nil {
		t.Error("ClearingOf(alicee) with nothing cached: no error")
	}
	if c, err := listing.ClearingOf(m, nil, ""); err != nil || c.What() != "all profiles" {
		t.Errorf("ClearingOf(\"\") = %+v, %v", c, err)
	}
}

// A key stored under a name the config lacks (a typo at stscred add, a
// profile since removed) has a row of its own, with its sessions if it
// has any, and is named in Unnamed; the table shows its key.
func TestBuildKeyNoProfileNames(t *testing.T) {
	w := newWorld(t)
	for _, name := range []string{"alcie", "old-user"} {
		if err := keystore.PutKey(w.keys, name, keystore.Key{AccessKeyID: keyID, SecretAccessKey: keySecret, Added: now.Add(-2 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	l := w.build()
	if got := strings.Join(l.Unnamed, " "); got != "alcie old-user" {
		t.Errorf("Unnamed = %q", got)
	}
	alcie := rowOf(t, l, "alcie")
	if alcie.Type != listing.NotInConfig || alcie.Key != keystore.MaskID(keyID) || alcie.KeyAdded == nil || len(alcie.Sessions) != 0 {
		t.Errorf("alcie: %+v", alcie)
	}
	old := rowOf(t, l, "old-user")
	if old.Key != keystore.MaskID(keyID) || len(old.Sessions) != 1 {
		t.Errorf("old-user: %+v", old)
	}
	n := 0
	for _, r := range l.Rows {
		if r.Profile == "old-user" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d rows of old-user", n)
	}
	var buf bytes.Buffer
	if err := l.WriteTable(&buf, "the memory keystore"); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.Join(strings.Fields(line), " ") == "alcie not in config "+keystore.MaskID(keyID)+" (2h00m old) -" {
			found = true
		}
	}
	if !found {
		t.Errorf("no row for alcie's key in\n%s", buf.String())
	}
	assertNoSecret(t, "the table", buf.String())
}

// What the cache remembers besides credentials (a key id, a role STS
// refused without MFA) is never a session: list does not show it, clear
// does not count it.
func TestRememberedEntriesAreNotSessions(t *testing.T) {
	w := newWorld(t)
	refused := cache.Header{Key: cache.RefusedKey("prod-admin"), Kind: cache.KindRefused, Profile: "prod-admin", Chain: []string{"prod-admin", "alice"}, Expires: now.Add(time.Hour)}
	w.headers = append(w.headers, refused)
	if got := sessions(rowOf(t, w.build(), "prod-admin")); len(got) != 2 {
		t.Errorf("prod-admin's sessions %v", got)
	}
	for _, c := range []listing.Clearing{{}, {Named: "prod-admin", Target: "prod-admin"}} {
		if c.Match(refused) || c.Match(cache.Header{Kind: cache.KindKeyID, Profile: "alice"}) {
			t.Errorf("%+v clears what is not a session", c)
		}
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/keystore"
)

// A config with a profile of every kind list shows, for the JSON walk.
const everyKindConfig = `[profile alice]
region = eu-west-1
mfa_serial = arn:aws:iam::111111111111:mfa/alice
[profile bob]
region = eu-west-1
[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin
[profile prod]
credential_process = stscred role prod-admin
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
[profile lina]
login_session = arn:aws:iam::111111111111:user/lina
region = eu-west-1
`

// nullPaths walks a decoded JSON document and returns where it holds a
// null: an empty list must be [] and an absent value left out, at every
// level, so that a script can iterate without checking for null first.
func nullPaths(v any, path string) []string {
	switch v := v.(type) {
	case nil:
		return []string{path}
	case []any:
		var out []string
		for i, e := range v {
			out = append(out, nullPaths(e, fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			out = append(out, nullPaths(v[k], path+"."+k)...)
		}
		return out
	}
	return nil
}

func TestNullPathsFindsNulls(t *testing.T) {
	var doc any
	if err := json.Unmarshal([]byte(`[{"a":[],"b":{"c":null}},null,{"sessions":null}]`), &doc); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(nullPaths(doc, "$"), " ")
	if want := "$[0].b.c $[1] $[2].sessions"; got != want {
		t.Fatalf("nullPaths = %q, want %q", got, want)
	}
}

// list --json has no null anywhere, whatever the rows hold: a profile of
// every kind, with a key and without, with cached sessions and without,
// an Identity Center session signed out, a login profile not signed in,
// the sessions of an inline role, and a key no profile names.
func TestListJSONHasNoNull(t *testing.T) {
	env, out, errb := testEnv(t, everyKindConfig)
	now := time.Now()
	if err := keystore.PutKey(env.KeyStore, "alice", keystore.Key{AccessKeyID: "AKIAABCDEFGHIJKLMNOP", SecretAccessKey: "sekrit", Added: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := keystore.PutKey(env.KeyStore, "alcie", keystore.Key{AccessKeyID: "AKIAABCDEFGHIJKLMNOQ", SecretAccessKey: "sekrit2"}); err != nil {
		t.Fatal(err)
	}
	for _, e := range []cache.Entry{
		{Header: cache.Header{Key: "v1:role:prod-admin", Kind: cache.KindRole, Profile: "prod-admin", Chain: []string{"prod-admin", "alice"}, MFA: true}},
		{Header: cache.Header{Key: "v1:role:inline", Kind: cache.KindRole, Profile: "arn:aws:iam::222222222222:role/Inline", Chain: []string{"arn:aws:iam::222222222222:role/Inline", "alice"}}},
	} {
		e.Creds = creds.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s", SessionToken: "t", Expiration: now.Add(time.Hour)}
		if err := env.SessionCache.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	if code := runFake([]string{"list", "--json"}, env); code != 0 {
		t.Fatalf("list --json: exit %d\n%s", code, errb)
	}
	var doc []any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if nulls := nullPaths(doc, "$"); len(nulls) > 0 {
		t.Errorf("null at %s in\n%s", strings.Join(nulls, ", "), out)
	}
	types := map[string]string{}
	for _, r := range doc {
		row := r.(map[string]any)
		name, _ := row["profile"].(string)
		types[name], _ = row["type"].(string)
		if _, ok := row["sessions"].([]any); !ok {
			t.Errorf("%s: sessions is %v, not a list", name, row["sessions"])
		}
	}
	// Every kind of row was there to be walked.
	for name, typ := range map[string]string{
		"alice": "user", "bob": "user", "prod-admin": "role", "prod": "tool", "other": "process", "broken": "invalid",
		"dev": "sso", "corp": "sso-session", "lina": "login", "arn:aws:iam::222222222222:role/Inline": "not in config", "alcie": "not in config",
	} {
		if types[name] != typ {
			t.Errorf("row %s: type %q, want %q (rows: %v)", name, types[name], typ, types)
		}
	}
}

// list names a key stored under a name the config lacks, on stderr with
// what was meant; stdout keeps only the table.
func TestListNotesAKeyNoProfileNames(t *testing.T) {
	env, out, errb := testEnv(t, cfg)
	if err := keystore.PutKey(env.KeyStore, "alcie", keystore.Key{AccessKeyID: "AKIAABCDEFGHIJKLMNOQ", SecretAccessKey: "sekrit"}); err != nil {
		t.Fatal(err)
	}
	if code := runFake([]string{"list"}, env); code != 0 {
		t.Fatalf("exit %d\n%s", code, errb)
	}
	if !strings.Contains(out.String(), "alcie") || strings.Contains(out.String(), "note:") {
		t.Errorf("stdout:\n%s", out)
	}
	want := "stscred: note: the key stored for alcie belongs to no profile of " + env.Getenv("AWS_CONFIG_FILE") + ` (did you mean "alice"?): add [profile alcie] there, or if the name is a typo: stscred remove alcie, then stscred add the right one` + "\n"
	if errb.String() != want {
		t.Errorf("stderr %q\nwant   %q", errb, want)
	}
}

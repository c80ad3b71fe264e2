//go:build linux && realworld

package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// What `list`, `whoami -v` and `console` show of IAM Identity Center.

// listRow is a row of `stscred list --json`.
type listRow struct {
	Profile  string
	Type     string
	Sessions []struct {
		Kind    string
		Expires time.Time
		Left    string
	}
}

// ssoList runs `stscred list` and `list --json`: the table's line of name
// (its words) and the JSON row of name. Neither may show a role secret
// (the sign-in's secrets are checked after the test).
func ssoList(t *testing.T, w *ssoWorld, name string) (line []string, row listRow) {
	t.Helper()
	table, js := w.sc("list"), w.sc("list", "--json")
	if table.code != 0 || js.code != 0 {
		t.Fatalf("stscred list: %s\nlist --json: %s", table, js)
	}
	_, role := w.ssoSecrets()
	for _, s := range role {
		if strings.Contains(table.stdout, s) || strings.Contains(js.stdout, s) {
			t.Fatalf("list shows a role credential secret:\n%s\n%s", table.stdout, js.stdout)
		}
	}
	for _, l := range strings.Split(table.stdout, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == name {
			line = f
		}
	}
	if line == nil {
		t.Fatalf("the table has no line for %s:\n%s", name, table.stdout)
	}
	var rows []listRow
	if err := json.Unmarshal([]byte(js.stdout), &rows); err != nil {
		t.Fatalf("list --json: %v\n%s", err, js.stdout)
	}
	for _, r := range rows {
		if r.Profile == name {
			return line, r
		}
	}
	t.Fatalf("list --json has no row for %s:\n%s", name, js.stdout)
	return nil, listRow{}
}

var leftPattern = regexp.MustCompile(`^[0-9]+m left$`)

// `stscred list`: corp is a row of type sso-session, "signed in" with the
// time left after the login and not after the logout; dev is of type sso
// and shows its cached role credentials after `role dev`.
func TestSSOList(t *testing.T) {
	forSSOBackends(t, ssotest.Options{}, ststest.Options{}, func(t *testing.T, w *ssoWorld) {
		line, row := ssoList(t, w, "corp")
		if line[1] != "sso-session" || row.Type != "sso-session" || len(row.Sessions) != 0 || strings.Contains(strings.Join(line, " "), "signed in") {
			t.Fatalf("before any sign-in: corp is %q, %+v", line, row)
		}
		w.login()
		tok := w.sso.Tokens()
		line, row = ssoList(t, w, "corp")
		text := strings.Join(line, " ")
		if line[1] != "sso-session" || !strings.Contains(text, "signed in") || !regexp.MustCompile(`signed in [0-9]+m left`).MatchString(text) {
			t.Fatalf("after sso login, the table shows corp as %q", text)
		}
		if row.Type != "sso-session" || len(row.Sessions) != 1 || row.Sessions[0].Kind != "signed in" || !leftPattern.MatchString(row.Sessions[0].Left) {
			t.Fatalf("after sso login, list --json shows corp as %+v", row)
		}
		if d := row.Sessions[0].Expires.Sub(tok[len(tok)-1].Expires); len(tok) != 1 || d < -30*time.Second || d > 30*time.Second {
			t.Fatalf("corp signed in until %s; the access token expires at %s", row.Sessions[0].Expires, tok[len(tok)-1].Expires)
		}
		line, row = ssoList(t, w, "dev")
		if line[1] != "sso" || row.Type != "sso" || len(row.Sessions) != 0 {
			t.Fatalf("before role dev: dev is %q, %+v", line, row)
		}

		c := w.decode(w.sc("role", "dev"))
		line, row = ssoList(t, w, "dev")
		if line[1] != "sso" || row.Type != "sso" || len(row.Sessions) != 1 || !leftPattern.MatchString(row.Sessions[0].Left) {
			t.Fatalf("after role dev: dev is %q, %+v", line, row)
		}
		if !row.Sessions[0].Expires.Equal(c.Expiration) || !regexp.MustCompile(` [0-9]+m left`).MatchString(strings.Join(line, " ")) {
			t.Fatalf("dev's cached credentials expire at %s; list says %q, %+v", c.Expiration, line, row)
		}
		if n := w.grc(); n != 1 {
			t.Fatalf("%d GetRoleCredentials: list must not fetch credentials", n)
		}

		if res := w.sc("sso", "logout", "corp"); res.code != 0 {
			t.Fatalf("sso logout corp: %s", res)
		}
		line, row = ssoList(t, w, "corp")
		if line[1] != "sso-session" || len(row.Sessions) != 0 || strings.Contains(strings.Join(line, " "), "signed in") {
			t.Fatalf("after sso logout: corp is %q, %+v", line, row)
		}
		if _, row = ssoList(t, w, "dev"); len(row.Sessions) != 0 {
			t.Fatalf("after sso logout, dev still shows cached credentials: %+v", row)
		}
	})
}

// whoamiDoc is `stscred whoami -v`'s JSON.
type whoamiDoc struct {
	UserId, Account, Arn, Profile, Source string
	SSOSession, SSOAccountId, SSORoleName string
	MinutesLeft                           int
	raw                                   map[string]any
}

// `stscred whoami -v dev` and `whoami -v dev-tools`: GetCallerIdentity
// signed with the SSO role credentials says the AWSReservedSSO_ role, and
// -v adds the session, account and role, with MFAAuthenticated null.
func TestSSOWhoami(t *testing.T) {
	w := newSSOWorld(t, "secret-service", ssotest.Options{}, ststest.Options{})
	w.assertNotSignedIn(w.sc("whoami", "-v", "dev"), 0)
	w.login()
	for _, profile := range []string{"dev", "dev-tools"} {
		gci := w.srv.Calls("GetCallerIdentity")
		res := w.sc("whoami", "-v", profile)
		if res.code != 0 || res.stderr != "" {
			t.Fatalf("stscred whoami -v %s: %s", profile, res)
		}
		var doc whoamiDoc
		if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
			t.Fatalf("whoami -v %s: %v\n%s", profile, err, res.stdout)
		}
		if err := json.Unmarshal([]byte(res.stdout), &doc.raw); err != nil {
			t.Fatal(err)
		}
		if doc.Arn != w.ssoArn() || !strings.Contains(doc.Arn, ":assumed-role/AWSReservedSSO_"+ssoRoleName+"_") || doc.Account != ssoAccount {
			t.Fatalf("whoami -v %s: Arn %q Account %q, want %s", profile, doc.Arn, doc.Account, w.ssoArn())
		}
		if doc.SSOSession != "corp" || doc.SSOAccountId != ssoAccount || doc.SSORoleName != ssoRoleName || doc.Profile != profile {
			t.Fatalf("whoami -v %s: Profile %q SSOSession %q SSOAccountId %q SSORoleName %q", profile, doc.Profile, doc.SSOSession, doc.SSOAccountId, doc.SSORoleName)
		}
		if v, ok := doc.raw["MFAAuthenticated"]; !ok || v != nil {
			t.Fatalf("whoami -v %s: MFAAuthenticated %v (present %v), want null", profile, v, ok)
		}
		if doc.MinutesLeft < 50 || doc.Source == "" {
			t.Fatalf("whoami -v %s: MinutesLeft %d, Source %q", profile, doc.MinutesLeft, doc.Source)
		}
		// The STS test server answered, to the SSO role credentials.
		rc := w.roleCreds()
		if w.srv.Calls("GetCallerIdentity") != gci+1 || len(rc) != 1 || lastRequestKey(w.world, "GetCallerIdentity") != rc[0].AccessKeyID {
			t.Fatalf("whoami -v %s: GetCallerIdentity not signed with the role credentials %+v", profile, rc)
		}
	}
	if n := w.grc(); n != 1 {
		t.Fatalf("%d GetRoleCredentials for dev and dev-tools: they share one cache entry", n)
	}
}

// `stscred console dev --url` for an SSO profile: a sign-in URL from the
// federation endpoint, made with dev's role credentials (the ones `role
// dev` serves), which signs in as the AWSReservedSSO_ role. Signed out,
// it fails with the login hint and opens no browser.
func TestSSOConsole(t *testing.T) {
	w := newSSOWorld(t, "file", ssotest.Options{}, ststest.Options{})
	fed := []string{fedEnv(w.world)}
	w.login()
	res := w.exec(fed, w.bin, "console", "dev", "--url")
	s := parseSignIn(t, w.world, urlLine(t, res))
	assertNoToken(t, w.world, "stderr", res.stderr)
	if s.destination != consoleHome {
		t.Fatalf("destination %q, want %q", s.destination, consoleHome)
	}
	rc := w.roleCreds()
	if len(rc) != 1 || w.srv.Calls("getSigninToken") != 1 {
		t.Fatalf("%d role credentials, %d getSigninToken", len(rc), w.srv.Calls("getSigninToken"))
	}
	l := follow(t, w.world, s, consoleHome)
	if l.Action != "GetRoleCredentials" || l.ARN != w.ssoArn() || l.AccessKeyID != rc[0].AccessKeyID {
		t.Fatalf("the console signed in as %+v; want %s with %s", l, w.ssoArn(), rc[0].AccessKeyID)
	}
	// The same credentials as `role dev`, from the cache.
	if c := w.decode(w.sc("role", "dev")); c.AccessKeyID != l.AccessKeyID || w.grc() != 1 {
		t.Fatalf("role dev gives %s, the console used %s; %d GetRoleCredentials", c.AccessKeyID, l.AccessKeyID, w.grc())
	}
	assertTokensNotOnDisk(t, w.world, s.raw)
	if len(w.opened()) != 1 {
		t.Fatalf("the browser was opened %d times: console --url opens none", len(w.opened()))
	}
	if res := w.sc("sso", "logout", "corp"); res.code != 0 {
		t.Fatalf("sso logout corp: %s", res)
	}
	w.assertNotSignedIn(w.exec(fed, w.bin, "console", "dev", "--url"), 1)
}

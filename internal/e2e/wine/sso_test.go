//go:build linux && realworld

package wine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/wine"
)

// An IAM Identity Center sign-in on Windows: stscred.exe sso login with a
// --browser given by a Windows path (backslashes, a blank, quoted) that
// follows the one-time hand-off to the authorize page of the Identity
// Center test server and on to stscred's loopback listener; the sign-in
// goes to the Credential Manager, and a profile of the SSO session gets
// role credentials from it, which sign requests to the STS test server.
func TestWindowsSSOLogin(t *testing.T) {
	w := newWinWorld(t)
	const (
		startURL = "https://corp.awsapps.com/start"
		region   = "eu-west-1"
		account  = "111111111111"
		roleName = "Developer"
		user     = "alice@example.com"
	)
	sso := ssotest.New(ssotest.Options{STS: w.srv, Region: region, StartURL: startURL})
	ssoURL := sso.Start()
	t.Cleanup(sso.Close)
	sso.AddUser(user)
	sso.AddAccount(ssotest.Account{ID: account, Name: "dev", Email: "dev@example.com"})
	sso.Assign(ssotest.Assignment{User: user, AccountID: account, RoleName: roleName})
	w.srv.AddRole(ststest.Role{ARN: sso.RoleARN(account, roleName), MaxSessionDuration: 12 * time.Hour})
	config := w.demo.Config() + `
[sso-session corp]
sso_start_url = ` + startURL + `
sso_region = ` + region + `
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = ` + account + `
sso_role_name = ` + roleName + `
region = ` + region + `
`
	if err := os.WriteFile(filepath.Join(w.dir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	w.extra = []string{"AWS_ENDPOINT_URL_SSO_OIDC=" + ssoURL, "AWS_ENDPOINT_URL_SSO=" + ssoURL}

	browserDir := filepath.Join(w.dir, "Program Files", "Stand In")
	if err := os.MkdirAll(browserDir, 0o700); err != nil {
		t.Fatal(err)
	}
	browser := filepath.Join(browserDir, "browser.exe")
	if err := os.Link(filepath.Join(the.bin, "wintool.exe"), browser); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(w.dir, "opened")

	if r := w.stscred("role", "dev"); r.code == 0 || r.stdout != "" || !strings.Contains(r.stderr, "stscred sso login corp") {
		t.Fatalf("stscred role dev before signing in: %s, want a failure that hints at sso login", r)
	}
	login := w.stscred("sso", "login", "corp", "--browser", `"`+wine.WinPath(browser)+`" signin `+wine.WinPath(record))
	if login.code != 0 || login.stdout != "" || !strings.Contains(login.stderr, "stscred: signed in to corp until ") {
		t.Fatalf("stscred sso login corp --browser with a Windows path: %s", login)
	}
	opened, err := os.ReadFile(record)
	if err != nil || !strings.HasPrefix(string(opened), ssoURL+"/authorize?") || strings.Count(string(opened), "\n") != 1 {
		t.Errorf("the browser at %s was not sent to the authorize page once: %q %v", wine.WinPath(browser), opened, err)
	}
	if n := sso.Successes(ssotest.GrantOp(ssotest.GrantAuthorizationCode)); n != 1 {
		t.Errorf("%d authorization codes were redeemed, want 1", n)
	}
	var stored bool
	for _, c := range w.credentials() {
		stored = stored || strings.HasPrefix(c, w.service+":v1:sso-token:")
	}
	if !stored {
		t.Errorf("the sign-in is not in the Credential Manager: %q", w.credentials())
	}

	r := w.stscred("role", "dev")
	if r.code != 0 || !strings.Contains(r.stdout, `"AccessKeyId":"ASIA`) {
		t.Fatalf("stscred role dev after signing in: %s", r)
	}
	if n := sso.Successes(ssotest.OpGetRoleCredentials); n != 1 {
		t.Errorf("GetRoleCredentials succeeded %d times, want 1", n)
	}
	arn := sso.RoleARN(account, roleName)
	if r := w.stscred("whoami", "dev"); r.code != 0 || !strings.Contains(r.stdout, "arn:aws:sts::"+account+":assumed-role/"+arn[strings.LastIndex(arn, "/")+1:]+"/"+user) {
		t.Errorf("stscred whoami dev: %s", r)
	}

	// No sign-in secret (client secret, code, token) in any output; the
	// role credentials' secrets only on stdout of role dev.
	role := map[string]bool{}
	for _, rc := range sso.IssuedRoleCredentials() {
		role[rc.SecretAccessKey], role[rc.SessionToken] = true, true
	}
	if len(role) == 0 {
		t.Fatal("no role credentials were issued: the check below is empty")
	}
	for i, out := range w.outputs {
		for _, s := range sso.Secrets() {
			if len(s) < 16 || !strings.Contains(out, s) {
				continue
			}
			if !role[s] || i%2 == 1 {
				t.Errorf("a secret is in stscred's output: %q", out)
			}
		}
	}
}

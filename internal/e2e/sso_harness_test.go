//go:build linux && realworld

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// The IAM Identity Center world: a user who signs in with `stscred sso
// login corp` to an ssotest server (OIDC, the browser pages, the portal),
// whose role credentials sign requests to the world's STS test server.

const (
	ssoStartURL  = "https://corp.awsapps.com/start"
	ssoRegion    = "eu-west-1"
	ssoAccount   = "111111111111"
	ssoRoleName  = "Developer"
	ssoUser      = "alice@example.com"
	ssoAdminRole = "arn:aws:iam::111111111111:role/Admin"
	ssoLoginHint = "stscred sso login corp"
	ssoNotSigned = "not signed in to IAM Identity Center session corp"
)

// ssoWorld is a world whose credentials come from Identity Center.
type ssoWorld struct {
	*world
	sso    *ssotest.Server
	ssoURL string
	// browser is the stand-in browser (also $BROWSER): it records the URL
	// it is given in opened, then GETs it with curl, following redirects
	// (to stscred's loopback listener).
	browser, openedFile string
	extra               []string // added to every command's environment

	transcript // every command's output, to check no secret is shown
}

func newSSOWorld(t *testing.T, backend string, so ssotest.Options, sts ststest.Options) *ssoWorld {
	t.Helper()
	w := &ssoWorld{world: newWorldOn(t, backend, sts)}
	so.STS, so.Region, so.StartURL = w.srv, ssoRegion, ssoStartURL
	w.sso = ssotest.New(so)
	w.ssoURL = w.sso.Start()
	t.Cleanup(w.sso.Close)
	w.sso.AddUser(ssoUser)
	w.sso.AddAccount(ssotest.Account{ID: ssoAccount, Name: "dev", Email: "dev@example.com"})
	w.sso.Assign(ssotest.Assignment{User: ssoUser, AccountID: ssoAccount, RoleName: ssoRoleName})
	w.srv.AddRole(ststestRole(ssoAdminRole))
	curl := requireTool(t, "curl", "curl")
	dir := t.TempDir() // outside HOME and TMPDIR: the scanned places
	w.browser, w.openedFile = filepath.Join(dir, "browser"), filepath.Join(dir, "opened")
	// stscred hands the browser a one-time link, never the URL (package
	// browser): the stand-in records what it was given (openedFile.raw)
	// and where the link sent it (openedFile), then follows it there.
	script := "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + w.openedFile + ".raw'\n" +
		"target=\"$1\"\ncase \"$1\" in *http://127.0.0.1:*/stscred/open*) target=$('" + curl + "' -sS -o /dev/null -w '%{redirect_url}' --max-time 60 \"$1\") ;; esac\n" +
		"printf '%s\\n' \"$target\" >> '" + w.openedFile + "'\n" +
		"'" + curl + "' -sS -L -o /dev/null --max-time 60 \"$target\"\nexit 0\n"
	if err := os.WriteFile(w.browser, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	w.writeConfig(ssoConfig)
	// After every test: no token or secret in any file or on any stream.
	t.Cleanup(w.assertSSOClean)
	return w
}

// forSSOBackends runs a test once per keystore backend.
func forSSOBackends(t *testing.T, so ssotest.Options, sts ststest.Options, test func(t *testing.T, w *ssoWorld)) {
	for _, b := range []string{"secret-service", "file"} {
		t.Run(b, func(t *testing.T) { test(t, newSSOWorld(t, b, so, sts)) })
	}
}

// ssoConfig is the configuration, with tool profiles.
const ssoConfig = `[sso-session corp]
sso_start_url = ` + ssoStartURL + `
sso_region = ` + ssoRegion + `
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = ` + ssoAccount + `
sso_role_name = ` + ssoRoleName + `
region = eu-west-1

[profile dev-tools]
credential_process = stscred role dev
region = eu-west-1

[profile dev-admin]
role_arn = ` + ssoAdminRole + `
source_profile = dev
region = eu-west-1

[profile dev-admin-tools]
credential_process = stscred role dev-admin
region = eu-west-1

[profile legacy]
sso_start_url = ` + ssoStartURL + `
sso_region = ` + ssoRegion + `
sso_account_id = ` + ssoAccount + `
sso_role_name = ` + ssoRoleName + `
region = eu-west-1
`

// senv is the world's environment: the SSO OIDC and portal endpoints at
// the ssotest server, $BROWSER the stand-in.
func (w *ssoWorld) senv(extra ...string) []string {
	env := append([]string{
		"AWS_ENDPOINT_URL_SSO_OIDC=" + w.ssoURL,
		"AWS_ENDPOINT_URL_SSO=" + w.ssoURL,
		"BROWSER=" + w.browser,
	}, w.extra...)
	return w.world.env(append(env, extra...)...)
}

// exec runs a program in the world and keeps its output.
func (w *ssoWorld) exec(extra []string, name string, args ...string) result {
	w.t.Helper()
	return w.keep(w.run("", w.senv(extra...), name, args...))
}

func (w *ssoWorld) sc(args ...string) result {
	w.t.Helper()
	return w.exec(nil, w.bin, args...)
}

// opened is every URL the stand-in browser was sent to. What it was given
// on its command line must each time be a one-time link of stscred's, never
// the URL: other local users can read a command line.
func (w *ssoWorld) opened() []string {
	w.t.Helper()
	read := func(path string) []string {
		b, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			w.t.Fatal(err)
		}
		return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	for _, given := range read(w.openedFile + ".raw") {
		if !strings.HasPrefix(given, "http://127.0.0.1:") || !strings.HasSuffix(given, "/stscred/open") {
			w.t.Fatalf("the browser was given %q on its command line, not a one-time link", given)
		}
	}
	return read(w.openedFile)
}

// login signs in to corp with the stand-in browser and checks the
// contract of a successful login.
func (w *ssoWorld) login(args ...string) result {
	w.t.Helper()
	before := len(w.opened())
	res := w.sc(append([]string{"sso", "login", "corp", "--browser", w.browser}, args...)...)
	if res.code != 0 {
		w.t.Fatalf("stscred sso login corp: %s", res)
	}
	if res.stdout != "" {
		w.t.Fatalf("sso login printed on stdout: %q", res.stdout)
	}
	if !strings.Contains(res.stderr, "stscred: signed in to corp until ") {
		w.t.Fatalf("sso login does not say until when it is signed in: %s", res.stderr)
	}
	if n := len(w.opened()); n != before+1 {
		w.t.Fatalf("the browser was opened %d times by one login", n-before)
	}
	return res
}

// roleCreds are the role credentials GetRoleCredentials handed out.
func (w *ssoWorld) roleCreds() []ssotest.RoleCredentials { return w.sso.IssuedRoleCredentials() }

func (w *ssoWorld) grc() int { return w.sso.Calls(ssotest.OpGetRoleCredentials) }

func (w *ssoWorld) refreshes() int {
	return w.sso.Calls(ssotest.GrantOp(ssotest.GrantRefreshToken))
}

// ssoArn is what GetCallerIdentity says for the Developer role's
// credentials.
func (w *ssoWorld) ssoArn() string {
	arn := w.sso.RoleARN(ssoAccount, ssoRoleName)
	return "arn:aws:sts::" + ssoAccount + ":assumed-role/" + arn[strings.LastIndex(arn, "/")+1:] + "/" + ssoUser
}

// assertNotSignedIn checks the failure of a credential call without a
// usable sign-in: at once, nothing on stdout, the login hint, and no
// browser opened.
func (w *ssoWorld) assertNotSignedIn(res result, browserBefore int) {
	w.t.Helper()
	if res.code == 0 || res.stdout != "" {
		w.t.Fatalf("want a failure with empty stdout: %s", res)
	}
	if !strings.Contains(res.stderr, "stscred: error: ") || !strings.Contains(res.stderr, "stscred: hint: run: "+ssoLoginHint) {
		w.t.Fatalf("stderr lacks the error and the login hint: %s", res.stderr)
	}
	if n := len(w.opened()); n != browserBefore {
		w.t.Fatalf("a credential call opened the browser (%d times): %q", n-browserBefore, w.opened())
	}
}

// ssoSecrets are the secrets of the sign-in itself (client secrets,
// device codes, authorization codes, access and refresh tokens), which no
// command may show, and the role credentials' secrets, which only stdout
// of a credential command may.
func (w *ssoWorld) ssoSecrets() (signIn, role []string) {
	for _, rc := range w.roleCreds() {
		role = append(role, rc.SecretAccessKey, rc.SessionToken)
	}
	for _, s := range w.sso.Secrets() {
		if !slices.Contains(role, s) {
			signIn = append(signIn, s)
		}
	}
	return signIn, role
}

// assertSSOClean is the check after every test: no sign-in secret on any
// stream; no role secret on stderr; none of them, nor any STS secret, in
// a file under HOME or TMPDIR; nothing under ~/.aws/sso/cache.
func (w *ssoWorld) assertSSOClean() {
	t := w.t
	t.Helper()
	signIn, role := w.ssoSecrets()
	for _, tok := range w.sso.Tokens() {
		if tok.AccessToken == "" || !slices.Contains(signIn, tok.AccessToken) {
			t.Errorf("the server's Secrets lack an access token: the scan is incomplete")
		}
	}
	for _, r := range w.kept() {
		for _, s := range signIn {
			if len(s) >= 16 && (strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s)) {
				t.Errorf("a sign-in secret is in a command's output:\n%s", r)
			}
		}
		for _, s := range role {
			if strings.Contains(r.stderr, s) {
				t.Errorf("a role credential secret is on stderr:\n%s", r)
			}
		}
	}
	needles := append(append(signIn, role...), w.secrets()...)
	for _, path := range w.filesHolding([]string{w.home, w.tmp}, needles, "the scan looked in the wrong place") {
		t.Errorf("%s holds a token or secret in the clear", path)
	}
	cacheDir := filepath.Join(w.home, ".aws", "sso", "cache")
	if des, err := os.ReadDir(cacheDir); err == nil && len(des) > 0 {
		t.Errorf("%s holds %d files: SSO tokens must live in the keystore only", cacheDir, len(des))
	}
}

// waitTokenExpired waits until the Identity Center server no longer takes
// its access token i (in issue order): it expired by the server clock.
func (w *ssoWorld) waitTokenExpired(i int) {
	w.t.Helper()
	w.waitFor(fmt.Sprintf("access token %d to expire", i+1), func() bool { return !w.sso.Tokens()[i].Live })
}

// waitClockPast waits until the wall clock, which stscred and the servers
// go by, is past at: for what only the clock decides, such as whether
// stscred still hands out cached credentials.
func (w *ssoWorld) waitClockPast(what string, at time.Time) {
	w.t.Helper()
	w.waitFor(what, func() bool { return time.Now().After(at) })
}

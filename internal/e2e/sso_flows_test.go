//go:build linux && realworld

package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// startLogin runs `stscred sso login corp args...` in the background; the
// result arrives on the channel.
func (w *ssoWorld) startLogin(args ...string) <-chan result {
	ch := make(chan result, 1)
	go func() { ch <- w.sc(append([]string{"sso", "login", "corp"}, args...)...) }()
	return ch
}

// userCode waits for stscred to start a device authorization.
func (w *ssoWorld) userCode() string {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code, err := w.sso.WaitUserCode(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return code
}

// The device code flow (--device-code) with a slow_down: the code and the
// URL on stderr, the polling slowed by 5 seconds from then on, pending
// polls waited out, the user's approval (played by the test) signs in.
func TestSSODeviceCodeSlowDown(t *testing.T) {
	w := newSSOWorld(t, "file", ssotest.Options{}, ststest.Options{})
	if err := w.sso.Fail(ssotest.GrantOp(ssotest.GrantDeviceCode), ssotest.SlowDownException, 1); err != nil {
		t.Fatal(err)
	}
	done := w.startLogin("--device-code", "--no-browser")
	code := w.userCode()
	// The user approves only after a poll was told to slow down and a
	// later one got authorization_pending.
	for w.sso.Calls(ssotest.GrantOp(ssotest.GrantDeviceCode)) < 2 {
		select {
		case res := <-done:
			t.Fatalf("login ended before the user approved: %s", res)
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err := w.sso.ApproveDevice(code); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.code != 0 || res.stdout != "" || !strings.Contains(res.stderr, "stscred: signed in to corp until ") {
		t.Fatalf("device code login: %s", res)
	}
	if !strings.Contains(res.stderr, code) || !strings.Contains(res.stderr, w.ssoURL+"/device?user_code="+code) {
		t.Fatalf("stderr lacks the user code %s or the verification URL: %s", code, res.stderr)
	}
	if len(w.opened()) != 0 {
		t.Fatalf("--no-browser opened the browser: %q", w.opened())
	}
	var polls []time.Time
	var codes []string
	for _, r := range w.sso.Requests() {
		if r.Op == ssotest.OpCreateToken && r.GrantType == ssotest.GrantDeviceCode {
			polls, codes = append(polls, r.Time), append(codes, r.Code)
		}
	}
	if len(polls) < 3 || codes[0] != ssotest.SlowDownException || codes[len(codes)-1] != "" {
		t.Fatalf("device polls: %q; want slow_down first, then pending, then the token", codes)
	}
	// After slow_down the interval is the announced 1 s plus 5 s.
	for i := 1; i < len(polls); i++ {
		if gap := polls[i].Sub(polls[i-1]); gap < 5900*time.Millisecond {
			t.Fatalf("poll %d came %s after the previous one: slow_down not honoured (codes %q)", i+1, gap, codes)
		}
	}
	if d := w.sso.Devices(); len(d) != 1 || d[0].SlowDowns != 0 || d[0].State != ssotest.DeviceExchanged {
		t.Fatalf("device authorizations %+v", d)
	}
	if c := w.decode(w.sc("role", "dev")); c.AccountID != ssoAccount || w.grc() != 1 {
		t.Fatalf("role dev after a device code login: %+v, %d GetRoleCredentials", c, w.grc())
	}
}

// A sign-in the user refuses, in the browser or on the device page: a
// clear error, nothing on stdout, no token, and still not signed in.
func TestSSODeniedSignIn(t *testing.T) {
	check := func(t *testing.T, w *ssoWorld, res result) {
		t.Helper()
		if res.code == 0 || res.stdout != "" {
			t.Fatalf("a denied sign-in: %s", res)
		}
		if !strings.Contains(res.stderr, "stscred: error: ") || !strings.Contains(res.stderr, "denied") {
			t.Fatalf("stderr does not say the sign-in was denied: %s", res.stderr)
		}
		if n := len(w.sso.Tokens()); n != 0 {
			t.Fatalf("%d access tokens issued for a denied sign-in", n)
		}
		w.assertNotSignedIn(w.sc("role", "dev"), len(w.opened()))
	}
	t.Run("browser", func(t *testing.T) {
		w := newSSOWorld(t, "secret-service", ssotest.Options{}, ststest.Options{})
		if err := w.sso.SetBrowser(ssotest.Browser{Mode: ssotest.BrowserDeny}); err != nil {
			t.Fatal(err)
		}
		res := w.sc("sso", "login", "corp", "--browser", w.browser)
		if len(w.opened()) != 1 || w.sso.Calls(ssotest.OpAuthorize) != 1 {
			t.Fatalf("the browser was opened %d times: %s", len(w.opened()), res)
		}
		check(t, w, res)
	})
	t.Run("device", func(t *testing.T) {
		w := newSSOWorld(t, "file", ssotest.Options{}, ststest.Options{})
		done := w.startLogin("--device-code", "--no-browser")
		if err := w.sso.DenyDevice(w.userCode()); err != nil {
			t.Fatal(err)
		}
		check(t, w, <-done)
	})
}

// The access token expires (5 s) and the role credentials too: every
// later fetch refreshes the token silently, with no browser, the refresh
// token rotating each time.
func TestSSORefreshAcrossExpiry(t *testing.T) {
	w := newSSOWorld(t, "secret-service", ssotest.Options{AccessTokenLifetime: 5 * time.Second},
		ststest.Options{MaxRoleCredentialLifetime: 5 * time.Second})
	// Role credentials live 5 s: the floor is lowered below that.
	w.extra = []string{"STSCRED_MIN_REMAINING=2s"}
	w.login()
	for i, name := range []string{"aws-cli", "boto3", "go-sdk"} {
		w.waitTokenExpired(len(w.sso.Tokens()) - 1) // the newest access token has expired
		if rc := w.roleCreds(); len(rc) > 0 {
			w.waitClockPast("the cached role credentials to be stale", rc[len(rc)-1].Expiration.Add(-2*time.Second))
		}
		before := len(w.roleCreds())
		arn, key := consumerNamed(t, ssoAccount, name).run(t, w, "dev-tools")
		// botocore may run credential_process more than once for
		// credentials this short-lived: at least one new fetch, and the
		// consumer signed with new credentials.
		rc := w.roleCreds()
		fresh := false
		for _, c := range rc[min(before, len(rc)):] {
			fresh = fresh || c.AccessKeyID == key
		}
		if arn != w.ssoArn() || !fresh {
			t.Fatalf("%s: %s signed with %s; role credentials issued: %d before, %d after", name, arn, key, before, len(rc))
		}
		if r := w.sso.Successes(ssotest.GrantOp(ssotest.GrantRefreshToken)); r < i+1 {
			t.Fatalf("%s: %d refreshes after %d expiries of the access token", name, r, i+1)
		}
	}
	if len(w.opened()) != 1 || w.sso.Calls(ssotest.OpAuthorize) != 1 || w.sso.Calls(ssotest.OpStartDeviceAuthorization) != 0 {
		t.Fatalf("a refresh went through a sign-in: browser opened %d times", len(w.opened()))
	}
	if n := w.sso.Calls(ssotest.GrantOp(ssotest.GrantRefreshToken)) - w.sso.Successes(ssotest.GrantOp(ssotest.GrantRefreshToken)); n != 0 {
		t.Fatalf("%d refresh calls failed: a rotated refresh token was used again", n)
	}
	// Each refresh rotated the refresh token: all but the newest replaced.
	rts := w.sso.RefreshTokens()
	for i, rt := range rts {
		if last := i == len(rts)-1; rt.Live != last || (rt.ReplacedBy == "") != last {
			t.Fatalf("refresh token %d of %d: live %v, replaced %v", i+1, len(rts), rt.Live, rt.ReplacedBy != "")
		}
	}
}

// The sign-in session ends (the refresh token expires, 3 s after the
// login): `stscred role dev` and the consumers fail at once naming
// `stscred sso login corp`, with nothing on stdout and no browser.
func TestSSOExpiredSession(t *testing.T) {
	w := newSSOWorld(t, "file", ssotest.Options{AccessTokenLifetime: 2 * time.Second, SessionDuration: 3 * time.Second}, ststest.Options{})
	w.login()
	rts := w.sso.RefreshTokens()
	if len(rts) != 1 {
		t.Fatalf("%d refresh tokens after the login", len(rts))
	}
	w.waitFor("the sign-in session to end", func() bool { return !w.sso.RefreshTokens()[0].Live })
	res := w.sc("role", "dev")
	w.assertNotSignedIn(res, 1)
	if w.grc() != 0 || w.sso.Calls(ssotest.OpAuthorize) != 1 || w.sso.Calls(ssotest.OpStartDeviceAuthorization) != 0 {
		t.Fatalf("after the session ended: %d GetRoleCredentials, %d authorize pages", w.grc(), w.sso.Calls(ssotest.OpAuthorize))
	}
	// The dead token was forgotten: the next call does not try it again.
	before := w.sso.Calls(ssotest.AnyOp)
	w.assertNotSignedIn(w.sc("role", "dev"), 1)
	if n := w.sso.Calls(ssotest.AnyOp) - before; n != 0 {
		t.Fatalf("a second call after the session ended made %d Identity Center calls", n)
	}
	requireTool(t, awsCLI, "awscli")
	res = w.exec(nil, awsCLI, "sts", "get-caller-identity", "--profile", "dev-tools", "--endpoint-url", w.url)
	if res.code == 0 || !strings.Contains(res.stderr, ssoLoginHint) {
		t.Fatalf("the AWS CLI does not show the login hint: %s", res)
	}
	if len(w.opened()) != 1 {
		t.Fatalf("the browser was opened %d times", len(w.opened()))
	}
	// Signing in again fixes it.
	w.login()
	if c := w.decode(w.sc("role", "dev")); c.AccountID != ssoAccount {
		t.Fatalf("after signing in again: %+v", c)
	}
}

// Never signed in: credential_process fails at once with the login hint,
// contacts no Identity Center endpoint, opens no browser and prompts for
// nothing, even on a terminal.
func TestSSONotSignedIn(t *testing.T) {
	forSSOBackends(t, ssotest.Options{}, ststest.Options{}, func(t *testing.T, w *ssoWorld) {
		res := w.sc("role", "dev")
		w.assertNotSignedIn(res, 0)
		// The error line may name the profile first ("profile dev: ").
		if !strings.HasPrefix(res.stderr, "stscred: error: ") || !strings.Contains(strings.SplitN(res.stderr, "\n", 2)[0], ssoNotSigned) {
			t.Fatalf("the error line does not say %q: %s", ssoNotSigned, res.stderr)
		}
		requireTool(t, awsCLI, "awscli")
		res = w.exec(nil, awsCLI, "sts", "get-caller-identity", "--profile", "dev-tools", "--endpoint-url", w.url)
		if res.code == 0 || !strings.Contains(res.stderr, ssoLoginHint) {
			t.Fatalf("the AWS CLI does not show the login hint: %s", res)
		}
		// On a terminal too: no flow, no prompt, the same failure.
		p := startPTY(t, w.senv(), w.bin, "role", "dev")
		if err := p.exit(); err == nil || !strings.Contains(p.output(), ssoLoginHint) {
			t.Fatalf("on a terminal: %v\n%s", err, p.output())
		}
		if n := w.sso.Calls(ssotest.AnyOp); n != 0 || len(w.opened()) != 0 {
			t.Fatalf("not signed in: %d Identity Center calls, browser opened %d times", n, len(w.opened()))
		}
	})
}

// `stscred sso logout corp` revokes the sign-in at the portal, forgets the
// tokens and drops the cached credentials: role dev then fails with the
// login hint, and the portal refuses the old access token.
func TestSSOLogout(t *testing.T) {
	forSSOBackends(t, ssotest.Options{}, ststest.Options{}, func(t *testing.T, w *ssoWorld) {
		w.login()
		w.decode(w.sc("role", "dev"))
		old := w.sso.Tokens()[0].AccessToken
		res := w.sc("sso", "logout", "corp")
		if res.code != 0 || res.stdout != "" || w.sso.Successes(ssotest.OpLogout) != 1 {
			t.Fatalf("sso logout: %s (%d portal logouts)", res, w.sso.Successes(ssotest.OpLogout))
		}
		for _, tok := range w.sso.Tokens() {
			if tok.Live || !tok.Revoked {
				t.Fatalf("after logout the server still has a live token: %+v", tok)
			}
		}
		w.assertNotSignedIn(w.sc("role", "dev"), 1)
		if w.grc() != 1 {
			t.Fatalf("%d GetRoleCredentials after logout", w.grc())
		}
		// The portal refuses the old token.
		req, _ := http.NewRequest("GET", w.ssoURL+"/federation/credentials?account_id="+ssoAccount+"&role_name="+ssoRoleName, nil)
		req.Header.Set("x-amz-sso_bearer_token", old)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("x-amzn-ErrorType"), ssotest.UnauthorizedException) {
			t.Fatalf("the portal answers the old token with %d %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
		}
		// Logging out again is no error; signing in again reuses the
		// client registration.
		if res := w.sc("sso", "logout", "corp"); res.code != 0 || res.stdout != "" {
			t.Fatalf("second logout: %s", res)
		}
		grc := w.grc() // 2: the probe of the old token was one
		w.login()
		if c := w.decode(w.sc("role", "dev")); c.AccountID != ssoAccount || w.grc() != grc+1 || w.sso.Calls(ssotest.OpRegisterClient) != 1 {
			t.Fatalf("after signing in again: %d GetRoleCredentials, %d registrations", w.grc()-grc, w.sso.Calls(ssotest.OpRegisterClient))
		}
	})
}

//go:build linux && realworld

package e2e

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/signintest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// `stscred login` end to end (issue 22): a sign-in by a stand-in browser
// or on another device, the session's credentials and the roles assumed
// with them through credential_process in the AWS CLI, boto3, the Go SDK
// and the JS SDK, renewal without a browser, parallel callers, the AWS
// CLI's plaintext file imported, a session that is over, and logout.

// withLoginSession is the config as `stscred login alice` leaves it: one
// line added after [profile alice], every other byte as it was.
func withLoginSession(config string) string {
	return strings.Replace(config, "[profile alice]\n", "[profile alice]\nlogin_session = "+loginARN+"\n", 1)
}

// runLoginConsumers has every consumer, twice, get profile's identity: it
// must be wantArn (or start with it, when prefix), signed with the key of
// one credential set that the first process start got; no later start
// calls AWS Sign-In or STS for credentials. It returns the key id used.
func runLoginConsumers(t *testing.T, w *loginWorld, profile, account, wantArn string, prefix bool) string {
	t.Helper()
	key := ""
	var tokens, assumed int
	for round := 1; round <= 2; round++ {
		for _, c := range consumers(account) {
			arn, k := c.run(t, w, profile)
			if arn != wantArn && !(prefix && strings.HasPrefix(arn, wantArn)) {
				t.Fatalf("%s: identity %s, want %s", c.name, arn, wantArn)
			}
			if key == "" {
				key, tokens, assumed = k, w.tokenCalls(), w.srv.Calls("AssumeRole")
			}
			// The server verified the consumer's signature: it signed
			// GetCallerIdentity with the cached credentials' key.
			if k != key || lastRequestKey(w.world, "GetCallerIdentity") != key {
				t.Fatalf("%s (round %d) signed with %s (server saw %s), the first consumer with %s: not served from the cache",
					c.name, round, k, lastRequestKey(w.world, "GetCallerIdentity"), key)
			}
			if w.tokenCalls() != tokens || w.srv.Calls("AssumeRole") != assumed {
				t.Fatalf("%s (round %d): %d CreateOAuth2Token and %d AssumeRole calls since the first process start, want none",
					c.name, round, w.tokenCalls()-tokens, w.srv.Calls("AssumeRole")-assumed)
			}
		}
	}
	for _, r := range w.srv.Requests() {
		if r.Action == "GetCallerIdentity" && r.Code != "" {
			t.Fatalf("a consumer's GetCallerIdentity failed: %s", r.Code)
		}
	}
	return key
}

// The story on both keystore backends: `stscred login alice`
// with the stand-in browser writes login_session into [profile alice]
// and nothing else; then the AWS CLI, boto3, the Go SDK and the JS SDK
// get alice's own session (alice-tools) and the Admin role assumed with
// it (prod), each the second time from the cache.
func TestLoginConsumers(t *testing.T) {
	forLoginBackends(t, signintest.Options{}, func(t *testing.T, w *loginWorld) {
		before := w.config()
		res := w.login()
		if !strings.Contains(res.stderr, "stscred: opening the browser to sign in profile alice") ||
			!strings.Contains(res.stderr, "stscred: wrote login_session = "+loginARN+" into [profile alice] of "+w.cfg) {
			t.Fatalf("login does not say it opens the browser and what it wrote: %s", res.stderr)
		}
		if after := w.config(); after != withLoginSession(before) {
			t.Fatalf("the config after the login:\n%s\nwant only login_session added to [profile alice]:\n%s", after, withLoginSession(before))
		}
		w.checkAuthorizeURL(w.opened()[0], signintest.ClientSameDevice)
		sessions := w.signin.Sessions()
		stored, _ := w.storedSession()
		block, _ := pem.Decode([]byte(stored.DPoPKey))
		key, err := x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if len(sessions) != 1 || !sessions[0].Live || sessions[0].ClientID != signintest.ClientSameDevice || sessions[0].KeyThumbprint != thumbprint(t, key) {
			t.Fatalf("sessions at the stand-in %+v: want one live same-device session bound to the stored key", sessions)
		}
		if stored.ARN != loginARN || stored.Region != "eu-west-1" || stored.Endpoint != w.signinURL || stored.RefreshToken != w.signin.RefreshTokens()[0].Token {
			t.Fatalf("the stored session: %s in %s at %s; its refresh token the one issued: %v", stored.ARN, stored.Region, stored.Endpoint,
				stored.RefreshToken == w.signin.RefreshTokens()[0].Token)
		}
		if w.codeGrants() != 1 || w.refreshes() != 0 {
			t.Fatalf("login: %d authorization_code and %d refresh_token grants", w.codeGrants(), w.refreshes())
		}

		// alice herself: the session's first credentials, cached by the login.
		first := w.loginCreds()[0]
		key1 := runLoginConsumers(t, w, "alice-tools", loginAccount, loginARN, false)
		if key1 != first.AccessKeyID || w.tokenCalls() != 1 || w.srv.Calls("AssumeRole") != 0 {
			t.Fatalf("alice-tools signed with %s, the login's credentials are %s; %d CreateOAuth2Token calls", key1, first.AccessKeyID, w.tokenCalls())
		}
		if c := w.decode(w.sc("session", "alice")); c.AccessKeyID != key1 || c.AccountID != loginAccount {
			t.Fatalf("stscred session alice: key %s account %s", c.AccessKeyID, c.AccountID)
		}

		// The role: AssumeRole signed with the session's credentials, once.
		roleKey := runLoginConsumers(t, w, "prod", roleAccount, "arn:aws:sts::"+roleAccount+":assumed-role/Admin/", true)
		var ar []ststest.Session
		for _, s := range w.srv.Sessions() {
			if s.Action == "AssumeRole" {
				ar = append(ar, s)
			}
		}
		if len(ar) != 1 || ar[0].AccessKeyID != roleKey || ar[0].RoleARN != adminRole || ar[0].UserARN != loginARN || !ar[0].MFA || ar[0].Chained {
			t.Fatalf("AssumeRole sessions %+v: want one of Admin for alice, with her sign-in's MFA, not chained, used by the consumers (%s)", ar, roleKey)
		}
		if k := lastRequestKey(w.world, "AssumeRole"); k != first.AccessKeyID {
			t.Fatalf("AssumeRole was signed with %s, not the login session's credentials %s", k, first.AccessKeyID)
		}
		if d := ar[0].Expiration.Sub(ar[0].Issued); d > time.Hour {
			t.Fatalf("the role assumed from a login session lasts %s, more than an hour", d)
		}
		if w.tokenCalls() != 1 || len(w.opened()) != 1 || w.authorizePages() != 1 {
			t.Fatalf("%d CreateOAuth2Token calls, browser opened %d times, %d authorize pages", w.tokenCalls(), len(w.opened()), w.authorizePages())
		}
	})
}

// The credentials expire (they last 10 s here, not 15 minutes) and the
// next call renews them with the refresh token: one refresh_token grant,
// signed with the session's key, no browser; the refresh token rotated
// in the keystore. A role assumed before is still served from its cache
// and renews nothing.
func TestLoginRenewalAcrossExpiry(t *testing.T) {
	w := newLoginWorld(t, "secret-service", signintest.Options{CredentialLifetime: 10 * time.Second})
	w.login()
	before, _ := w.storedSession()
	roleKey := w.decode(w.sc("role", "prod-admin")).AccessKeyID
	w.waitCredsExpired()

	if c := w.decode(w.sc("role", "prod-admin")); c.AccessKeyID != roleKey || w.tokenCalls() != 1 {
		t.Fatalf("the cached role after the session's credentials expired: key %s (was %s), %d CreateOAuth2Token calls", c.AccessKeyID, roleKey, w.tokenCalls())
	}
	arn, key := consumerNamed(t, loginAccount, "aws-cli").run(t, w, "alice-tools")
	lc := w.loginCreds()
	if arn != loginARN || len(lc) != 2 || key != lc[1].AccessKeyID {
		t.Fatalf("the AWS CLI after the expiry: %s signed with %s; login credentials issued: %d", arn, key, len(lc))
	}
	if c := w.decode(w.sc("session", "alice")); c.AccessKeyID != key {
		t.Fatalf("stscred session alice right after the renewal: %s, want the renewed %s from the cache", c.AccessKeyID, key)
	}
	if w.refreshes() != 1 || w.signin.Successes(signintest.GrantOp(signintest.GrantRefreshToken)) != 1 {
		t.Fatalf("%d refresh_token grants (%d succeeded), want exactly one", w.refreshes(), w.signin.Successes(signintest.GrantOp(signintest.GrantRefreshToken)))
	}
	if len(w.opened()) != 1 || w.authorizePages() != 1 || w.codeGrants() != 1 {
		t.Fatalf("the renewal went through a sign-in: browser opened %d times, %d authorize pages", len(w.opened()), w.authorizePages())
	}
	sess := w.signin.Sessions()[0]
	for _, r := range w.signin.Requests() {
		if r.GrantType == signintest.GrantRefreshToken && (r.KeyThumbprint != sess.KeyThumbprint || r.Status != 200) {
			t.Fatalf("a renewal: %+v; the session's key is %s", r, sess.KeyThumbprint)
		}
	}
	rts := w.signin.RefreshTokens()
	after, _ := w.storedSession()
	if len(rts) != 2 || rts[0].Live || !rts[0].Replaced || !rts[1].Live || before.RefreshToken != rts[0].Token || after.RefreshToken != rts[1].Token {
		t.Fatalf("refresh tokens %+v: want the first rotated out and the keystore holding the live second", rts)
	}
	if after.DPoPKey != before.DPoPKey || !after.Ends.Equal(before.Ends) {
		t.Fatal("the renewal changed the session's proof key or its end")
	}
}

// 32 callers at once (16 `stscred session alice`, 16 `stscred role
// prod-admin`) when the session's credentials have expired: one renewal,
// one AssumeRole, the same valid credentials for every caller of each.
func TestLoginStormAfterExpiry(t *testing.T) {
	for _, b := range []string{"secret-service", "file"} {
		t.Run(b, func(t *testing.T) {
			w := newLoginWorld(t, b, signintest.Options{CredentialLifetime: 15 * time.Second})
			w.login()
			w.waitCredsExpired()
			results := make([]result, stormSize)
			var wg sync.WaitGroup
			for i := range results {
				args := []string{"session", "alice"}
				if i%2 == 1 {
					args = []string{"role", "prod-admin"}
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i] = w.exec(nil, w.bin, args...)
				}()
			}
			wg.Wait()
			lc := w.loginCreds()
			keys := map[int]string{}
			for i, res := range results {
				c := w.decode(res)
				if left := time.Until(c.Expiration); left <= 0 {
					t.Fatalf("caller %d got expired credentials (%s)", i, c.Expiration)
				}
				if k, ok := keys[i%2]; ok && k != c.AccessKeyID {
					t.Fatalf("caller %d got %s, another of its kind %s", i, c.AccessKeyID, k)
				}
				keys[i%2] = c.AccessKeyID
			}
			if w.refreshes() != 1 || len(lc) != 2 || keys[0] != lc[1].AccessKeyID {
				t.Fatalf("%d refresh_token grants for %d callers; sessions got %s, the renewal issued %d credentials", w.refreshes(), stormSize, keys[0], len(lc))
			}
			if n := w.srv.Calls("AssumeRole"); n != 1 || lastRequestKey(w.world, "AssumeRole") != lc[1].AccessKeyID {
				t.Fatalf("%d AssumeRole calls, the last signed with %s (the renewed session is %s)", n, lastRequestKey(w.world, "AssumeRole"), lc[1].AccessKeyID)
			}
			if len(w.opened()) != 1 || w.authorizePages() != 1 {
				t.Fatalf("the browser was opened %d times", len(w.opened()))
			}
		})
	}
}

// `stscred login alice --remote` on a machine without a browser: the URL
// is printed, the user opens it on another device, and pastes the code
// the confirmation page shows (stdin here, not a terminal). The session
// is the cross-device client's, and renews as such. A code pasted from
// another sign-in is refused and nothing is stored.
func TestLoginRemote(t *testing.T) {
	t.Run("pasted", func(t *testing.T) {
		w := newLoginWorld(t, "file", signintest.Options{CredentialLifetime: 4 * time.Second})
		before := w.config()
		res, u := w.remoteLogin(func(code string) string { return code })
		if res.code != 0 || res.stdout != "" || !strings.Contains(res.stderr, "stscred: signed in profile alice as "+loginARN) {
			t.Fatalf("stscred login alice --remote: %s", res)
		}
		if !strings.Contains(res.stderr, "open this URL in a browser on any device") {
			t.Fatalf("login --remote does not say what to do with the URL: %s", res.stderr)
		}
		w.checkAuthorizeURL(u, signintest.ClientCrossDevice)
		if len(w.opened()) != 0 {
			t.Fatalf("--remote opened the browser: %q", w.opened())
		}
		if w.config() != withLoginSession(before) {
			t.Fatalf("the config after the login:\n%s", w.config())
		}
		if s := w.signin.Sessions(); len(s) != 1 || s[0].ClientID != signintest.ClientCrossDevice {
			t.Fatalf("sessions %+v: want one of the cross-device client", s)
		}
		if stored, _ := w.storedSession(); stored.ClientID != signintest.ClientCrossDevice {
			t.Fatalf("the stored session's client is %s", stored.ClientID)
		}
		if c := w.decode(w.sc("session", "alice")); c.AccessKeyID != w.loginCreds()[0].AccessKeyID || w.tokenCalls() != 1 {
			t.Fatalf("session alice after the login: %s, %d CreateOAuth2Token calls", c.AccessKeyID, w.tokenCalls())
		}
		w.waitCredsExpired()
		c := w.decode(w.sc("session", "alice"))
		if lc := w.loginCreds(); len(lc) != 2 || c.AccessKeyID != lc[1].AccessKeyID || w.refreshes() != 1 {
			t.Fatalf("the renewal: %s; %d refresh_token grants", c.AccessKeyID, w.refreshes())
		}
		for _, r := range w.signin.Requests() {
			if r.GrantType == signintest.GrantRefreshToken && (r.ClientID != signintest.ClientCrossDevice || r.Status != 200) {
				t.Fatalf("a renewal of a --remote session: %+v", r)
			}
		}
	})
	t.Run("code-of-another-sign-in", func(t *testing.T) {
		w := newLoginWorld(t, "secret-service", signintest.Options{})
		before := w.config()
		res, _ := w.remoteLogin(func(code string) string {
			// The page's code carries its own state: swap in another.
			return signintest.VerificationCode("another-sign-ins-state-0123456789abcdef", codeOf(t, code))
		})
		w.assertCleanFailure(res, "another sign-in")
		if !strings.Contains(res.stderr, "stscred login --remote alice") {
			t.Fatalf("the hint does not say how to sign in again: %s", res.stderr)
		}
		if _, ok := w.storedSession(); ok || w.codeGrants() != 0 || w.config() != before {
			t.Fatalf("a refused code: stored %v, %d code grants, config changed %v", ok, w.codeGrants(), w.config() != before)
		}
	})
}

// codeOf is the authorization code inside a confirmation page's code.
func codeOf(t *testing.T, pasted string) string {
	t.Helper()
	raw, err := base64Std(pasted)
	if err != nil {
		t.Fatal(err)
	}
	_, code, ok := strings.Cut(raw, "&code=")
	if !ok {
		t.Fatalf("the page's code is not state=...&code=...")
	}
	return code
}

// A session that `aws login` wrote in the clear (~/.aws/login/cache,
// the AWS CLI's format, proof key included) is moved into the keystore
// by `stscred import`, the plaintext file removed; the profile's
// login_session keeps working for stscred's callers, and the next
// renewal is signed with the file's own key.
func TestLoginImportAWSCLIFile(t *testing.T) {
	w := newLoginWorld(t, "secret-service", signintest.Options{CredentialLifetime: 6 * time.Second})
	w.writeConfig(withLoginSession(loginConfig)) // as `aws login` leaves it
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l, err := w.signin.SignIn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	data, err := l.CacheFile()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(w.home, ".aws", "login", "cache")
	path := signintest.CachePath(dir, l.LoginSession)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	w.planted[path] = true
	der, _ := x509.MarshalECPrivateKey(l.Key)
	w.rememberKey(string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})))

	res := w.sc("import")
	now, readErr := os.ReadFile(path)
	if _, stored := w.storedSession(); readErr == nil && bytes.Equal(now, data) && !stored && !strings.Contains(res.stdout+res.stderr, "login") {
		// stscred import knows only ~/.aws/credentials so far: it says
		// nothing of the file, leaves it, and stores nothing. (Once it
		// reads ~/.aws/login/cache it names what it did with the file,
		// and the test runs.)
		t.Skip("import of ~/.aws/login/cache is being built")
	}
	if res.code != 0 {
		t.Fatalf("stscred import: %s", res)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the plaintext file is still there after the import: %v", err)
	}
	stored, ok := w.storedSession()
	if !ok || stored.ARN != loginARN || stored.RefreshToken != l.RefreshToken || stored.ClientID != l.ClientID {
		t.Fatalf("after the import the keystore holds %v %s (client %s)", ok, stored.ARN, stored.ClientID)
	}
	block, _ := pem.Decode([]byte(stored.DPoPKey))
	if k, err := x509.ParseECPrivateKey(block.Bytes); err != nil || !k.Equal(l.Key) {
		t.Fatalf("the stored proof key is not the file's: %v", err)
	}
	if w.config() != withLoginSession(loginConfig) {
		t.Fatalf("the import changed the config:\n%s", w.config())
	}

	// The profile keeps working: the file's credentials, or renewed ones.
	arn, _ := consumerNamed(t, loginAccount, "aws-cli").run(t, w, "alice-tools")
	if arn != loginARN {
		t.Fatalf("alice-tools after the import: %s", arn)
	}
	// The next renewal is signed with the file's own key.
	w.waitCredsExpired()
	refreshes := w.refreshes()
	c := w.decode(w.sc("session", "alice"))
	if lc := w.loginCreds(); c.AccessKeyID != lc[len(lc)-1].AccessKeyID || w.refreshes() != refreshes+1 {
		t.Fatalf("session alice after the expiry: %s; %d renewals", c.AccessKeyID, w.refreshes()-refreshes)
	}
	reqs := w.signin.Requests()
	last := reqs[len(reqs)-1]
	if last.GrantType != signintest.GrantRefreshToken || last.Status != 200 || last.KeyThumbprint != thumbprint(t, l.Key) {
		t.Fatalf("the renewal %+v: want a refresh_token grant signed with the file's key %s", last, thumbprint(t, l.Key))
	}
	if rts := w.signin.RefreshTokens(); rts[0].Token != l.RefreshToken || rts[0].Live {
		t.Fatal("the file's refresh token was not the one renewed (it is still live)")
	}
	if len(w.opened()) != 0 || w.authorizePages() != 1 {
		t.Fatalf("the imported session went through a sign-in: browser opened %d times", len(w.opened()))
	}
}

// A session that is over — revoked, ended by AWS, past its 12 hours, the
// password changed — or an identity no longer allowed to sign in: each
// credential call fails at once and cleanly (an error, the hint naming
// `stscred login alice`, non-zero exit, empty stdout), no browser opens,
// and the prompt hook's export ends with status 7 saying it once.
func TestLoginSessionOver(t *testing.T) {
	cases := []struct {
		name, backend string
		opts          signintest.Options
		end           func(w *loginWorld)
		says          string
		needsLogin    bool // a NeedsSignIn error: "run: stscred login alice", status 7
	}{
		{"revoked", "secret-service", signintest.Options{}, func(w *loginWorld) {
			if n := w.signin.RevokeSessions(loginARN); n != 1 {
				w.t.Fatalf("revoked %d sessions", n)
			}
		}, "no longer works", true},
		{"ended", "file", signintest.Options{}, func(w *loginWorld) { w.signin.EndSessions() }, "has ended", true},
		{"twelve-hours", "secret-service", signintest.Options{SessionDuration: 5 * time.Second}, func(w *loginWorld) {
			w.waitFor("the sign-in session to reach its end", func() bool { return !w.signin.Sessions()[0].Live })
		}, "has ended", true},
		{"password-changed", "file", signintest.Options{}, func(w *loginWorld) {
			if err := w.signin.ChangePassword(loginARN); err != nil {
				w.t.Fatal(err)
			}
		}, "the password was changed", true},
		{"no-permission", "secret-service", signintest.Options{}, func(w *loginWorld) {
			if err := w.signin.SetPermission(loginARN, false); err != nil {
				w.t.Fatal(err)
			}
		}, "SignInLocalDevelopmentAccess", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opts.CredentialLifetime == 0 {
				tc.opts.CredentialLifetime = 3 * time.Second
			}
			w := newLoginWorld(t, tc.backend, tc.opts)
			w.login()
			tc.end(w)
			w.waitCredsExpired()
			check := func(res result) {
				t.Helper()
				if tc.needsLogin {
					w.assertNeedsLogin(res, 1)
				} else {
					w.assertCleanFailure(res, "then: "+loginHint)
				}
				if !strings.Contains(res.stderr, tc.says) {
					t.Fatalf("stderr does not say %q: %s", tc.says, res.stderr)
				}
			}
			check(w.sc("session", "alice"))
			check(w.sc("role", "prod-admin"))
			if w.srv.Calls("AssumeRole") != 0 {
				t.Fatalf("an AssumeRole was attempted without the session's credentials")
			}
			requireTool(t, awsCLI, "awscli")
			res := w.exec(nil, awsCLI, "sts", "get-caller-identity", "--profile", "prod", "--endpoint-url", w.url)
			if res.code == 0 || !strings.Contains(res.stderr, loginHint) {
				t.Fatalf("the AWS CLI does not show the login hint: %s", res)
			}
			if tc.needsLogin {
				res := w.sc("export", "--hook", "--format", "sh", "alice")
				if res.code != 7 || res.stdout != "" || strings.Count(res.stderr, loginHint) != 1 {
					t.Fatalf("stscred export --hook alice: want exit 7, empty stdout, the hint once: %s", res)
				}
			}
			if len(w.opened()) != 1 || w.authorizePages() != 1 || w.codeGrants() != 1 {
				t.Fatalf("a credential call went through a sign-in: browser opened %d times, %d authorize pages", len(w.opened()), w.authorizePages())
			}
			if w.refreshes() == 0 {
				t.Fatal("no renewal was attempted: the failure was not AWS Sign-In's answer")
			}
		})
	}
}

// A sign-in denied in the browser: a clean failure that names `stscred
// login alice`, no token call, nothing stored, the config as it was.
func TestLoginDenied(t *testing.T) {
	w := newLoginWorld(t, "file", signintest.Options{})
	if err := w.signin.SetBrowser(signintest.Browser{Mode: signintest.BrowserDeny}); err != nil {
		t.Fatal(err)
	}
	before := w.config()
	res := w.sc("login", "alice", "--browser", w.browser)
	w.assertCleanFailure(res, "denied")
	if !strings.Contains(res.stderr, loginHint) {
		t.Fatalf("the hint does not name %s: %s", loginHint, res.stderr)
	}
	if len(w.opened()) != 1 || w.authorizePages() != 1 {
		t.Fatalf("the browser was opened %d times", len(w.opened()))
	}
	if _, ok := w.storedSession(); ok || w.tokenCalls() != 0 || len(w.signin.Sessions()) != 0 {
		t.Fatalf("a denied sign-in: stored %v, %d token calls", ok, w.tokenCalls())
	}
	if w.config() != before {
		t.Fatalf("a denied sign-in changed the config:\n%s", w.config())
	}
}

// `stscred logout alice` forgets the session (the keystore entry) and
// drops the credentials cached from it, the role's too: the next calls
// fail at once naming `stscred login alice`, with no call to AWS Sign-In;
// login_session stays; signing in again works.
func TestLoginLogout(t *testing.T) {
	forLoginBackends(t, signintest.Options{}, func(t *testing.T, w *loginWorld) {
		before := w.config()
		w.login()
		w.decode(w.sc("session", "alice"))
		w.decode(w.sc("role", "prod-admin"))
		res := w.sc("logout", "alice")
		if res.code != 0 || res.stdout != "" || !strings.Contains(res.stderr, "stscred: signed out profile alice; removed 2 cached sessions") {
			t.Fatalf("stscred logout alice: %s", res)
		}
		if _, ok := w.storedSession(); ok {
			t.Fatal("the session is still in the keystore after the logout")
		}
		if w.config() != withLoginSession(before) {
			t.Fatalf("logout changed the config:\n%s", w.config())
		}
		calls := w.signin.Calls(signintest.AnyOp)
		w.assertNeedsLogin(w.sc("session", "alice"), 1)
		w.assertNeedsLogin(w.sc("role", "prod-admin"), 1)
		if n := w.signin.Calls(signintest.AnyOp) - calls; n != 0 || w.srv.Calls("AssumeRole") != 1 {
			t.Fatalf("after the logout: %d AWS Sign-In calls, %d AssumeRole", n, w.srv.Calls("AssumeRole"))
		}
		if res := w.sc("logout", "alice"); res.code != 0 || res.stdout != "" || !strings.Contains(res.stderr, "was not signed in") {
			t.Fatalf("a second logout: %s", res)
		}
		w.login()
		if c := w.decode(w.sc("session", "alice")); c.AccessKeyID != w.loginCreds()[1].AccessKeyID {
			t.Fatalf("after signing in again: %s", c.AccessKeyID)
		}
	})
}

var aliceMinutes = regexp.MustCompile(`^alice [0-9]+m$`)

// Signed out while a shell uses alice: the prompt hook's renewal (forced
// by a refresh window larger than the credentials' life) neither signs
// in nor opens the browser nor calls AWS Sign-In; it says once to run
// `stscred login alice`, the prompt segment reads "alice login?", and a
// command typed meanwhile runs. Signed in again from outside, the next
// renewal succeeds.
func TestLoginHookNeedsLogin(t *testing.T) {
	backends := map[string]string{"bash": "file", "zsh": "secret-service", "fish": "file"}
	for _, sc := range interactiveShells {
		t.Run(sc.name, func(t *testing.T) {
			w := newLoginWorld(t, backends[sc.name], signintest.Options{})
			lines := ssoShellLines[sc.name]
			w.login()
			s := startLoginShell(t, w, sc)
			s.sh.say("stscred use alice")
			key, info := s.show()
			if lc := w.loginCreds(); len(lc) != 1 || key != lc[0].AccessKeyID || !aliceMinutes.MatchString(info) {
				t.Fatalf("after use alice: key %q info %q\n%s", key, info, s.sh.output())
			}
			if res := w.sc("logout", "alice"); res.code != 0 {
				t.Fatalf("logout alice: %s", res)
			}
			calls, renewals := w.signin.Calls(signintest.AnyOp), s.hookRenewals()

			s.sh.say(lines.window) // the next prompt's hook renews, and cannot
			s.sh.typeLine(`printf 'typed-%s\n' ok`)
			s.sh.expectAfter("typed-ok", "PROMPT> ")
			key2, info := s.show()
			if info != "alice login?" || key2 != key {
				t.Fatalf("prompt segment %q (want %q), key %s (was %s)\n%s", info, "alice login?", key2, key, s.sh.output())
			}
			s.sh.say(lines.retry) // renew again at the next prompt: still silent
			s.sh.say("true")
			if n := s.hookRenewals() - renewals; n < 2 {
				t.Fatalf("the prompt hook tried %d renewals, want at least 2", n)
			}
			out := s.sh.output()
			if c := strings.Count(out, loginHint); c != 1 {
				t.Fatalf("%q was printed %d times, want once:\n%s", loginHint, c, out)
			}
			if !strings.Contains(out, "alice needs a sign-in with AWS Sign-In to renew its credentials: run "+loginHint) {
				t.Fatalf("the hook does not say what to run:\n%s", out)
			}
			if strings.Contains(out, "opening the browser") || strings.Contains(out, "/v1/authorize?") {
				t.Fatalf("the prompt hook started a sign-in:\n%s", out)
			}
			if n := w.signin.Calls(signintest.AnyOp) - calls; n != 0 || len(w.opened()) != 1 {
				t.Fatalf("renewals without a sign-in: %d AWS Sign-In calls, the browser opened %d times", n, len(w.opened()))
			}

			w.login()
			s.sh.say(lines.retry)
			key3, info := s.show()
			if lc := w.loginCreds(); !aliceMinutes.MatchString(info) || key3 != lc[len(lc)-1].AccessKeyID || key3 == key {
				t.Fatalf("after signing in again: key %q info %q\n%s", key3, info, s.sh.output())
			}
		})
	}
}

// `stscred use alice` typed at the prompt when alice's session is gone
// signs in (the stand-in browser, $BROWSER, approves) and the shell has
// her credentials; `stscred export alice` with stdin not a terminal
// fails at once with the login hint, opening no browser.
func TestLoginUseSignsInAtTerminal(t *testing.T) {
	backends := map[string]string{"bash": "secret-service", "zsh": "file", "fish": "secret-service"}
	for _, sc := range interactiveShells {
		t.Run(sc.name, func(t *testing.T) {
			w := newLoginWorld(t, backends[sc.name], signintest.Options{})
			w.login()
			if res := w.sc("logout", "alice"); res.code != 0 {
				t.Fatalf("logout alice: %s", res)
			}
			w.assertNeedsLogin(w.sc("export", "alice"), 1)
			s := startLoginShell(t, w, sc)
			s.sh.say("stscred use alice")
			if n := len(w.opened()); n != 2 {
				t.Fatalf("use alice at a terminal opened the browser %d times\n%s", n-1, s.sh.output())
			}
			w.checkAuthorizeURL(w.opened()[1], signintest.ClientSameDevice)
			key, info := s.show()
			lc := w.loginCreds()
			// The sign-in's own credentials: no renewal right after it.
			if len(lc) != 2 || key != lc[1].AccessKeyID || !aliceMinutes.MatchString(info) || w.codeGrants() != 2 || w.refreshes() != 0 {
				t.Fatalf("after use alice: key %q info %q, %d code grants, %d login credentials, %d refreshes\n%s", key, info, w.codeGrants(), len(lc), w.refreshes(), s.sh.output())
			}
			if c := w.decode(w.sc("session", "alice")); c.AccessKeyID != key || w.tokenCalls() != 2 {
				t.Fatalf("session alice after use: %s, %d token calls", c.AccessKeyID, w.tokenCalls())
			}
		})
	}
}

// The floor for credentials that last no longer than it (README: a third
// of their lifetime): a caller that asks four times a second for two and
// a half lifetimes never gets credentials with less than about a third of
// their life left, and renews about once every two thirds of a lifetime,
// never twice in a row.
func TestLoginSteadyCaller(t *testing.T) {
	const life = 6 * time.Second
	w := newLoginWorld(t, "file", signintest.Options{CredentialLifetime: life})
	w.login()
	start := time.Now()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	calls := 0
	for time.Since(start) < 2*life+life/2 {
		<-tick.C // the caller's own pace
		c := w.decode(w.sc("session", "alice"))
		calls++
		// Expiration is in whole seconds: a second of slack.
		if left := time.Until(c.Expiration); left < life/3-time.Second {
			t.Fatalf("call %d got credentials with %s left, under a third of their %s", calls, left, life)
		}
	}
	elapsed := time.Since(start)
	n := w.refreshes()
	if most := int(elapsed/(2*life/3)) + 1; n < 2 || n > most || w.signin.Successes(signintest.GrantOp(signintest.GrantRefreshToken)) != n {
		t.Fatalf("%d renewals for %d calls in %s, want 2 to %d, all successful", n, calls, elapsed.Round(time.Millisecond), most)
	}
	prev := w.signin.Sessions()[0].Started
	for _, r := range w.signin.Requests() {
		if r.GrantType != signintest.GrantRefreshToken {
			continue
		}
		if gap := r.Time.Sub(prev); gap < life/2 {
			t.Fatalf("a renewal %s after the previous credentials were issued: they were renewed with more than a third left", gap)
		}
		prev = r.Time
	}
	if len(w.opened()) != 1 {
		t.Fatalf("the browser was opened %d times", len(w.opened()))
	}
}

// What login refuses: a role or tool profile (it points at `stscred
// console` for the console), and a browser signed in as another identity
// than the profile's login_session (nothing stored, the config as it was).
func TestLoginRefusals(t *testing.T) {
	w := newLoginWorld(t, "secret-service", signintest.Options{})
	before := w.config()
	for _, name := range []string{"prod-admin", "prod"} {
		res := w.sc("login", name, "--browser", w.browser)
		w.assertCleanFailure(res, "cannot sign in with AWS Sign-In")
		if !strings.Contains(res.stderr, "stscred console "+name) {
			t.Fatalf("login %s does not point at stscred console: %s", name, res.stderr)
		}
	}
	if len(w.opened()) != 0 || w.signin.Calls(signintest.AnyOp) != 0 {
		t.Fatalf("refused logins opened the browser %d times, made %d AWS Sign-In calls", len(w.opened()), w.signin.Calls(signintest.AnyOp))
	}

	// alice's profile names her; the browser is signed in as someone else.
	other := w.signin.AddFederated("arn:aws:iam::"+loginAccount+":role/Console", "bob")
	if err := w.signin.SetBrowser(signintest.Browser{As: other.ARN}); err != nil {
		t.Fatal(err)
	}
	w.writeConfig(withLoginSession(before))
	res := w.sc("login", "alice", "--browser", w.browser)
	w.assertCleanFailure(res, "but profile alice is for "+loginARN)
	if _, ok := w.storedSession(); ok || w.config() != withLoginSession(before) {
		t.Fatalf("a sign-in as another identity: stored %v, config\n%s", ok, w.config())
	}
	w.assertNeedsLogin(w.sc("session", "alice"), 1)
}

// alice had a stored access key: after `stscred login alice` her profile
// signs in, login says the key is no longer needed and how to remove it,
// and her credentials come from the sign-in, not from the key.
func TestLoginReplacesStoredKey(t *testing.T) {
	w := newLoginWorld(t, "file", signintest.Options{})
	w.addAlice()
	res := w.login()
	if !strings.Contains(res.stderr, "no longer needed") || !strings.Contains(res.stderr, "stscred remove alice") {
		t.Fatalf("login does not say the stored key is no longer needed: %s", res.stderr)
	}
	if c := w.decode(w.sc("session", "alice")); c.AccessKeyID != w.loginCreds()[0].AccessKeyID || w.srv.Calls("GetSessionToken") != 0 {
		t.Fatalf("session alice after the login: %s, %d GetSessionToken calls", c.AccessKeyID, w.srv.Calls("GetSessionToken"))
	}
	if c := w.decode(w.sc("role", "prod-admin")); lastRequestKey(w.world, "AssumeRole") != w.loginCreds()[0].AccessKeyID || c.AccountID != roleAccount {
		t.Fatalf("role prod-admin after the login: AssumeRole signed with %s", lastRequestKey(w.world, "AssumeRole"))
	}
}

package identitycenter_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/keystore"
)

func TestPKCELoginThenRoleCredentials(t *testing.T) {
	w := newWorld(t)
	st := w.login(t, corp, identitycenter.LoginOptions{})
	if !st.SignedIn || !st.Refreshable || !st.Expires.Equal(w.clock.Now().Add(time.Hour)) {
		t.Fatalf("status %+v", st)
	}

	// One client, registered for the code grant with the loopback redirect.
	clients := w.srv.Clients()
	if len(clients) != 1 {
		t.Fatalf("%d clients registered", len(clients))
	}
	cl := clients[0]
	if cl.Name != "stscred" || !slices.Equal(cl.GrantTypes, []string{ssotest.GrantAuthorizationCode, ssotest.GrantRefreshToken}) ||
		!slices.Equal(cl.RedirectURIs, []string{"http://127.0.0.1/oauth/callback"}) || cl.IssuerURL != startURL || !slices.Equal(cl.Scopes, []string{scope}) {
		t.Errorf("registration %+v", cl)
	}
	if toks := w.srv.Tokens(); len(toks) != 1 || toks[0].GrantType != ssotest.GrantAuthorizationCode || toks[0].User != "alice" {
		t.Errorf("tokens %+v", toks)
	}

	// The browser was sent to /authorize with an S256 challenge and the scopes.
	if len(w.opened) != 1 {
		t.Fatalf("opened %q", w.opened)
	}
	u, err := url.Parse(w.opened[0])
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Path != "/authorize" || q.Get("response_type") != "code" || q.Get("client_id") != cl.ID || q.Get("code_challenge_method") != "S256" ||
		len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 32 || q.Get("scopes") != scope ||
		!strings.HasPrefix(q.Get("redirect_uri"), "http://127.0.0.1:") || !strings.HasSuffix(q.Get("redirect_uri"), "/oauth/callback") {
		t.Errorf("authorize URL %s", w.opened[0])
	}
	out := w.out.String()
	// The browser took it: the URL is not repeated.
	if !strings.Contains(out, "stscred: opening the browser to sign in to corp\n") || strings.Contains(out, "open this URL") {
		t.Errorf("out:\n%s", out)
	}

	// What is stored: the token and the registration, in the keystore only.
	for _, name := range []string{"v1:sso-token:" + corp.ID(), "v1:sso-client:" + corp.ID() + ":pkce"} {
		if _, err := w.store.Get(name); err != nil {
			t.Errorf("store: %v", err)
		}
	}
	if w.store.Len() != 2 {
		t.Errorf("%d store entries, want 2", w.store.Len())
	}

	cr, err := w.c.RoleCredentials(context.Background(), corp, prodID, "AdministratorAccess")
	if err != nil {
		t.Fatal(err)
	}
	if cr.AccountID != prodID || cr.SessionToken == "" || cr.Expiration.IsZero() {
		t.Errorf("credentials: account %q, temporary %v, expiry %v", cr.AccountID, cr.Temporary(), cr.Expiration)
	}
	issued := w.srv.IssuedRoleCredentials()
	if len(issued) != 1 || !issued[0].Expiration.Equal(cr.Expiration) || issued[0].SecretAccessKey != cr.SecretAccessKey {
		t.Errorf("the credentials are not the ones issued")
	}
	if arn := w.callerARN(t, cr); !strings.HasPrefix(arn, "arn:aws:sts::"+prodID+":assumed-role/AWSReservedSSO_AdministratorAccess_") || !strings.HasSuffix(arn, "/alice") {
		t.Errorf("caller %s", arn)
	}
	w.noSecrets(t)
}

func TestPKCELoginWithoutBrowser(t *testing.T) {
	w := newWorld(t)
	w.c.Open = func(context.Context, string) error { return errors.New("no browser") }
	w.out.user = func(u string) { _ = browse(context.Background(), u) } // the user opens the URL shown
	if st := w.login(t, corp, identitycenter.LoginOptions{}); !st.SignedIn {
		t.Fatalf("status %+v", st)
	}
	out := w.out.String()
	if !strings.Contains(out, "stscred: to sign in to corp, open this URL in a browser: "+w.url+"/authorize?") {
		t.Errorf("out:\n%s", out)
	}
	w.noSecrets(t)
}

func TestPKCEDenied(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.SetBrowser(ssotest.Browser{Mode: ssotest.BrowserDeny}); err != nil {
		t.Fatal(err)
	}
	_, err := w.c.Login(context.Background(), corp, identitycenter.LoginOptions{})
	if err == nil || err.Error() != "sign-in to corp was denied in the browser" || len(hint.Of(err)) == 0 {
		t.Fatalf("error %q, hints %q", err, hint.Of(err))
	}
	if _, err := w.store.Get("v1:sso-token:" + corp.ID()); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("a token was stored after a denial: %v", err)
	}
	if st, err := w.c.Status(corp); err != nil || st.SignedIn {
		t.Errorf("status %+v, %v", st, err)
	}
	if w.srv.Calls(ssotest.OpCreateToken) != 0 {
		t.Error("CreateToken was called after a denial")
	}
}

// A request to the loopback without this sign-in's state is refused and
// does not end the sign-in.
func TestPKCECallbackChecksState(t *testing.T) {
	w := newWorld(t)
	forged := 0
	w.c.Open = func(ctx context.Context, raw string) error {
		u, _ := url.Parse(raw)
		cb := u.Query().Get("redirect_uri")
		resp, err := http.Get(cb + "?code=stolen&state=wrong")
		if err != nil {
			return err
		}
		resp.Body.Close()
		forged = resp.StatusCode
		return browse(ctx, raw)
	}
	w.login(t, corp, identitycenter.LoginOptions{})
	if forged != http.StatusBadRequest {
		t.Errorf("a callback with the wrong state got %d", forged)
	}
	if n := w.srv.Calls(ssotest.OpCreateToken); n != 1 {
		t.Errorf("%d CreateToken calls, want 1 (the forged code never sent)", n)
	}
}

// The user who never finishes: Login gives up after Wait.
func TestLoginBoundedByWait(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.SetBrowser(ssotest.Browser{Mode: ssotest.BrowserWait}); err != nil {
		t.Fatal(err)
	}
	_, err := w.c.Login(context.Background(), corp, identitycenter.LoginOptions{Wait: 50 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "the sign-in to corp was not finished within 50ms") {
		t.Fatalf("error %v", err)
	}
	if h := hint.Of(err); len(h) != 1 || h[0] != "run it again: stscred sso login corp" {
		t.Errorf("hints %q", h)
	}
	// A cancelled ctx is the caller's, not the wait's.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := w.c.Login(ctx, corp, identitycenter.LoginOptions{}); err == nil || strings.Contains(err.Error(), "not finished within") {
		t.Errorf("cancelled: %v", err)
	}
}

// Two Logins at once: the second waits for the lock and takes the
// sign-in the first stored; one browser flow, one CreateToken.
func TestConcurrentLoginsShareOneFlow(t *testing.T) {
	w := newWorld(t)
	w.locks.asked = make(chan string, 10)
	browser := w.c.Open
	w.c.Open = func(ctx context.Context, u string) error {
		// Both Logins have asked for the lock before the user signs in.
		for range 2 {
			select {
			case <-w.locks.asked:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return browser(ctx, u)
	}
	type result struct {
		st  identitycenter.Status
		err error
	}
	results := make(chan result, 2)
	for range 2 {
		go func() {
			st, err := w.c.Login(context.Background(), corp, identitycenter.LoginOptions{})
			results <- result{st, err}
		}()
	}
	var got []identitycenter.Status
	for range 2 {
		r := <-results
		if r.err != nil {
			t.Fatal(r.err)
		}
		got = append(got, r.st)
	}
	if got[0] != got[1] || !got[0].SignedIn {
		t.Errorf("statuses %+v", got)
	}
	if a, c, r := w.srv.Calls(ssotest.OpAuthorize), w.srv.Calls(ssotest.OpCreateToken), w.srv.Calls(ssotest.OpRegisterClient); a != 1 || c != 1 || r != 1 {
		t.Errorf("%d authorize, %d CreateToken, %d RegisterClient calls, want 1 each", a, c, r)
	}
	if len(w.opened) != 1 {
		t.Errorf("the browser opened %d times", len(w.opened))
	}
}

// One registration per flow, reused until it nears its expiry.
func TestRegistrationReused(t *testing.T) {
	w := newWorld(t)
	w.login(t, corp, identitycenter.LoginOptions{})
	w.clock.Advance(time.Minute)
	w.login(t, corp, identitycenter.LoginOptions{})
	if n := w.srv.Calls(ssotest.OpRegisterClient); n != 1 {
		t.Fatalf("%d RegisterClient calls for two logins, want 1", n)
	}
	if n := w.srv.Calls(ssotest.OpAuthorize); n != 2 {
		t.Fatalf("%d authorize calls, want 2 (a login is a new sign-in)", n)
	}
	w.login(t, corp, identitycenter.LoginOptions{DeviceCode: true})
	w.login(t, corp, identitycenter.LoginOptions{DeviceCode: true})
	if n := w.srv.Calls(ssotest.OpRegisterClient); n != 2 {
		t.Fatalf("%d RegisterClient calls, want 2 (one per flow)", n)
	}
	// 90 days on, the registrations are due again.
	w.clock.Advance(90*24*time.Hour - 10*time.Minute)
	w.login(t, corp, identitycenter.LoginOptions{})
	if n := w.srv.Calls(ssotest.OpRegisterClient); n != 3 {
		t.Fatalf("%d RegisterClient calls, want 3", n)
	}
}

// A registration the service no longer knows is dropped: the next Login
// registers again.
func TestRegistrationRefusedIsReplaced(t *testing.T) {
	w := newWorld(t)
	w.login(t, corp, identitycenter.LoginOptions{DeviceCode: true})
	w.srv.ExpireClients()
	if _, err := w.c.Login(context.Background(), corp, identitycenter.LoginOptions{DeviceCode: true}); err == nil {
		t.Fatal("login with a refused registration succeeded")
	}
	w.login(t, corp, identitycenter.LoginOptions{DeviceCode: true})
	if n := w.srv.Calls(ssotest.OpRegisterClient); n != 2 {
		t.Fatalf("%d RegisterClient calls, want 2", n)
	}
}

package signin_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/testkit/signintest"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testclock"
	"github.com/stscred/stscred/keystore/keystoretest"
)

// world is a Sign-In stand-in and an STS test server on one clock, a
// memory keystore, and a client whose browser follows the authorize
// redirects (as a signed-in user's browser does).
type world struct {
	t      *testing.T
	clock  *testclock.Clock
	sts    *ststest.Server
	srv    *signintest.Server
	url    string
	alice  *ststest.User
	store  *keystoretest.Memory
	c      *signin.Client
	out    strings.Builder
	opened []string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, clock: testclock.Wall(0)}
	w.sts = ststest.New(ststest.Options{Now: w.clock.Now})
	w.sts.Start()
	t.Cleanup(w.sts.Close)
	w.alice = w.sts.AddUser("111111111111", "alice")
	w.srv = signintest.New(signintest.Options{STS: w.sts, Now: w.clock.Now})
	w.url = w.srv.Start()
	t.Cleanup(w.srv.Close)
	w.srv.AddUser(w.alice)
	w.store = keystoretest.NewMemory()
	var mu sync.Mutex
	w.c = &signin.Client{
		Store: w.store, Now: w.clock.Now, Out: &w.out,
		Open: func(ctx context.Context, u string) error {
			w.opened = append(w.opened, u)
			return browse(ctx, u)
		},
		Lock: func(context.Context, string, string) (func(), error) { mu.Lock(); return mu.Unlock, nil },
	}
	return w
}

// browse GETs u following redirects, as a browser does, and fails on
// anything but 200.
func browse(ctx context.Context, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status + ": " + string(b))
	}
	return nil
}

func (w *world) session() signin.Session {
	return signin.Session{Profile: "alice", Region: "eu-west-1", Endpoint: w.url}
}

func (w *world) login(s signin.Session, o signin.LoginOptions) signin.Result {
	w.t.Helper()
	res, err := w.c.Login(context.Background(), s, o)
	if err != nil {
		w.t.Fatalf("login: %v\nout:\n%s", err, w.out.String())
	}
	return res
}

// noSecretShown fails when anything the stand-in handed out is in out.
func (w *world) noSecretShown(text string) {
	w.t.Helper()
	for _, s := range w.srv.Secrets() {
		if s != "" && strings.Contains(text, s) {
			w.t.Fatalf("a secret is shown: %q", text)
		}
	}
}

// A sign-in through the loopback redirect stores the refresh token and
// the proof key, and gives 15-minute credentials of the identity the ID
// token names; a renewal rotates the refresh token, and the old one no
// longer works.
func TestLoginAndRenew(t *testing.T) {
	w := newWorld(t)
	res := w.login(w.session(), signin.LoginOptions{})
	if res.ARN != w.alice.ARN() || !res.SignedIn || res.Creds.AccountID != "111111111111" {
		t.Fatalf("result %+v", res.Status)
	}
	if left := res.Creds.Expiration.Sub(w.clock.Now()); left < 14*time.Minute || left > 15*time.Minute {
		t.Fatalf("credentials last %v", left)
	}
	if len(w.opened) != 1 || !strings.Contains(w.opened[0], "/v1/authorize?") || !strings.Contains(w.opened[0], "code_challenge_method=SHA-256") ||
		!strings.Contains(w.opened[0], "client_id="+urlEncoded(signin.ClientSameDevice)) {
		t.Fatalf("opened %q", w.opened)
	}
	if w.store.Len() != 1 {
		t.Fatalf("%d keystore entries", w.store.Len())
	}
	raw, _ := w.store.Get(signin.StoreName(res.ARN))
	if !strings.Contains(raw, "BEGIN EC PRIVATE KEY") || !strings.Contains(raw, "refreshToken") {
		t.Fatal("the entry lacks the proof key or the refresh token")
	}
	before := w.srv.RefreshTokens()
	s := w.session()
	s.ARN = res.ARN
	cr, err := w.c.Credentials(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if cr.AccessKeyID == res.Creds.AccessKeyID || cr.SessionToken == "" || cr.AccountID != "111111111111" {
		t.Fatalf("renewed %+v", cr.AccessKeyID)
	}
	after := w.srv.RefreshTokens()
	if len(after) != len(before)+1 {
		t.Fatalf("refresh tokens %d then %d: no rotation", len(before), len(after))
	}
	raw2, _ := w.store.Get(signin.StoreName(res.ARN))
	if raw2 == raw {
		t.Fatal("the rotated refresh token was not stored")
	}
	// The STS server takes the renewed credentials as alice's session.
	if arn := callerARN(t, w, cr.AccessKeyID, cr.SecretAccessKey, cr.SessionToken); arn != w.alice.ARN() {
		t.Fatalf("caller %s", arn)
	}
	w.noSecretShown(w.out.String())
}

// --remote: the URL printed, the code the confirmation page shows read
// back; a code of another sign-in, or no code, stores nothing.
func TestRemoteLogin(t *testing.T) {
	w := newWorld(t)
	w.c.Open = nil
	w.c.ReadCode = func(string) (string, error) {
		u := lastURL(w.out.String())
		resp, err := http.Get(u)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		code, ok := signintest.ConfirmationCode(string(b))
		if !ok {
			return "", errors.New("no code on the confirmation page")
		}
		return code, nil
	}
	res := w.login(w.session(), signin.LoginOptions{Remote: true})
	if res.ARN != w.alice.ARN() {
		t.Fatalf("signed in as %s", res.ARN)
	}
	w.store = keystoretest.NewMemory()
	w.c.Store = w.store
	for _, bad := range []string{"", "not base64 !!", "c3RhdGU9eCZjb2RlPXk="} { // the last: state=x&code=y
		w.c.ReadCode = func(string) (string, error) { return bad, nil }
		if _, err := w.c.Login(context.Background(), w.session(), signin.LoginOptions{Remote: true}); err == nil {
			t.Fatalf("code %q signed in", bad)
		}
	}
	if w.store.Len() != 0 {
		t.Fatal("a failed sign-in stored something")
	}
}

// A denied sign-in, and a wrong state brought back to the listener,
// store nothing; the wrong state does not end the sign-in.
func TestDeniedAndForgedCallbacks(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.SetBrowser(signintest.Browser{Mode: signintest.BrowserDeny}); err != nil {
		t.Fatal(err)
	}
	_, err := w.c.Login(context.Background(), w.session(), signin.LoginOptions{})
	if err == nil || !strings.Contains(err.Error(), "denied") || w.store.Len() != 0 {
		t.Fatalf("denied: %v (%d entries)", err, w.store.Len())
	}
	// A forged callback first (another process on loopback), then the
	// browser's.
	if err := w.srv.SetBrowser(signintest.Browser{Mode: signintest.BrowserApprove}); err != nil {
		t.Fatal(err)
	}
	w.c.Open = func(ctx context.Context, u string) error {
		redirect := queryParam(u, "redirect_uri")
		resp, err := http.Get(redirect + "?error=access_denied&state=forged")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a forged callback got %s", resp.Status)
		}
		return browse(ctx, u)
	}
	if res := w.login(w.session(), signin.LoginOptions{}); !res.SignedIn {
		t.Fatal("not signed in after a forged callback")
	}
}

// The codes that end a session make renewals NeedsSignIn errors naming
// the command that signs in; INSUFFICIENT_PERMISSIONS names the managed
// policy; a session past 12 hours is over without a call.
func TestSessionEnds(t *testing.T) {
	for _, tc := range []struct {
		name  string
		end   func(w *world, arn string)
		need  bool
		words string
	}{
		{"password changed", func(w *world, arn string) { w.srv.ChangePassword(arn) }, true, "password was changed"},
		{"ended", func(w *world, arn string) { w.srv.EndSessions() }, true, "has ended"},
		{"revoked", func(w *world, arn string) { w.srv.RevokeSessions(arn) }, true, "no longer works"},
		{"no permission", func(w *world, arn string) { w.srv.SetPermission(arn, false) }, false, "SignInLocalDevelopmentAccess"},
		{"12 hours", func(w *world, arn string) { w.clock.Advance(12*time.Hour + time.Second) }, true, "has ended"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			res := w.login(w.session(), signin.LoginOptions{})
			s := w.session()
			s.ARN = res.ARN
			tc.end(w, res.ARN)
			calls := w.srv.Calls(signintest.GrantOp("refresh_token"))
			_, err := w.c.Credentials(context.Background(), s)
			if err == nil || !strings.Contains(err.Error()+strings.Join(hint.Of(err), " "), tc.words) {
				t.Fatalf("err = %v %q", err, hint.Of(err))
			}
			if _, need := signin.NeedsSignIn(err); need != tc.need {
				t.Fatalf("NeedsSignIn = %v", need)
			}
			if tc.need && !strings.Contains(strings.Join(hint.Of(err), " "), "stscred login alice") {
				t.Fatalf("hints %q", hint.Of(err))
			}
			if tc.name == "12 hours" && w.srv.Calls(signintest.GrantOp("refresh_token")) != calls {
				t.Fatal("a session past 12 hours called Sign-In")
			}
		})
	}
}

// A session that names another identity is refused, and nothing stored.
func TestLoginAsAnotherIdentity(t *testing.T) {
	w := newWorld(t)
	s := w.session()
	s.ARN = "arn:aws:iam::111111111111:user/bob"
	_, err := w.c.Login(context.Background(), s, signin.LoginOptions{})
	if err == nil || !strings.Contains(err.Error(), "signed in as "+w.alice.ARN()) || w.store.Len() != 0 {
		t.Fatalf("err = %v, %d entries", err, w.store.Len())
	}
}

// A renewal whose new refresh token cannot be stored says the session
// needs a new sign-in; it hands out nothing.
func TestRenewalThatCannotStore(t *testing.T) {
	w := newWorld(t)
	res := w.login(w.session(), signin.LoginOptions{})
	s := w.session()
	s.ARN = res.ARN
	w.store.FailSet = errors.New("keyring locked")
	cr, err := w.c.Credentials(context.Background(), s)
	if err == nil || cr.AccessKeyID != "" || !strings.Contains(strings.Join(hint.Of(err), " "), "sign in again: stscred login alice") {
		t.Fatalf("err = %v %q, creds %v", err, hint.Of(err), cr.AccessKeyID != "")
	}
}

// Logout forgets the refresh token and the key.
func TestLogout(t *testing.T) {
	w := newWorld(t)
	res := w.login(w.session(), signin.LoginOptions{})
	s := w.session()
	s.ARN = res.ARN
	if removed, err := w.c.Logout(s); !removed || err != nil || w.store.Len() != 0 {
		t.Fatalf("logout: %v %v, %d entries", removed, err, w.store.Len())
	}
	if _, err := w.c.Credentials(context.Background(), s); err == nil {
		t.Fatal("renewed after logout")
	} else if _, need := signin.NeedsSignIn(err); !need {
		t.Fatalf("after logout: %v", err)
	}
}

func urlEncoded(s string) string { return strings.NewReplacer(":", "%3A", "/", "%2F").Replace(s) }

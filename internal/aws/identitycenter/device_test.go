package identitycenter_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/testkit/ssotest"
)

// The device flow: the user allows the request after a few polls; a
// slow_down adds 5 seconds to the interval from then on.
func TestDeviceLoginSlowDown(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.SetBrowser(ssotest.Browser{Mode: ssotest.BrowserWait}); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Fail(ssotest.GrantOp(ssotest.GrantDeviceCode), ssotest.SlowDownException, 1); err != nil {
		t.Fatal(err)
	}
	var userCode string
	w.sleep.after = func(n int) {
		if n == 3 { // the user allows the request during the third wait
			codes := w.srv.PendingUserCodes()
			if len(codes) != 1 {
				t.Errorf("pending user codes %q", codes)
				return
			}
			userCode = codes[0]
			if err := w.srv.ApproveDevice(userCode); err != nil {
				t.Error(err)
			}
		}
	}
	st := w.login(t, corp, identitycenter.LoginOptions{DeviceCode: true})
	if !st.SignedIn || !st.Refreshable {
		t.Errorf("status %+v", st)
	}
	// 1 s asked by the server; 6 s after the slow_down.
	if got, want := w.sleep.Intervals(), []time.Duration{time.Second, 6 * time.Second, 6 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("intervals %v, want %v", got, want)
	}
	if n := w.srv.Calls(ssotest.GrantOp(ssotest.GrantDeviceCode)); n != 3 {
		t.Errorf("%d polls, want 3", n)
	}
	devs := w.srv.Devices()
	if len(devs) != 1 || devs[0].SlowDowns != 0 || devs[0].State != ssotest.DeviceExchanged {
		t.Errorf("devices %+v (a poll came too early?)", devs)
	}
	// The code and the URL were shown and the URL opened.
	out := w.out.String()
	if len(w.opened) != 1 || !strings.HasPrefix(w.opened[0], w.url+"/device?user_code=") ||
		!strings.Contains(out, "shows the code "+userCode+" and allow the request") || !strings.Contains(out, w.opened[0]) {
		t.Errorf("opened %q, out:\n%s", w.opened, out)
	}
	cl := w.srv.Clients()
	if len(cl) != 1 || len(cl[0].GrantTypes) != 0 || len(cl[0].RedirectURIs) != 0 || !slices.Equal(cl[0].Scopes, []string{scope}) {
		t.Errorf("device registration %+v", cl)
	}
	if _, err := w.store.Get("v1:sso-client:" + corp.ID() + ":device"); err != nil {
		t.Error(err)
	}
	w.noSecrets(t)
}

func TestDeviceDenied(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.SetBrowser(ssotest.Browser{Mode: ssotest.BrowserDeny}); err != nil {
		t.Fatal(err)
	}
	_, err := w.c.Login(context.Background(), corp, identitycenter.LoginOptions{DeviceCode: true})
	if err == nil || err.Error() != "sign-in to corp was denied in the browser" || len(hint.Of(err)) == 0 {
		t.Fatalf("error %q, hints %q", err, hint.Of(err))
	}
	if st, _ := w.c.Status(corp); st.SignedIn {
		t.Error("signed in after a denial")
	}
	w.noSecrets(t, errText(err))
}

// A code nobody confirms: ExpiredTokenException ends the flow, whether
// injected at once or sent when the server's clock passes expiresIn
// (after some 600 polls a second apart).
func TestDeviceCodeExpired(t *testing.T) {
	for _, byServer := range []bool{true, false} {
		w := newWorld(t)
		if err := w.srv.SetBrowser(ssotest.Browser{Mode: ssotest.BrowserWait}); err != nil {
			t.Fatal(err)
		}
		if byServer {
			if err := w.srv.Fail(ssotest.GrantOp(ssotest.GrantDeviceCode), ssotest.ExpiredTokenException, 1); err != nil {
				t.Fatal(err)
			}
		}
		_, err := w.c.Login(context.Background(), corp, identitycenter.LoginOptions{DeviceCode: true})
		if err == nil || !strings.HasPrefix(err.Error(), "the sign-in code expired") {
			t.Fatalf("server %v: error %v", byServer, err)
		}
		if h := hint.Of(err); len(h) != 1 || !strings.Contains(h[0], "run it again") {
			t.Errorf("hints %q", h)
		}
		polls := w.srv.Calls(ssotest.GrantOp(ssotest.GrantDeviceCode))
		if byServer && polls != 1 || !byServer && polls < 500 {
			t.Errorf("server %v: %d polls", byServer, polls)
		}
	}
}

// A legacy profile (no sso-session, no scopes) signs in with a device
// code even when the code flow is asked for, and gets no refresh token:
// its sign-in lasts the session and then has expired.
func TestLegacySession(t *testing.T) {
	w := newWorld(t)
	st := w.login(t, legacy, identitycenter.LoginOptions{})
	if !st.SignedIn || st.Refreshable || !st.Expires.Equal(w.clock.Now().Add(8*time.Hour)) {
		t.Fatalf("status %+v", st)
	}
	if w.srv.Calls(ssotest.OpStartDeviceAuthorization) != 1 || w.srv.Calls(ssotest.OpAuthorize) != 0 {
		t.Error("a legacy session did not use the device flow")
	}
	if cl := w.srv.Clients(); len(cl) != 1 || len(cl[0].Scopes) != 0 {
		t.Errorf("legacy registration %+v", cl)
	}
	if !strings.Contains(w.out.String(), "sign in to "+startURL) {
		t.Errorf("out does not name the start URL:\n%s", w.out)
	}
	if _, err := w.c.RoleCredentials(context.Background(), legacy, devID, "ReadOnly"); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(8 * time.Hour)
	_, err := w.c.AccessToken(context.Background(), legacy)
	wantNotSignedIn(t, err, "the sign-in to "+startURL+" has expired", startURL)
	if n := w.srv.Calls(ssotest.OpCreateToken); n != 1 {
		t.Errorf("%d CreateToken calls, want 1 (nothing to refresh with)", n)
	}
}

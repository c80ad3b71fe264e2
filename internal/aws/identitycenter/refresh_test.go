package identitycenter_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/keystore"
)

// stored is the token the store holds for s (the test may look: it is
// the test's own store).
func (w *world) stored(t *testing.T, s identitycenter.Session) identitycenter.Token {
	t.Helper()
	raw, err := w.store.Get("v1:sso-token:" + s.ID())
	if err != nil {
		t.Fatal(err)
	}
	var tok identitycenter.Token
	if err := json.Unmarshal([]byte(raw), &tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestAccessTokenRefreshedAcrossExpiry(t *testing.T) {
	w := newWorld(t)
	w.login(t, corp, identitycenter.LoginOptions{})
	first := w.stored(t, corp)
	w.srv.ResetCounts()
	ctx := context.Background()

	// With more than a minute left: the stored token, no lock, no call.
	w.clock.Advance(58 * time.Minute)
	tok, err := w.c.AccessToken(ctx, corp)
	if err != nil || tok != first.AccessToken {
		t.Fatalf("access token: same=%v, %v", tok == first.AccessToken, err)
	}
	if n := w.srv.Calls(ssotest.AnyOp); n != 0 {
		t.Errorf("%d calls for a fresh token", n)
	}
	if n := w.locks.calls["refreshing the sign-in to corp"]; n != 0 {
		t.Errorf("the lock was taken %d times for a fresh token", n)
	}

	// Under a minute left: refreshed once, under the lock, the rotated
	// refresh token stored.
	w.clock.Advance(90 * time.Second)
	tok, err = w.c.AccessToken(ctx, corp)
	if err != nil {
		t.Fatal(err)
	}
	second := w.stored(t, corp)
	if tok == first.AccessToken || tok != second.AccessToken || second.RefreshToken == first.RefreshToken ||
		!second.Expires.Equal(w.clock.Now().Add(time.Hour)) {
		t.Errorf("after the refresh: new access token %v, rotated %v, expires %v", tok != first.AccessToken, second.RefreshToken != first.RefreshToken, second.Expires)
	}
	if n := w.srv.Calls(ssotest.GrantOp(ssotest.GrantRefreshToken)); n != 1 {
		t.Errorf("%d refresh calls, want 1", n)
	}
	if n := w.locks.calls["refreshing the sign-in to corp"]; n != 1 {
		t.Errorf("the lock was taken %d times, want 1", n)
	}
	rts := w.srv.RefreshTokens()
	if len(rts) != 2 || rts[0].ReplacedBy != second.RefreshToken || !rts[1].Live {
		t.Errorf("refresh tokens %+v", rts)
	}
	// Again: the fresh token, no second refresh.
	if again, err := w.c.AccessToken(ctx, corp); err != nil || again != tok {
		t.Errorf("second call: same=%v, %v", again == tok, err)
	}
	// An hour on, the rotated refresh token works (the spent one would not).
	w.clock.Advance(time.Hour)
	if _, err := w.c.RoleCredentials(ctx, corp, prodID, "ReadOnly"); err != nil {
		t.Fatal(err)
	}
	if n := w.srv.Successes(ssotest.GrantOp(ssotest.GrantRefreshToken)); n != 2 {
		t.Errorf("%d refreshes, want 2", n)
	}
	w.noSecrets(t)
}

// Callers that waited for the lock while one refreshed take the token it
// stored: one refresh for them all.
func TestRefreshAfterWaitingUsesTheOtherOne(t *testing.T) {
	w := newWorld(t)
	w.login(t, corp, identitycenter.LoginOptions{})
	w.clock.Advance(time.Hour)
	const n = 8
	// Hold the lock until every caller waits for it.
	unlock, err := w.locks.Lock(context.Background(), "sso:"+corp.ID(), "the test")
	if err != nil {
		t.Fatal(err)
	}
	w.locks.asked = make(chan string, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := w.c.AccessToken(context.Background(), corp)
			errs <- err
		}()
	}
	for range n {
		if doing := <-w.locks.asked; doing != "refreshing the sign-in to corp" {
			t.Errorf("lock taken for %q", doing)
		}
	}
	unlock()
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := w.srv.Calls(ssotest.GrantOp(ssotest.GrantRefreshToken)); got != 1 {
		t.Errorf("%d refresh calls from %d callers, want 1", got, n)
	}
}

// The sign-in session is over: the refresh is refused, the token
// forgotten, and the error says to sign in again.
func TestExpiredSession(t *testing.T) {
	w := newWorld(t)
	w.login(t, corp, identitycenter.LoginOptions{})
	w.clock.Advance(8 * time.Hour)
	_, err := w.c.AccessToken(context.Background(), corp)
	wantNotSignedIn(t, err, "the sign-in to corp has expired", "corp")
	if n := w.srv.Calls(ssotest.GrantOp(ssotest.GrantRefreshToken)); n != 1 {
		t.Errorf("%d refresh calls, want 1", n)
	}
	if _, err := w.store.Get("v1:sso-token:" + corp.ID()); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("the refused token is still stored: %v", err)
	}
	if _, err := w.store.Get("v1:sso-client:" + corp.ID() + ":pkce"); err != nil {
		t.Errorf("the registration was dropped: %v", err)
	}
	if st, err := w.c.Status(corp); err != nil || st.SignedIn {
		t.Errorf("status %+v, %v", st, err)
	}
	// From then on: not signed in, without a call.
	w.srv.ResetCounts()
	_, err = w.c.RoleCredentials(context.Background(), corp, prodID, "ReadOnly")
	wantNotSignedIn(t, err, "not signed in to IAM Identity Center session corp", "corp")
	if n := w.srv.Calls(ssotest.AnyOp); n != 0 {
		t.Errorf("%d calls without a token", n)
	}
	w.noSecrets(t, errText(err))
}

func TestNotSignedIn(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	_, err := w.c.AccessToken(ctx, corp)
	wantNotSignedIn(t, err, "not signed in to IAM Identity Center session corp", "corp")
	if errText(err) != "stscred: error: not signed in to IAM Identity Center session corp\nstscred: hint: run: stscred sso login corp\n" {
		t.Errorf("printed:\n%s", errText(err))
	}
	_, err = w.c.RoleCredentials(ctx, corp, prodID, "ReadOnly")
	wantNotSignedIn(t, err, "not signed in", "corp")
	_, err = w.c.Accounts(ctx, corp)
	wantNotSignedIn(t, err, "not signed in", "corp")
	if st, err := w.c.Status(corp); err != nil || st != (identitycenter.Status{}) {
		t.Errorf("status %+v, %v", st, err)
	}
	if n := w.srv.Calls(ssotest.AnyOp); n != 0 || len(w.opened) != 0 || w.out.String() != "" {
		t.Errorf("%d calls, opened %q, out %q: a caller without a token must not sign in", n, w.opened, w.out)
	}
}

// A keystore that cannot be asked is reported, not taken for "not signed
// in".
func TestKeystoreErrorIsNoMiss(t *testing.T) {
	w := newWorld(t)
	w.store.Err = errors.New("the keyring is locked")
	_, err := w.c.AccessToken(context.Background(), corp)
	if err == nil || errors.Is(err, identitycenter.ErrNotSignedIn) {
		t.Fatalf("error %v", err)
	}
	if _, err := w.c.Status(corp); err == nil {
		t.Error("Status hid a keystore error")
	}
}

package identitycenter_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/keystore"
)

func TestLogoutRevokesAndForgets(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.login(t, corp, identitycenter.LoginOptions{})
	tok := w.stored(t, corp)
	if !w.portalAccepts(t, tok.AccessToken) {
		t.Fatal("the portal refuses a fresh token")
	}
	if err := w.c.Logout(ctx, corp); err != nil {
		t.Fatal(err)
	}
	if n := w.srv.Successes(ssotest.OpLogout); n != 1 {
		t.Errorf("%d Logout calls, want 1", n)
	}
	if w.portalAccepts(t, tok.AccessToken) {
		t.Error("the portal still takes the token after Logout")
	}
	if rts := w.srv.RefreshTokens(); len(rts) != 1 || rts[0].Live {
		t.Errorf("the refresh token outlived Logout: %+v", rts)
	}
	if _, err := w.store.Get("v1:sso-token:" + corp.ID()); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("token still stored: %v", err)
	}
	if _, err := w.store.Get("v1:sso-client:" + corp.ID() + ":pkce"); err != nil {
		t.Errorf("the registration was not kept: %v", err)
	}
	_, err := w.c.RoleCredentials(ctx, corp, prodID, "ReadOnly")
	wantNotSignedIn(t, err, "not signed in to IAM Identity Center session corp", "corp")

	// Not signed in: no error, and Out says so.
	if err := w.c.Logout(ctx, corp); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(w.out.String(), "stscred: not signed in to corp\n") {
		t.Errorf("out:\n%s", w.out)
	}
	w.noSecrets(t)
}

// An expired access token cannot end the sign-in its refresh token keeps
// alive: Logout refreshes first.
func TestLogoutAfterExpiryEndsTheSession(t *testing.T) {
	w := newWorld(t)
	w.login(t, corp, identitycenter.LoginOptions{})
	w.clock.Advance(2 * time.Hour)
	if err := w.c.Logout(context.Background(), corp); err != nil {
		t.Fatal(err)
	}
	if n := w.srv.Successes(ssotest.OpLogout); n != 1 {
		t.Errorf("%d Logout successes, want 1", n)
	}
	for _, rt := range w.srv.RefreshTokens() {
		if rt.Live {
			t.Errorf("a refresh token is live after Logout: %+v", rt)
		}
	}
}

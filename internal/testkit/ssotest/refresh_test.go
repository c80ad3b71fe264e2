package ssotest_test

// The refresh_token grant: new access tokens, rotation, the end of the
// sign-in session, expired and foreign refresh tokens.

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/stscred/stscred/internal/testkit/ssotest"
)

func (w *world) refreshWith(reg *ssooidc.RegisterClientOutput, refresh *string) (*ssooidc.CreateTokenOutput, error) {
	return w.oidc.CreateToken(context.Background(), &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String(ssotest.GrantRefreshToken), RefreshToken: refresh,
	})
}

func TestRefreshRotates(t *testing.T) {
	w := newWorld(t)
	reg, first := w.login(t)
	w.clock.Advance(50 * time.Minute)
	second, err := w.refreshWith(reg, first.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(second.AccessToken) == aws.ToString(first.AccessToken) || second.ExpiresIn != 3600 {
		t.Errorf("refreshed access token: same=%v expiresIn %d", aws.ToString(second.AccessToken) == aws.ToString(first.AccessToken), second.ExpiresIn)
	}
	if aws.ToString(second.RefreshToken) == "" || aws.ToString(second.RefreshToken) == aws.ToString(first.RefreshToken) {
		t.Fatal("the refresh token was not rotated")
	}
	// The old refresh token is spent; the new one works.
	_, err = w.refreshWith(reg, first.RefreshToken)
	wantAPIError(t, err, "InvalidGrantException", http.StatusBadRequest, "Invalid refresh token provided")
	if _, err := w.refreshWith(reg, second.RefreshToken); err != nil {
		t.Fatal(err)
	}

	rts := w.srv.RefreshTokens()
	if len(rts) != 3 {
		t.Fatalf("%d refresh tokens, want 3", len(rts))
	}
	if rt := rts[0]; rt.Token != aws.ToString(first.RefreshToken) || rt.Uses != 1 || rt.Presented != 2 ||
		rt.ReplacedBy != aws.ToString(second.RefreshToken) || rt.Live || !rt.LastUsed.Equal(w.clock.Now()) {
		t.Errorf("first refresh token %+v", rt)
	}
	if rt := rts[1]; rt.Uses != 1 || rt.Live || rts[2].Uses != 0 || !rts[2].Live {
		t.Errorf("later refresh tokens %+v %+v", rts[1], rts[2])
	}
	// The first access token is still good until it expires.
	toks := w.srv.Tokens()
	if len(toks) != 3 || !toks[0].Live || toks[1].GrantType != ssotest.GrantRefreshToken {
		t.Errorf("tokens %+v", toks)
	}
	w.clock.Advance(10 * time.Minute)
	if w.srv.Tokens()[0].Live {
		t.Error("the first access token outlived its hour")
	}
	if got := w.srv.Calls(ssotest.GrantOp(ssotest.GrantRefreshToken)); got != 3 {
		t.Errorf("%d refresh calls, want 3", got)
	}
}

func TestRefreshKept(t *testing.T) {
	w := newWorld(t, func(o *ssotest.Options) { o.KeepRefreshTokens = true })
	reg, first := w.login(t)
	for range 2 {
		next, err := w.refreshWith(reg, first.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(next.RefreshToken) != aws.ToString(first.RefreshToken) {
			t.Fatal("the refresh token changed with KeepRefreshTokens")
		}
	}
	if rt := w.srv.RefreshTokens(); len(rt) != 1 || rt[0].Uses != 2 || !rt[0].Live {
		t.Errorf("refresh tokens %+v", rt)
	}
}

func TestRefreshEndsWithTheSession(t *testing.T) {
	w := newWorld(t)
	reg, tok := w.login(t)
	// Half an hour before the 8-hour session ends, an access token lasts
	// only that half hour.
	w.clock.Advance(7*time.Hour + 30*time.Minute)
	next, err := w.refreshWith(reg, tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if next.ExpiresIn != 1800 {
		t.Errorf("expiresIn %d at the session's end, want 1800", next.ExpiresIn)
	}
	w.clock.Advance(30 * time.Minute)
	_, err = w.refreshWith(reg, next.RefreshToken)
	wantAPIError(t, err, "InvalidGrantException", http.StatusBadRequest, "Invalid refresh token provided")
}

func TestRefreshExpiredForeignOrMissing(t *testing.T) {
	w := newWorld(t)
	reg, tok := w.login(t)
	otherReg := w.register(t)
	_, err := w.refreshWith(otherReg, tok.RefreshToken)
	wantAPIError(t, err, "InvalidGrantException", http.StatusBadRequest, "")
	_, err = w.refreshWith(reg, aws.String("aorNotARealToken"))
	wantAPIError(t, err, "InvalidGrantException", http.StatusBadRequest, "")
	_, err = w.refreshWith(reg, nil)
	wantAPIError(t, err, "InvalidRequestException", http.StatusBadRequest, "")

	if err := w.srv.ExpireRefreshToken(aws.ToString(tok.RefreshToken)); err != nil {
		t.Fatal(err)
	}
	_, err = w.refreshWith(reg, tok.RefreshToken)
	wantAPIError(t, err, "InvalidGrantException", http.StatusBadRequest, "Invalid refresh token provided")
	if rt := w.srv.RefreshTokens()[0]; rt.Live || rt.Uses != 0 || rt.Presented != 2 {
		t.Errorf("expired refresh token %+v", rt)
	}

	// A client whose registration expired cannot refresh either.
	reg2, tok2 := w.login(t)
	if err := w.srv.ExpireClient(aws.ToString(reg2.ClientId)); err != nil {
		t.Fatal(err)
	}
	_, err = w.refreshWith(reg2, tok2.RefreshToken)
	wantAPIError(t, err, "InvalidClientException", http.StatusUnauthorized, "")
}

func TestInjectedFaultsByGrant(t *testing.T) {
	w := newWorld(t)
	reg, tok := w.login(t)
	if err := w.srv.Fail(ssotest.GrantOp(ssotest.GrantRefreshToken), ssotest.InternalServerException, 1); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Fail(ssotest.OpCreateToken, ssotest.SlowDownException, 1); err != nil {
		t.Fatal(err)
	}
	_, err := w.refreshWith(reg, tok.RefreshToken)
	wantAPIError(t, err, "InternalServerException", http.StatusInternalServerError, "")
	_, err = w.refreshWith(reg, tok.RefreshToken)
	wantAPIError(t, err, "SlowDownException", http.StatusBadRequest, "")
	if _, err := w.refreshWith(reg, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ op, code string }{
		{ssotest.OpCreateToken, ssotest.TooManyRequestsException}, // a portal exception
		{ssotest.OpAuthorize, ssotest.AccessDeniedException},      // browser pages take none
		{"CreateToken:password", ssotest.InvalidGrantException},
		{ssotest.AnyOp, "Throttling"},
	} {
		if err := w.srv.Fail(bad.op, bad.code, 1); err == nil {
			t.Errorf("Fail(%s, %s) accepted", bad.op, bad.code)
		}
	}
}

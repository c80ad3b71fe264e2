package ssotest_test

// The device code flow with the Go SDK's ssooidc client: registration,
// polling (authorization_pending, slow_down and the 5-second penalty),
// approval through the verification page, expiry, denial.

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc/types"

	"github.com/stscred/stscred/internal/testkit/ssotest"
)

func TestRegisterClient(t *testing.T) {
	w := newWorld(t)
	now := w.clock.Now()
	reg := w.register(t)
	if aws.ToString(reg.ClientId) == "" || aws.ToString(reg.ClientSecret) == "" {
		t.Fatalf("registration %+v", reg)
	}
	if !strings.HasSuffix(aws.ToString(reg.ClientId), "ZXUtd2VzdC0x") { // base64url("eu-west-1")
		t.Errorf("client id %s does not encode the region", aws.ToString(reg.ClientId))
	}
	if reg.ClientIdIssuedAt != now.Unix() || reg.ClientSecretExpiresAt != now.Add(90*24*time.Hour).Unix() {
		t.Errorf("issued %d expires %d, want %d and 90 days later", reg.ClientIdIssuedAt, reg.ClientSecretExpiresAt, now.Unix())
	}
	clients := w.srv.Clients()
	if len(clients) != 1 || clients[0].Secret != aws.ToString(reg.ClientSecret) || !clients[0].Live || !contains(clients[0].Scopes, scope) {
		t.Errorf("clients %+v", clients)
	}

	_, err := w.oidc.RegisterClient(context.Background(), &ssooidc.RegisterClientInput{
		ClientName: aws.String("x"), ClientType: aws.String("confidential"),
	})
	wantAPIError(t, err, "InvalidClientMetadataException", http.StatusBadRequest, "")
	_, err = w.oidc.RegisterClient(context.Background(), &ssooidc.RegisterClientInput{
		ClientName: aws.String("x"), ClientType: aws.String("public"), GrantTypes: []string{"password"},
	})
	wantAPIError(t, err, "UnsupportedGrantTypeException", http.StatusBadRequest, "")
	_, err = w.oidc.RegisterClient(context.Background(), &ssooidc.RegisterClientInput{
		ClientName: aws.String("x"), ClientType: aws.String("public"),
		GrantTypes: []string{ssotest.GrantAuthorizationCode}, RedirectUris: []string{"http://example.com/cb"},
	})
	wantAPIError(t, err, "InvalidRedirectUriException", http.StatusBadRequest, "")
	if got := w.srv.Calls(ssotest.OpRegisterClient); got != 4 {
		t.Errorf("%d RegisterClient calls, want 4", got)
	}
	if got := w.srv.Successes(ssotest.OpRegisterClient); got != 1 {
		t.Errorf("%d RegisterClient successes, want 1", got)
	}
}

func TestDeviceFlowPendingSlowDownSuccess(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	reg := w.register(t)
	start, err := w.oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(startURL),
	})
	if err != nil {
		t.Fatal(err)
	}
	code := aws.ToString(start.UserCode)
	if !regexp.MustCompile(`^[B-Z]{4}-[B-Z]{4}$`).MatchString(code) {
		t.Errorf("user code %q", code)
	}
	if got := aws.ToString(start.VerificationUri); got != w.url+"/device" {
		t.Errorf("verificationUri %s", got)
	}
	if got := aws.ToString(start.VerificationUriComplete); got != w.url+"/device?user_code="+url.QueryEscape(code) {
		t.Errorf("verificationUriComplete %s", got)
	}
	if start.ExpiresIn != 600 || start.Interval != 1 || aws.ToString(start.DeviceCode) == "" {
		t.Errorf("expiresIn %d interval %d", start.ExpiresIn, start.Interval)
	}
	if got := w.srv.PendingUserCodes(); len(got) != 1 || got[0] != code {
		t.Errorf("pending user codes %v", got)
	}

	poll := func() (*ssooidc.CreateTokenOutput, error) {
		return w.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
			ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
			GrantType: aws.String(ssotest.GrantDeviceCode), DeviceCode: start.DeviceCode,
		})
	}
	// The first two polls may be back to back (the AWS CLI does that).
	for range 2 {
		_, err = poll()
		wantAPIError(t, err, "AuthorizationPendingException", http.StatusBadRequest, "")
		var pending *types.AuthorizationPendingException
		if !errors.As(err, &pending) || aws.ToString(pending.Error_) != "authorization_pending" ||
			aws.ToString(pending.Error_description) != "Authorization is still pending" {
			t.Fatalf("pending error %#v", err)
		}
	}
	// A third one at once is too fast.
	_, err = poll()
	var slow *types.SlowDownException
	if !errors.As(err, &slow) || aws.ToString(slow.Error_) != "slow_down" {
		t.Fatalf("third poll at once: %v, want SlowDownException", err)
	}
	// The user approves through the verification page.
	if body := browse(t, aws.ToString(start.VerificationUriComplete)); !strings.Contains(body, "approved") {
		t.Errorf("verification page: %s", body)
	}
	// A client that ignores the penalty (polls after its old 1 s) is told
	// again, and the interval grows by another 5 s.
	w.clock.Advance(time.Second)
	_, err = poll()
	if !errors.As(err, &slow) {
		t.Fatalf("poll 1 s after slow_down: %v, want SlowDownException", err)
	}
	w.clock.Advance(11 * time.Second)
	tok, err := poll()
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(tok.TokenType) != "Bearer" || tok.ExpiresIn != 3600 || aws.ToString(tok.IdToken) != "" {
		t.Errorf("token type %s expiresIn %d idToken %q", aws.ToString(tok.TokenType), tok.ExpiresIn, aws.ToString(tok.IdToken))
	}
	if !strings.HasPrefix(aws.ToString(tok.AccessToken), "aoa") || !strings.HasPrefix(aws.ToString(tok.RefreshToken), "aor") {
		t.Errorf("tokens %.10s... %.10s...", aws.ToString(tok.AccessToken), aws.ToString(tok.RefreshToken))
	}
	// The device code is spent.
	w.clock.Advance(20 * time.Second)
	_, err = poll()
	wantAPIError(t, err, "InvalidGrantException", http.StatusBadRequest, "")

	devs := w.srv.Devices()
	if len(devs) != 1 || devs[0].State != ssotest.DeviceExchanged || devs[0].User != "alice" ||
		devs[0].Polls != 6 || devs[0].SlowDowns != 2 || devs[0].Interval != 11*time.Second {
		t.Errorf("device authorization %+v", devs)
	}
	toks := w.srv.Tokens()
	if len(toks) != 1 || toks[0].AccessToken != aws.ToString(tok.AccessToken) || toks[0].User != "alice" ||
		!toks[0].Live || toks[0].GrantType != ssotest.GrantDeviceCode || toks[0].RefreshToken != aws.ToString(tok.RefreshToken) {
		t.Errorf("tokens %+v", toks)
	}
	if got := w.srv.Calls(ssotest.GrantOp(ssotest.GrantDeviceCode)); got != 6 {
		t.Errorf("%d device_code CreateToken calls, want 6", got)
	}
	if got := w.srv.Successes(ssotest.GrantOp(ssotest.GrantDeviceCode)); got != 1 {
		t.Errorf("%d device_code successes, want 1", got)
	}
	if got := w.srv.Calls(ssotest.OpVerifyDevice); got != 1 {
		t.Errorf("%d verification page visits, want 1", got)
	}
}

func TestDeviceFlowExpiredDeniedAndBadClient(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	reg := w.register(t)
	startAuth := func() *ssooidc.StartDeviceAuthorizationOutput {
		t.Helper()
		start, err := w.oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
			ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(startURL),
		})
		if err != nil {
			t.Fatal(err)
		}
		return start
	}
	poll := func(start *ssooidc.StartDeviceAuthorizationOutput, secret *string) error {
		_, err := w.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
			ClientId: reg.ClientId, ClientSecret: secret,
			GrantType: aws.String(ssotest.GrantDeviceCode), DeviceCode: start.DeviceCode,
		})
		return err
	}

	expired := startAuth()
	w.clock.Advance(10 * time.Minute)
	wantAPIError(t, poll(expired, reg.ClientSecret), "ExpiredTokenException", http.StatusBadRequest, "")
	if err := w.srv.ApproveDevice(aws.ToString(expired.UserCode)); err == nil {
		t.Error("approving an expired user code succeeded")
	}

	denied := startAuth()
	if err := w.srv.DenyDevice(aws.ToString(denied.UserCode)); err != nil {
		t.Fatal(err)
	}
	err := poll(denied, reg.ClientSecret)
	var ad *types.AccessDeniedException
	if !errors.As(err, &ad) || aws.ToString(ad.Error_) != "access_denied" {
		t.Fatalf("denied: %v", err)
	}

	wrong := startAuth()
	wantAPIError(t, poll(wrong, aws.String("not-the-secret")), "InvalidClientException", http.StatusUnauthorized, "")
	_, err = w.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: aws.String("password"),
	})
	wantAPIError(t, err, "UnsupportedGrantTypeException", http.StatusBadRequest, "")

	// A start URL other than the instance's.
	_, err = w.oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String("https://d-0000000000.awsapps.com/start"),
	})
	wantAPIError(t, err, "InvalidRequestException", http.StatusBadRequest, "")

	// An expired registration is refused everywhere.
	if err := w.srv.ExpireClient(aws.ToString(reg.ClientId)); err != nil {
		t.Fatal(err)
	}
	_, err = w.oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(startURL),
	})
	wantAPIError(t, err, "InvalidClientException", http.StatusUnauthorized, "")
	if c := w.srv.Clients(); c[0].Live {
		t.Errorf("expired client still live: %+v", c[0])
	}
}

// A client registered without scopes (the AWS CLI's legacy sso_start_url
// profiles) gets no refresh token, and an access token for the whole
// session.
func TestDeviceFlowWithoutScopesHasNoRefreshToken(t *testing.T) {
	w := newWorld(t)
	reg, err := w.oidc.RegisterClient(context.Background(), &ssooidc.RegisterClientInput{
		ClientName: aws.String("legacy"), ClientType: aws.String("public"),
	})
	if err != nil {
		t.Fatal(err)
	}
	tok := w.deviceLogin(t, reg)
	if tok.RefreshToken != nil || tok.ExpiresIn != 8*3600 {
		t.Errorf("refresh token %v, expiresIn %d; want none and 8 h", tok.RefreshToken, tok.ExpiresIn)
	}
}

// The wire format of an OIDC error, checked without an SDK in between.
func TestOIDCErrorWireFormat(t *testing.T) {
	w := newWorld(t)
	resp, err := http.Post(w.url+"/token", "application/json", strings.NewReader(`{"clientId":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	decodeBody(t, resp, &body)
	if resp.StatusCode != http.StatusBadRequest ||
		resp.Header.Get("x-amzn-ErrorType") != "InvalidRequestException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/" ||
		resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("x-amzn-RequestId") == "" ||
		body["error"] != "invalid_request" || body["error_description"] == "" || len(body) != 2 {
		t.Errorf("%s %v %v", resp.Status, resp.Header, body)
	}
}

package ssotest_test

// A test playing the user waits for the client under test to start a
// sign-in, without sleeping.

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/stscred/stscred/internal/testkit/ssotest"
)

func TestWaitUserCode(t *testing.T) {
	w := newWorld(t)
	reg := w.register(t)
	approved := make(chan error, 1)
	go func() {
		code, err := w.srv.WaitUserCode(t.Context())
		if err == nil {
			err = w.srv.ApproveDevice(code)
		}
		approved <- err
	}()
	start, err := w.oidc.StartDeviceAuthorization(context.Background(), &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(startURL),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-approved; err != nil {
		t.Fatal(err)
	}
	if _, err := w.oidc.CreateToken(context.Background(), &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String(ssotest.GrantDeviceCode), DeviceCode: start.DeviceCode,
	}); err != nil {
		t.Fatal(err)
	}

	// Nothing pending any more: a cancelled wait says so.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code, err := w.srv.WaitUserCode(ctx); err == nil {
		t.Errorf("WaitUserCode with nothing pending returned %q", code)
	}
}

func TestWaitAuthorization(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.SetBrowser(ssotest.Browser{Mode: ssotest.BrowserWait}); err != nil {
		t.Fatal(err)
	}
	reg := w.registerPKCE(t)
	cb := newCallback(t)
	verifier, challenge := pkcePair(t)
	next := make(chan string, 1)
	go func() {
		a, err := w.srv.WaitAuthorization(t.Context())
		if err != nil {
			next <- ""
			return
		}
		to, _ := w.srv.ApproveAuthorization(a.ID)
		next <- to
	}()
	browse(t, w.authorizeURL(aws.ToString(reg.ClientId), cb.uri, "st", challenge)) // the consent page
	to := <-next
	if to == "" {
		t.Fatal("no authorization to approve")
	}
	browse(t, to)
	q := cb.next(t)
	if _, err := w.exchange(reg, q.Get("code"), cb.uri, verifier); err != nil {
		t.Fatal(err)
	}
}

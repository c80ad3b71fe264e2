package ststest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

func TestInjectedFaults(t *testing.T) {
	w := newWorld(t)
	creds := aws.Credentials{AccessKeyID: w.key.ID, SecretAccessKey: w.key.Secret}
	for _, tc := range []struct {
		code, msg, typ string
		status         int
	}{
		{"AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:GetCallerIdentity", "Sender", 403},
		{"ExpiredToken", msgExpiredToken, "Sender", 400},
		{"InvalidClientTokenId", msgInvalidToken, "Sender", 403},
		{"SignatureDoesNotMatch", msgBadSignature, "Sender", 403},
		{"RegionDisabledException", "STS is not activated in this region for account:111111111111. Your account administrator can activate STS in this region using the IAM Console.", "Sender", 403},
		{"Throttling", "Rate exceeded", "Sender", 400},
		{"InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", "Receiver", 500},
		{"ServiceUnavailable", "The request has failed due to a temporary failure of the server.", "Receiver", 503},
	} {
		t.Run(tc.code, func(t *testing.T) {
			if err := w.srv.Fail("GetCallerIdentity", tc.code, 2); err != nil {
				t.Fatal(err)
			}
			_, err := gci(t, w.aliceClient())
			wantAPIError(t, err, tc.code, tc.status, tc.msg)
			// The raw document, for the Type element.
			resp, body := do(t, signedRequest(t, w.url, "Action=GetCallerIdentity&Version=2011-06-15", creds, time.Now()))
			if e := parseError(t, body); resp.StatusCode != tc.status || e.Code != tc.code || e.Type != tc.typ || e.Message != tc.msg {
				t.Errorf("raw response %d %+v", resp.StatusCode, e)
			}
			if resp.Header.Get("Date") == "" || resp.Header.Get("X-Amzn-Requestid") == "" {
				t.Errorf("fault response headers %v", resp.Header)
			}
			// Used up: the next call succeeds.
			if _, err := gci(t, w.aliceClient()); err != nil {
				t.Fatalf("after the injected faults: %v", err)
			}
		})
	}
	// AccessDenied on AssumeRole names the role, as the real one does.
	if err := w.srv.Fail("AssumeRole", "AccessDenied", 1); err != nil {
		t.Fatal(err)
	}
	_, err := assume(t, w.aliceClient(), readOnlyARN, "sess")
	wantAPIError(t, err, "AccessDenied", 403, deniedMsg(w.alice.ARN(), readOnlyARN))
}

func TestFaultQueueAndScope(t *testing.T) {
	w := newWorld(t)
	for _, f := range []struct {
		action, code string
		n            int
	}{
		{"AssumeRole", "Throttling", 1},
		{"AssumeRole", "InternalFailure", 1},
		{ststest.AnyAction, "ServiceUnavailable", 1},
	} {
		if err := w.srv.Fail(f.action, f.code, f.n); err != nil {
			t.Fatal(err)
		}
	}
	// Faults come before the signature check: even a bad signer gets it.
	_, err := gci(t, w.client(w.key.ID, "wrong", ""))
	wantAPIError(t, err, "ServiceUnavailable", 503, "")
	_, err = assume(t, w.aliceClient(), readOnlyARN, "sess")
	wantAPIError(t, err, "Throttling", 400, "Rate exceeded")
	_, err = assume(t, w.aliceClient(), readOnlyARN, "sess")
	wantAPIError(t, err, "InternalFailure", 500, "")
	if _, err := assume(t, w.aliceClient(), readOnlyARN, "sess"); err != nil {
		t.Fatal(err)
	}
	if _, err := gci(t, w.aliceClient()); err != nil {
		t.Fatal(err)
	}
	for action, want := range map[string][2]int{
		"AssumeRole": {3, 1}, "GetCallerIdentity": {2, 1}, "GetSessionToken": {0, 0}, ststest.AnyAction: {5, 2},
	} {
		if c, s := w.srv.Calls(action), w.srv.Successes(action); c != want[0] || s != want[1] {
			t.Errorf("%s: calls %d successes %d, want %v", action, c, s, want)
		}
	}

	// ClearFaults drops what is pending.
	if err := w.srv.Fail(ststest.AnyAction, "Throttling", 5); err != nil {
		t.Fatal(err)
	}
	w.srv.ClearFaults()
	if _, err := gci(t, w.aliceClient()); err != nil {
		t.Fatalf("after ClearFaults: %v", err)
	}
}

func TestFailRejectsBadInput(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		action, code string
		n            int
	}{
		{"AssumeRoles", "Throttling", 1},
		{"AssumeRole", "Throttled", 1},
		{"AssumeRole", "Throttling", 0},
		{"", "Throttling", 1},
	} {
		if err := w.srv.Fail(tc.action, tc.code, tc.n); err == nil {
			t.Errorf("Fail(%q, %q, %d) accepted", tc.action, tc.code, tc.n)
		}
	}
	if err := w.srv.Delay("Nope", time.Second); err == nil {
		t.Error("Delay of an unknown action accepted")
	}
	if _, err := gci(t, w.aliceClient()); err != nil {
		t.Fatalf("a refused fault was injected: %v", err)
	}
}

// TestSDKRetriesInjectedFaults: the standard retryer gets through two
// throttles and a 503 and uses four calls.
func TestSDKRetriesInjectedFaults(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.Fail("GetSessionToken", "Throttling", 2); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Fail("GetSessionToken", "ServiceUnavailable", 1); err != nil {
		t.Fatal(err)
	}
	retrying := func(o *sts.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 5
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
	if _, err := w.aliceClient(retrying).GetSessionToken(t.Context(), &sts.GetSessionTokenInput{}); err != nil {
		t.Fatal(err)
	}
	if c, s := w.srv.Calls("GetSessionToken"), w.srv.Successes("GetSessionToken"); c != 4 || s != 1 {
		t.Errorf("calls %d successes %d, want 4 and 1", c, s)
	}
}

func TestDelay(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.Delay("GetCallerIdentity", 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := gci(t, w.aliceClient()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("delayed call took %v, want at least 300ms", d)
	}
	// A long delay outlasts a client's deadline; removing it restores service.
	if err := w.srv.Delay(ststest.AnyAction, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Delay("GetCallerIdentity", 0); err != nil {
		t.Fatal(err)
	}
	quick := func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		_, err := w.aliceClient().GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		return err
	}
	if err := quick(); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("call under a 1-minute delay: %v, want a deadline error", err)
	}
	if err := w.srv.Delay(ststest.AnyAction, 0); err != nil {
		t.Fatal(err)
	}
	if err := quick(); err != nil {
		t.Fatalf("after removing the delay: %v", err)
	}
	if c, s := w.srv.Calls("GetSessionToken"), w.srv.Successes("GetSessionToken"); c != 2 || s != 1 {
		t.Errorf("calls %d successes %d, want 2 and 1", c, s)
	}
}

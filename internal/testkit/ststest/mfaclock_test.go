package ststest_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// totpAt is the code an authenticator with secret shows at t, computed
// apart from the server.
func totpAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// FreshCode hands out the current code, then the next step's, then moves
// the device's clock to the step after them: each code is accepted once,
// and nothing but that device's codes moves (the server clock, expirations,
// signatures, other devices).
func TestFreshCodeMovesOnlyTheDeviceClock(t *testing.T) {
	w := newWorld(t)
	gst := func(code string) (*sts.GetSessionTokenOutput, error) {
		return w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{
			SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(code), DurationSeconds: aws.Int32(3600),
		})
	}
	now := w.clock.Now()
	first := w.srv.FreshCode(w.dev.Serial)
	if first != totpAt(t, w.dev.Secret, now) {
		t.Fatalf("first FreshCode %q is not the current code %q", first, totpAt(t, w.dev.Secret, now))
	}
	if _, err := gst(first); err != nil {
		t.Fatal(err)
	}
	second := w.srv.FreshCode(w.dev.Serial)
	if second != totpAt(t, w.dev.Secret, now.Add(30*time.Second)) {
		t.Fatalf("second FreshCode %q is not the next step's code", second)
	}
	if _, err := gst(second); err != nil {
		t.Fatal(err)
	}
	if got := w.srv.UnusedCode(w.dev.Serial); got != "" {
		t.Fatalf("UnusedCode = %q with the current and next codes used", got)
	}

	// Both used: the device's clock moves to the start of the step after
	// them, and shows that step's code.
	third := w.srv.FreshCode(w.dev.Serial)
	stepAfter := now.Truncate(30 * time.Second).Add(60 * time.Second)
	if third != totpAt(t, w.dev.Secret, stepAfter) {
		t.Fatalf("third FreshCode %q is not the code of the step after next %q", third, totpAt(t, w.dev.Secret, stepAfter))
	}
	if shown := w.srv.Code(w.dev.Serial, w.clock.Now()); shown != third {
		t.Errorf("the device shows %q after FreshCode moved its clock, want %q", shown, third)
	}
	if st, body := admin(t, w, "GET", "code", url.Values{"serial": {w.dev.Serial}}); st != http.StatusOK || strings.TrimSpace(body) != third {
		t.Errorf("admin code after FreshCode moved the clock: %d %q, want %q", st, body, third)
	}
	out, err := gst(third)
	if err != nil {
		t.Fatalf("the fresh code was refused: %v", err)
	}
	// Expirations stay on the server clock.
	if exp := aws.ToTime(out.Credentials.Expiration); exp.Before(now.Add(time.Hour).Truncate(time.Second)) || exp.After(w.clock.Now().Add(time.Hour)) {
		t.Errorf("expiration %s, want an hour after %s by the server clock", exp, now)
	}
	// Every code once; the older ones are now out of the device's window.
	for _, c := range []string{first, second, third} {
		_, err := gst(c)
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, msgMFACode)
	}
	if got := w.srv.AcceptedCodes(w.dev.Serial); !slices.Equal(got, []string{first, second, third}) {
		t.Errorf("accepted codes %v, want %v", got, []string{first, second, third})
	}
	// The code of the step before the device's current one is still
	// within the tolerated drift, but older than the newest accepted.
	_, err = gst(totpAt(t, w.dev.Secret, stepAfter.Add(-30*time.Second)))
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, msgMFACode)

	// bob's device keeps the server clock.
	if got := w.srv.FreshCode(w.bobDev.Serial); got != totpAt(t, w.bobDev.Secret, w.clock.Now()) {
		t.Errorf("bob's FreshCode %q is not his current code by the server clock", got)
	}
	if got := w.srv.Code(w.bobDev.Serial, now); got != totpAt(t, w.bobDev.Secret, now) {
		t.Errorf("bob's device shows %q, want %q", got, totpAt(t, w.bobDev.Secret, now))
	}
}

// AdvanceMFAClock moves one device's codes and accepted steps by a
// duration: the code it shows is the one of that much later, the server
// takes it, and a code of the server clock's step is then too old.
func TestAdvanceMFAClock(t *testing.T) {
	w := newWorld(t)
	now := w.clock.Now()
	old := w.srv.Code(w.dev.Serial, now)
	w.srv.AdvanceMFAClock(w.dev.Serial, 2*time.Minute)
	if got, want := w.srv.Code(w.dev.Serial, now), totpAt(t, w.dev.Secret, now.Add(2*time.Minute)); got != want {
		t.Fatalf("after AdvanceMFAClock(2m) the device shows %q, want %q", got, want)
	}
	gst := func(code string) error {
		_, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(code)})
		return err
	}
	// Four steps behind the device's clock: outside the tolerated drift.
	wantAPIError(t, gst(old), "AccessDenied", http.StatusForbidden, msgMFACode)
	if err := gst(w.srv.UnusedCode(w.dev.Serial)); err != nil {
		t.Fatalf("the moved device's code was refused: %v", err)
	}
	for _, bad := range []func(){
		func() { w.srv.AdvanceMFAClock(w.dev.Serial, -time.Second) },
		func() { w.srv.AdvanceMFAClock("arn:aws:iam::111111111111:mfa/nobody", time.Second) },
		func() { w.srv.FreshCode("arn:aws:iam::111111111111:mfa/nobody") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			bad()
		}()
	}
}

package ststest_test

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	msgMFACode   = "MultiFactorAuthentication failed with invalid MFA one time pass code."
	msgMFASerial = "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."
)

func TestGetSessionTokenWithoutMFA(t *testing.T) {
	w := newWorld(t)
	before := w.clock.Now()
	out, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	c := credsOf(t, out)
	if !strings.HasPrefix(c.id, "ASIA") || len(c.id) != 20 {
		t.Errorf("access key id %q, want ASIA + 16 characters", c.id)
	}
	if len(c.secret) != 40 {
		t.Errorf("secret has %d characters, want 40", len(c.secret))
	}
	if _, err := base64.StdEncoding.DecodeString(c.token); err != nil || len(c.token) < 400 {
		t.Errorf("session token of %d characters, base64 error %v; want several hundred base64 characters", len(c.token), err)
	}
	// Default duration: 12 hours.
	exp := aws.ToTime(out.Credentials.Expiration)
	if d := exp.Sub(before); d < 12*time.Hour-2*time.Second || d > 12*time.Hour+2*time.Second {
		t.Errorf("expiration %v is %v after the call, want 12h", exp, d)
	}
	if len(w.srv.AcceptedCodes(w.dev.Serial)) != 0 {
		t.Error("a code was recorded for a call without MFA")
	}
	sessions := w.srv.Sessions()
	if len(sessions) != 1 || sessions[0].MFA || sessions[0].AccessKeyID != c.id || sessions[0].Action != "GetSessionToken" {
		t.Errorf("sessions %+v, want one GetSessionToken session without MFA", sessions)
	}

	// The session signs requests as alice.
	id, err := w.with(c).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != w.alice.ARN() || aws.ToString(id.UserId) != w.alice.ID() || aws.ToString(id.Account) != userAccount {
		t.Errorf("caller identity %s %s %s, want alice's", aws.ToString(id.Arn), aws.ToString(id.UserId), aws.ToString(id.Account))
	}
}

func TestGetSessionTokenWithMFA(t *testing.T) {
	w := newWorld(t)
	code := w.code()
	before := w.clock.Now()
	out, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{
		SerialNumber:    aws.String(w.dev.Serial),
		TokenCode:       aws.String(code),
		DurationSeconds: aws.Int32(3600),
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := aws.ToTime(out.Credentials.Expiration).Sub(before); d < time.Hour-2*time.Second || d > time.Hour+2*time.Second {
		t.Errorf("session lasts %v, want 1h", d)
	}
	if got := w.srv.AcceptedCodes(w.dev.Serial); !slices.Equal(got, []string{code}) {
		t.Errorf("accepted codes %v, want [%s]", got, code)
	}
	if s := w.srv.Sessions(); len(s) != 1 || !s[0].MFA {
		t.Errorf("sessions %+v, want one MFA session", s)
	}
}

func TestGetSessionTokenWrongCode(t *testing.T) {
	w := newWorld(t)
	code := w.code()
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	_, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{
		SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(wrong),
	})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, msgMFACode)
	// A code of long ago is wrong too.
	_, err = w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{
		SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(w.srv.Code(w.dev.Serial, w.clock.Now().Add(-5*time.Minute))),
	})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, msgMFACode)
	// Serial without code.
	_, err = w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{SerialNumber: aws.String(w.dev.Serial)})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, msgMFACode)
	if got := w.srv.AcceptedCodes(w.dev.Serial); len(got) != 0 {
		t.Errorf("accepted codes %v after wrong codes", got)
	}
	if n := w.srv.Successes("GetSessionToken"); n != 0 {
		t.Errorf("%d successes", n)
	}
}

func TestGetSessionTokenReusedCode(t *testing.T) {
	w := newWorld(t)
	gst := func(code string) error {
		_, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{
			SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(code),
		})
		return err
	}
	now := w.clock.Now()
	code := w.srv.Code(w.dev.Serial, now)
	if err := gst(code); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, gst(code), "AccessDenied", http.StatusForbidden, msgMFACode)
	// The previous step's code is older than the one used: refused.
	wantAPIError(t, gst(w.srv.Code(w.dev.Serial, now.Add(-30*time.Second))), "AccessDenied", http.StatusForbidden, msgMFACode)
	// The next step's code is within the tolerated drift and newer: accepted.
	next := w.srv.Code(w.dev.Serial, now.Add(30*time.Second))
	if err := gst(next); err != nil {
		t.Fatalf("next step's code refused: %v", err)
	}
	if got := w.srv.UnusedCode(w.dev.Serial); got != "" {
		t.Errorf("UnusedCode = %q after the current and next codes were used, want \"\"", got)
	}
	// Thirty seconds later the step after that one is fresh.
	w.clock.Advance(30 * time.Second)
	fresh := w.srv.UnusedCode(w.dev.Serial)
	if fresh == "" || fresh != w.srv.Code(w.dev.Serial, now.Add(60*time.Second)) {
		t.Fatalf("UnusedCode = %q after 30s, want the code of the step after next", fresh)
	}
	if err := gst(fresh); err != nil {
		t.Fatal(err)
	}
	if got := w.srv.AcceptedCodes(w.dev.Serial); !slices.Equal(got, []string{code, next, fresh}) {
		t.Errorf("accepted codes %v, want %v", got, []string{code, next, fresh})
	}
}

func TestGetSessionTokenForeignSerial(t *testing.T) {
	w := newWorld(t)
	now := w.clock.Now()
	for _, tc := range []struct{ serial, code string }{
		{w.bobDev.Serial, w.srv.Code(w.bobDev.Serial, now)},                     // bob's device, bob's valid code
		{"arn:aws:iam::111111111111:mfa/nobody", w.srv.Code(w.dev.Serial, now)}, // no such device
	} {
		_, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{
			SerialNumber: aws.String(tc.serial), TokenCode: aws.String(tc.code),
		})
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, msgMFASerial)
	}
	if got := w.srv.AcceptedCodes(w.bobDev.Serial); len(got) != 0 {
		t.Errorf("bob's device accepted %v for alice", got)
	}
	if got := w.srv.AcceptedCodes(w.dev.Serial); len(got) != 0 {
		t.Errorf("alice's device accepted %v", got)
	}
}

func TestGetSessionTokenValidation(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		in   sts.GetSessionTokenInput
		want string
	}{
		{sts.GetSessionTokenInput{DurationSeconds: aws.Int32(899)},
			"1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129601)},
			"1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600"},
		{sts.GetSessionTokenInput{SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String("12345")},
			"1 validation error detected: Value '12345' at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6"},
		{sts.GetSessionTokenInput{SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String("12345a")},
			"1 validation error detected: Value '12345a' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*"},
		{sts.GetSessionTokenInput{SerialNumber: aws.String("short"), TokenCode: aws.String("1234567"), DurationSeconds: aws.Int32(10)},
			"3 validation errors detected: Value '10' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900; " +
				"Value 'short' at 'serialNumber' failed to satisfy constraint: Member must have length greater than or equal to 9; " +
				"Value '1234567' at 'tokenCode' failed to satisfy constraint: Member must have length less than or equal to 6"},
	} {
		_, err := w.aliceClient().GetSessionToken(t.Context(), &tc.in)
		wantAPIError(t, err, "ValidationError", http.StatusBadRequest, tc.want)
	}
	// The limits themselves are accepted.
	for _, d := range []int32{900, 129600} {
		if _, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(d)}); err != nil {
			t.Errorf("DurationSeconds %d: %v", d, err)
		}
	}
}

func TestGetSessionTokenWithSessionCredentials(t *testing.T) {
	w := newWorld(t)
	out, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.with(credsOf(t, out)).GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "Cannot call GetSessionToken with session credentials")
}

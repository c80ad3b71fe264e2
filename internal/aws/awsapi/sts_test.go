package awsapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/sys/sdkhttp"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

// GetCallerIdentity reports the Date of STS's answer, on success and on
// an error document alike: doctor measures clock skew with it.
func TestServerTime(t *testing.T) {
	const offset = 10 * time.Minute
	srv := ststest.New(ststest.Options{DateOffset: offset})
	url := srv.Start()
	t.Cleanup(srv.Close)
	key := srv.AddUser("111111111111", "alice").AddAccessKey()
	api := NewSDK(Endpoint{URL: url, Region: "eu-west-1"}, 0)
	near := func(what string, got time.Time) {
		t.Helper()
		if d := time.Until(got); d < offset-3*time.Second || d > offset+3*time.Second {
			t.Errorf("%s: server time %v is %v from now, want about %v", what, got, d, offset)
		}
	}

	id, err := api.GetCallerIdentity(context.Background(), creds.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret})
	if err != nil {
		t.Fatal(err)
	}
	if id.ARN != "arn:aws:iam::111111111111:user/alice" {
		t.Errorf("identity %+v", id)
	}
	near("success", id.ServerTime)

	// A new client: the SDK now corrects its clock by the skew it saw,
	// and would sign 10 minutes ahead of the server's true clock.
	api = NewSDK(Endpoint{URL: url, Region: "eu-west-1"}, 0)
	_, err = api.GetCallerIdentity(context.Background(), creds.Credentials{AccessKeyID: "AKIAUNKNOWNKEY000000", SecretAccessKey: "x"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "InvalidClientTokenId" {
		t.Fatalf("unknown key: %v", err)
	}
	near("error", ae.ServerTime)
}

// dropAnswers forwards requests to next and, for the actions in drop,
// throws the answer away and cuts the connection: STS did the work (and
// took the MFA code), the client never hears of it.
func dropAnswers(t *testing.T, next http.Handler, drop string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if strings.Contains(string(body), "Action="+drop) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A GetSessionToken carrying an MFA code is sent once: when its answer is
// lost after STS took the code, the SDK's retry would send the code again
// (refused: used), so there is no retry, and the error says the code may
// be used. A call without a code is retried as usual.
func TestMFACallSentOnce(t *testing.T) {
	srv := ststest.New(ststest.Options{})
	alice := srv.AddUser("111111111111", "alice")
	key := alice.AddAccessKey()
	dev := alice.AddMFADevice("alice")
	url := dropAnswers(t, srv, "GetSessionToken")
	api := NewSDK(Endpoint{URL: url, Region: "eu-west-1"}, 5*time.Second)
	signer := creds.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret}
	_, err := api.GetSessionToken(context.Background(), signer, SessionTokenInput{Duration: time.Hour, MFASerial: dev.Serial, MFACode: srv.UnusedCode(dev.Serial)})
	if !MaybeSent(err) {
		t.Fatalf("err = %v, want a lost answer the request may have reached STS behind", err)
	}
	if n := srv.Calls("GetSessionToken"); n != 1 {
		t.Fatalf("the MFA call reached STS %d times, want once", n)
	}
	if n := len(srv.AcceptedCodes(dev.Serial)); n != 1 {
		t.Fatalf("STS accepted %d codes", n)
	}
	_, err = api.GetSessionToken(context.Background(), signer, SessionTokenInput{Duration: time.Hour})
	if err == nil {
		t.Fatal("the dropped answer came through")
	}
	if n := srv.Calls("GetSessionToken"); n < 3 {
		t.Fatalf("a call without a code was not retried (%d calls in all)", n)
	}
}

// hung accepts connections, reads them and never answers.
func hung(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				go io.Copy(io.Discard, c)
				<-done
			}()
		}
	}()
	t.Cleanup(func() { close(done); ln.Close() })
	return "http://" + ln.Addr().String()
}

// When the HTTP client's own timeout fires a moment before the call's
// budget ends (both are the same duration, so either can come first), the
// error still says there was no answer within the budget, and that the
// request may have reached STS. Here the client's timeout is made shorter
// so that it always comes first.
func TestNoAnswerWhenTheClientTimesOutFirst(t *testing.T) {
	url := hung(t)
	api := NewSDK(Endpoint{URL: url, Region: "eu-west-1"}, time.Minute)
	api.client = sts.New(sts.Options{Region: "eu-west-1", BaseEndpoint: aws.String(url), HTTPClient: sdkhttp.Client(200 * time.Millisecond)})
	signer := creds.Credentials{AccessKeyID: "AKIAEXAMPLE000000000", SecretAccessKey: "x"}
	_, err := api.GetSessionToken(context.Background(), signer, SessionTokenInput{Duration: time.Hour, MFASerial: "arn:aws:iam::111111111111:mfa/alice", MFACode: "123456"})
	var ue *UnreachableError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want an UnreachableError", err)
	}
	if want := "cannot reach STS at " + url + ": no answer within 1m0s"; ue.Error() != want {
		t.Errorf("err = %q, want %q", ue.Error(), want)
	}
	if ue.NotSent || !MaybeSent(err) {
		t.Errorf("NotSent = %v, MaybeSent = %v: the request was sent and may have reached STS", ue.NotSent, MaybeSent(err))
	}
}

// A call carrying an MFA code is made once: when STS fails it (a 500,
// throttling), the explanation does not say "even after retries"; a call
// without a code is retried, and says so (audit finding 11).
func TestExplainSaysWhetherTheCallWasRetried(t *testing.T) {
	srv := ststest.New(ststest.Options{})
	url := srv.Start()
	t.Cleanup(srv.Close)
	alice := srv.AddUser("111111111111", "alice")
	key := alice.AddAccessKey()
	dev := alice.AddMFADevice("alice")
	api := NewSDK(Endpoint{URL: url, Region: "eu-west-1"}, 0)
	signer := creds.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret}
	for _, code := range []string{"InternalFailure", "Throttling"} {
		srv.ClearFaults()
		if err := srv.Fail("GetSessionToken", code, 10); err != nil {
			t.Fatal(err)
		}
		before := srv.Calls("GetSessionToken")
		_, err := api.GetSessionToken(context.Background(), signer, SessionTokenInput{Duration: time.Hour, MFASerial: dev.Serial, MFACode: srv.UnusedCode(dev.Serial)})
		if n := srv.Calls("GetSessionToken") - before; n != 1 {
			t.Fatalf("%s: the MFA call was sent %d times", code, n)
		}
		msg := Explain(err)
		if msg == nil || strings.Contains(msg.Error(), "after retries") || !strings.Contains(msg.Error(), "not retried") {
			t.Errorf("%s, MFA call: %v", code, msg)
		}
		before = srv.Calls("GetSessionToken")
		_, err = api.GetSessionToken(context.Background(), signer, SessionTokenInput{Duration: time.Hour})
		if n := srv.Calls("GetSessionToken") - before; n < 2 {
			t.Fatalf("%s: the call without a code was sent %d times", code, n)
		}
		if msg := Explain(err); msg == nil || !strings.Contains(msg.Error(), "even after retries") {
			t.Errorf("%s, call without MFA: %v", code, msg)
		}
	}
}

func TestRetried(t *testing.T) {
	if !Retried(&APIError{Code: "InternalFailure", Status: 500}) || Retried(&APIError{Code: "InternalFailure", Status: 500, NotRetried: true}) ||
		!Retried(errors.New("other")) || Retried(fmt.Errorf("wrapped: %w", &APIError{NotRetried: true})) {
		t.Error("Retried")
	}
}

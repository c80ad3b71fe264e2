package session

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/cache"

	"github.com/stscred/stscred/credproc"
	"github.com/stscred/stscred/ststest"
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
		if d := got.Sub(time.Now()); d < offset-3*time.Second || d > offset+3*time.Second {
			t.Errorf("%s: server time %v is %v from now, want about %v", what, got, d, offset)
		}
	}

	id, err := api.GetCallerIdentity(context.Background(), credproc.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret})
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
	_, err = api.GetCallerIdentity(context.Background(), credproc.Credentials{AccessKeyID: "AKIAUNKNOWNKEY000000", SecretAccessKey: "x"})
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
	signer := credproc.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret}
	_, err := api.GetSessionToken(context.Background(), signer, SessionTokenInput{Duration: time.Hour, MFASerial: dev.Serial, MFACode: srv.UnusedCode(dev.Serial)})
	if !maybeSent(err) {
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

// The resolver remembers a code that may have reached STS, so it is never
// sent again, and says why.
func TestResolverRemembersPossiblyUsedCode(t *testing.T) {
	r := newRig(t)
	r.sts.fail["GetSessionToken"] = []error{&UnreachableError{Op: "GetSessionToken", Endpoint: "http://x", Err: errors.New("no answer within 15s")}}
	_, err := r.get("prod-admin")
	if err == nil || !strings.Contains(err.Error(), "STS may have used the MFA code") {
		t.Fatalf("err = %v", err)
	}
	if used, _ := r.resolver().Used.Used("arn:aws:iam::111111111111:mfa/alice", "111111"); !used {
		t.Fatal("the possibly used code was not remembered")
	}
}

// Fresh credentials below the floor are refused and not cached; a floor
// the session length can never meet, or a negative one, is refused before
// any call.
func TestFloor(t *testing.T) {
	r := newRig(t)
	res := r.resolver()
	res.MinRemaining = 2 * time.Hour
	p, _ := r.cfg.Resolve("prod-admin")
	if _, err := res.Credentials(context.Background(), p); err == nil || !strings.Contains(err.Error(), "can never have the 2h left") {
		t.Fatalf("a 1h role under a 2h floor: %v", err)
	}
	if len(r.sts.calls) != 0 {
		t.Fatalf("STS was called: %v", r.sts.calls)
	}
	res.MinRemaining = -time.Minute
	if _, err := res.Credentials(context.Background(), p); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Fatalf("a negative floor: %v", err)
	}
	// STS hands out credentials that expired already by this clock (the
	// machine is an hour ahead): refused, not cached.
	skewed := newRig(t)
	skewed.sts.now = func() time.Time { return skewed.now.Add(-time.Hour) }
	_, err := skewed.get("prod-admin")
	if err == nil || !strings.Contains(err.Error(), "already past by this machine's clock") || !strings.Contains(err.Error(), "they were not cached") {
		t.Fatalf("expired on arrival: %v", err)
	}
	// The 12-hour session behind it is fine (11 hours left) and cached;
	// the role is not.
	hs, _ := skewed.cache.List()
	for _, h := range hs {
		if h.Kind == cache.KindRole {
			t.Fatalf("credentials below the floor were cached: %+v", h)
		}
	}
}

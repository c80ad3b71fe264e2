package signintest_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials/logincreds"

	"github.com/stscred/stscred/internal/testkit/signintest"
)

// TestFaults: each injectable exception with the service's status and
// document; queues per grant, operation and AnyOp; counted as calls.
func TestFaults(t *testing.T) {
	w := newWorld(t)
	key := newKey(t)
	a := w.signIn(t, key)
	want := map[string]struct {
		status int
		code   string
	}{
		signintest.TooManyRequestsError:        {429, signintest.InvalidRequest},
		signintest.InternalServerException:     {500, signintest.ServerError},
		signintest.ServiceUnavailableException: {503, signintest.ServiceUnavailable},
	}
	token := a.RefreshToken
	for _, code := range signintest.FaultCodes {
		if err := w.srv.Fail(signintest.OpCreateOAuth2Token, code, 2); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			wantError(t, w.renew(t, token, key), want[code].status, code, want[code].code, "")
		}
		b := w.renew(t, token, key)
		wantOK(t, b)
		token = b.RefreshToken
	}

	// Grant faults go first, then the operation's, then AnyOp's; a
	// grant's fault leaves the other grant alone.
	for _, f := range []struct{ op, code string }{
		{signintest.AnyOp, signintest.ServiceUnavailableException},
		{signintest.OpCreateOAuth2Token, signintest.InternalServerException},
		{signintest.GrantOp(signintest.GrantRefreshToken), signintest.TooManyRequestsError},
	} {
		if err := w.srv.Fail(f.op, f.code, 1); err != nil {
			t.Fatal(err)
		}
	}
	p := newPKCE()
	wantError(t, w.post(t, codeBody(w.code(t, p), p), w.proof(t, newKey(t))), 500, signintest.InternalServerException, signintest.ServerError, "")
	wantError(t, w.renew(t, token, key), 429, signintest.TooManyRequestsError, signintest.InvalidRequest, "Rate exceeded")
	wantError(t, w.renew(t, token, key), 503, signintest.ServiceUnavailableException, signintest.ServiceUnavailable, "")
	wantOK(t, w.renew(t, token, key))

	if err := w.srv.Fail(signintest.AnyOp, signintest.TooManyRequestsError, 5); err != nil {
		t.Fatal(err)
	}
	w.srv.ClearFaults()
	calls, successes := w.srv.Counts()
	if calls[signintest.GrantOp(signintest.GrantRefreshToken)] != 12 || successes[signintest.GrantOp(signintest.GrantRefreshToken)] != 4 ||
		calls[signintest.OpCreateOAuth2Token] != 14 || w.srv.Calls(signintest.AnyOp) != calls[signintest.OpCreateOAuth2Token]+calls[signintest.OpAuthorize] {
		t.Errorf("counts %v %v", calls, successes)
	}

	for _, bad := range []struct {
		op, code string
		n        int
	}{
		{signintest.OpAuthorize, signintest.TooManyRequestsError, 1},
		{"Nope", signintest.TooManyRequestsError, 1},
		{signintest.OpCreateOAuth2Token, signintest.AccessDeniedException, 1},
		{signintest.GrantOp("device_code"), signintest.TooManyRequestsError, 1},
		{signintest.OpCreateOAuth2Token, signintest.TooManyRequestsError, 0},
	} {
		if err := w.srv.Fail(bad.op, bad.code, bad.n); err == nil {
			t.Errorf("Fail(%s, %s, %d) accepted", bad.op, bad.code, bad.n)
		}
	}
}

// TestObservations: the request log, Date and request id headers,
// OnRequest, Secrets and ResetCounts.
func TestObservations(t *testing.T) {
	var mu sync.Mutex
	var seen []signintest.Request
	w := newWorld(t, func(o *signintest.Options) {
		o.OnRequest = func(r signintest.Request) { mu.Lock(); seen = append(seen, r); mu.Unlock() }
	})
	w.later(42 * time.Second)
	key := newKey(t)
	a := w.signIn(t, key)
	req, _ := http.NewRequest(http.MethodPost, w.url+"/v1/token", strings.NewReader(`{}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d, err := http.ParseTime(resp.Header.Get("Date")); err != nil || d.Sub(w.clock.Now()).Abs() > time.Second {
		t.Errorf("Date %q is not the server clock's %v", resp.Header.Get("Date"), w.clock.Now())
	}
	if resp.Header.Get("x-amzn-RequestId") == "" {
		t.Error("no request id")
	}
	r := w.srv.Requests()
	if len(r) != 3 || r[0].Op != signintest.OpAuthorize || r[1].Op != signintest.OpCreateOAuth2Token || r[2].Type != signintest.ValidationException ||
		r[2].Status != 400 || r[1].Time.Sub(w.clock.Now()).Abs() > time.Second {
		t.Errorf("requests %+v", r)
	}
	mu.Lock()
	if len(seen) != 3 || seen[2].Type != signintest.ValidationException {
		t.Errorf("OnRequest saw %+v", seen)
	}
	mu.Unlock()
	logged, _ := json.Marshal(r)
	secrets := w.srv.Secrets()
	for _, s := range []string{a.RefreshToken, a.IDToken, a.AccessToken.SecretAccessKey, a.AccessToken.SessionToken} {
		if !slices.Contains(secrets, s) {
			t.Errorf("Secrets lacks %.12s...", s)
		}
		if strings.Contains(string(logged), s) {
			t.Errorf("the request log holds a secret")
		}
	}
	if len(secrets) != 5 { // the code too
		t.Errorf("%d secrets", len(secrets))
	}
	w.srv.ResetCounts()
	if w.srv.Calls(signintest.AnyOp) != 0 || len(w.srv.Requests()) != 0 {
		t.Error("ResetCounts left something")
	}
}

// TestCacheFile: the AWS CLI's file format, which logincreds reads.
func TestCacheFile(t *testing.T) {
	w := newWorld(t)
	l, err := w.srv.SignIn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.CacheFile()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range doc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"accessToken", "clientId", "dpopKey", "idToken", "refreshToken", "tokenType"}) {
		t.Errorf("members %v", keys)
	}
	var at map[string]string
	_ = json.Unmarshal(doc["accessToken"], &at)
	if at["accessKeyId"] != l.AccessKeyID || at["accountId"] != "111111111111" || at["expiresAt"] != l.Expires.UTC().Format("2006-01-02T15:04:05Z") || len(at) != 5 {
		t.Errorf("accessToken %v", at)
	}
	var pemKey string
	_ = json.Unmarshal(doc["dpopKey"], &pemKey)
	block, _ := pem.Decode([]byte(pemKey))
	if block == nil || block.Type != "EC PRIVATE KEY" {
		t.Fatalf("dpopKey %q", pemKey)
	}
	k, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil || !k.Equal(l.Key) {
		t.Errorf("dpopKey is not the key: %v", err)
	}
	want, err := logincreds.StandardCachedTokenFilepath(l.LoginSession, "/cache")
	if err != nil || signintest.CachePath("/cache", l.LoginSession) != want || signintest.CachePath("/cache", " "+l.LoginSession+"\n") != want {
		t.Errorf("CachePath %s, logincreds %s", signintest.CachePath("/cache", l.LoginSession), want)
	}
}

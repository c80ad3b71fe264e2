package signintest_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/signintest"
)

func TestAuthorizeSameDevice(t *testing.T) {
	w := newWorld(t)
	p := newPKCE()
	status, loc, body := w.authorize(t, authorizeQuery(p, "a-state"))
	if status != http.StatusFound || loc == nil {
		t.Fatalf("%d %s", status, body)
	}
	q := loc.Query()
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != callback || q.Get("state") != "a-state" || q.Get("code") == "" || len(q) != 2 {
		t.Fatalf("redirect %s", loc)
	}
	// The code is what the exchange takes.
	wantOK(t, w.post(t, codeBody(q.Get("code"), p), w.proof(t, newKey(t))))
	if w.srv.Calls(signintest.OpAuthorize) != 1 || w.srv.Successes(signintest.OpAuthorize) != 1 {
		t.Errorf("authorize counts %d %d", w.srv.Calls(signintest.OpAuthorize), w.srv.Successes(signintest.OpAuthorize))
	}
}

func TestAuthorizeCrossDevice(t *testing.T) {
	w := newWorld(t)
	p := newPKCE()
	confirm := w.url + signintest.ConfirmationPath
	q := authorizeQuery(p, "3c9a1f9e-1b7e-4e0a-9a0e-5d3f0b7f7a11")
	q.Set("client_id", signintest.ClientCrossDevice)
	q.Set("redirect_uri", confirm)
	status, loc, body := w.authorize(t, q)
	if status != http.StatusFound || loc == nil || !strings.HasPrefix(loc.String(), confirm+"?") {
		t.Fatalf("%d %v %s", status, loc, body)
	}
	// The browser follows to the confirmation page, which shows the code
	// to paste: base64 of state=...&code=....
	status, _, page := get(t, loc.String())
	if status != http.StatusOK {
		t.Fatalf("confirmation page %d %s", status, page)
	}
	shown, ok := signintest.ConfirmationCode(page)
	if !ok {
		t.Fatalf("no code on the page: %s", page)
	}
	raw, err := base64.StdEncoding.DecodeString(shown)
	if err != nil {
		t.Fatalf("the code %q is not base64: %v", shown, err)
	}
	pasted, err := url.ParseQuery(string(raw))
	if err != nil || pasted.Get("state") != q.Get("state") || pasted.Get("code") != loc.Query().Get("code") || !strings.HasPrefix(string(raw), "state=") {
		t.Fatalf("the code decodes to %q", raw)
	}
	body2 := codeBody(pasted.Get("code"), p)
	body2["clientId"] = signintest.ClientCrossDevice
	body2["redirectUri"] = confirm
	wantOK(t, w.post(t, body2, w.proof(t, newKey(t))))
	if got := w.srv.Sessions(); len(got) != 1 || got[0].ClientID != signintest.ClientCrossDevice {
		t.Errorf("sessions %+v", got)
	}
	if w.srv.Successes(signintest.OpConfirmation) != 1 {
		t.Errorf("confirmation successes %d", w.srv.Successes(signintest.OpConfirmation))
	}
	// The page wants code and state.
	if status, _, _ := get(t, confirm); status != http.StatusBadRequest {
		t.Errorf("confirmation page without code: %d", status)
	}
}

func TestVerificationCode(t *testing.T) {
	v := signintest.VerificationCode("s t&x", "c+d")
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		t.Fatal(err)
	}
	q, err := url.ParseQuery(string(raw))
	if err != nil || q.Get("state") != "s t&x" || q.Get("code") != "c+d" {
		t.Fatalf("%q decodes to %v", raw, q)
	}
	if _, ok := signintest.ConfirmationCode("<p>nothing</p>"); ok {
		t.Error("a code found on a page without one")
	}
	if c, ok := signintest.ConfirmationCode(`<code id="verification-code">a&#43;b</code>`); !ok || c != "a+b" {
		t.Errorf("ConfirmationCode %q %v", c, ok)
	}
}

func TestAuthorizeDenied(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.SetBrowser(signintest.Browser{Mode: signintest.BrowserDeny}); err != nil {
		t.Fatal(err)
	}
	status, loc, _ := w.authorize(t, authorizeQuery(newPKCE(), "st"))
	if status != http.StatusFound || loc == nil || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st" || loc.Query().Has("code") {
		t.Fatalf("same-device refusal: %d %v", status, loc)
	}
	q := authorizeQuery(newPKCE(), "st2")
	q.Set("client_id", signintest.ClientCrossDevice)
	q.Set("redirect_uri", w.url+signintest.ConfirmationPath)
	status, loc, _ = w.authorize(t, q)
	if status != http.StatusFound || loc == nil || loc.Query().Get("error") != "access_denied" {
		t.Fatalf("cross-device refusal: %d %v", status, loc)
	}
	status, _, page := get(t, loc.String())
	if _, shown := signintest.ConfirmationCode(page); status != http.StatusOK || shown || !strings.Contains(page, "denied") {
		t.Errorf("confirmation page of a refusal: %d %s", status, page)
	}
	if w.srv.Successes(signintest.OpAuthorize) != 0 || w.srv.Calls(signintest.OpAuthorize) != 2 {
		t.Errorf("a refusal counted as a success")
	}
}

func TestAuthorizeWait(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.SetBrowser(signintest.Browser{As: w.ali.ARN, Mode: signintest.BrowserWait}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan signintest.Authorization, 1)
	go func() {
		a, err := w.srv.WaitAuthorization(ctx)
		if err != nil {
			t.Error(err)
		}
		done <- a
	}()
	p := newPKCE()
	status, loc, page := w.authorize(t, authorizeQuery(p, "waiting"))
	if status != http.StatusOK || loc != nil || !strings.Contains(page, `name="request_id"`) {
		t.Fatalf("consent page: %d %v %s", status, loc, page)
	}
	a := <-done
	if a.ClientID != signintest.ClientSameDevice || a.State != "waiting" || a.RedirectURI != callback {
		t.Fatalf("pending %+v", a)
	}
	to, err := w.srv.ApproveAuthorization(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(to)
	wantOK(t, w.post(t, codeBody(u.Query().Get("code"), p), w.proof(t, newKey(t))))
	if _, err := w.srv.ApproveAuthorization(a.ID); err == nil {
		t.Error("approved twice")
	}

	// Denied by the test, then by the page's form.
	w.authorize(t, authorizeQuery(newPKCE(), "two"))
	pending := w.srv.PendingAuthorizations()
	if len(pending) != 1 {
		t.Fatalf("pending %+v", pending)
	}
	to, err = w.srv.DenyAuthorization(pending[0].ID)
	if u, _ := url.Parse(to); err != nil || u.Query().Get("error") != "access_denied" || u.Query().Get("state") != "two" {
		t.Fatalf("deny: %s %v", to, err)
	}
	w.authorize(t, authorizeQuery(newPKCE(), "three"))
	id := w.srv.PendingAuthorizations()[0].ID
	resp, err := noRedirect.PostForm(w.url+"/v1/authorize", url.Values{"request_id": {id}, "decision": {"approve"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if u, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != http.StatusFound || u.Query().Get("code") == "" || u.Query().Get("state") != "three" {
		t.Fatalf("form approval: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = noRedirect.PostForm(w.url+"/v1/authorize", url.Values{"request_id": {id}, "decision": {"approve"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a decided request decided again: %d", resp.StatusCode)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel2()
	if _, err := w.srv.WaitAuthorization(ctx2); err == nil {
		t.Error("WaitAuthorization returned with nothing pending")
	}
}

// TestAuthorizeRefusesBadRequests: every parameter is checked; a bad
// request gets a 400 page and no redirect, as the service answers.
func TestAuthorizeRefusesBadRequests(t *testing.T) {
	w := newWorld(t)
	p := newPKCE()
	confirm := w.url + signintest.ConfirmationPath
	for name, mod := range map[string]func(q url.Values){
		"unknown client":              func(q url.Values) { q.Set("client_id", "arn:aws:signin:::devtools/other") },
		"no client":                   func(q url.Values) { q.Del("client_id") },
		"localhost redirect":          func(q url.Values) { q.Set("redirect_uri", "http://localhost:43210/oauth/callback") },
		"https redirect":              func(q url.Values) { q.Set("redirect_uri", "https://127.0.0.1:43210/oauth/callback") },
		"other path":                  func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:43210/callback") },
		"redirect with a query":       func(q url.Values) { q.Set("redirect_uri", callback+"?x=1") },
		"redirect without a port":     func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1/oauth/callback") },
		"port 0":                      func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:0/oauth/callback") },
		"port 70000":                  func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:70000/oauth/callback") },
		"other host":                  func(q url.Values) { q.Set("redirect_uri", "http://10.0.0.1:43210/oauth/callback") },
		"same-device to confirmation": func(q url.Values) { q.Set("redirect_uri", confirm) },
		"cross-device to loopback":    func(q url.Values) { q.Set("client_id", signintest.ClientCrossDevice) },
		"cross-device to another host": func(q url.Values) {
			q.Set("client_id", signintest.ClientCrossDevice)
			q.Set("redirect_uri", "https://example.com/v1/sessions/confirmation")
		},
		"response_type token":          func(q url.Values) { q.Set("response_type", "token") },
		"no scope":                     func(q url.Values) { q.Del("scope") },
		"scope profile":                func(q url.Values) { q.Set("scope", "openid profile") },
		"no state":                     func(q url.Values) { q.Del("state") },
		"method S256":                  func(q url.Values) { q.Set("code_challenge_method", "S256") },
		"method plain":                 func(q url.Values) { q.Set("code_challenge_method", "plain") },
		"no method":                    func(q url.Values) { q.Del("code_challenge_method") },
		"no challenge":                 func(q url.Values) { q.Del("code_challenge") },
		"challenge padded":             func(q url.Values) { q.Set("code_challenge", p.challenge+"=") },
		"challenge short":              func(q url.Values) { q.Set("code_challenge", p.challenge[:42]) },
		"challenge standard base64":    func(q url.Values) { q.Set("code_challenge", "+"+p.challenge[1:]) },
		"challenge not 32 bytes' tail": func(q url.Values) { q.Set("code_challenge", p.challenge[:42]+"B") },
		"challenge is the verifier":    func(q url.Values) { q.Set("code_challenge", p.verifier) },
	} {
		q := authorizeQuery(p, "st")
		mod(q)
		status, loc, body := w.authorize(t, q)
		if status != http.StatusBadRequest || loc != nil || !strings.Contains(body, "Error") {
			t.Errorf("%s: %d %v", name, status, loc)
		}
	}
	if n := w.srv.Successes(signintest.OpAuthorize); n != 0 {
		t.Errorf("%d bad requests succeeded", n)
	}
}

func TestAuthorizeWithoutIdentity(t *testing.T) {
	w := newWorld(t)
	srv := signintest.New(signintest.Options{STS: w.sts})
	url := srv.Start()
	t.Cleanup(srv.Close)
	status, loc, _ := get(t, url+"/v1/authorize?"+authorizeQuery(newPKCE(), "st").Encode())
	if status != http.StatusInternalServerError || loc != "" {
		t.Errorf("no identity: %d %q", status, loc)
	}
	if err := srv.SetBrowser(signintest.Browser{As: "arn:aws:iam::111111111111:user/nobody"}); err == nil {
		t.Error("SetBrowser took an unknown identity")
	}
	if err := srv.SetBrowser(signintest.Browser{Mode: 7}); err == nil {
		t.Error("SetBrowser took an unknown mode")
	}
}

// TestBrowserSignsInAs: the browser signs in as the identity set, and the
// ID token's sub is its ARN.
func TestBrowserSignsInAs(t *testing.T) {
	w := newWorld(t)
	fed := w.srv.AddFederated("arn:aws:iam::222222222222:role/Admin", "alice@example.com")
	if err := w.srv.SetBrowser(signintest.Browser{As: fed.ARN}); err != nil {
		t.Fatal(err)
	}
	a := w.signIn(t, newKey(t))
	if arn, _ := w.callerARN(t, a); arn != "arn:aws:sts::222222222222:assumed-role/Admin/alice@example.com" {
		t.Errorf("caller %s", arn)
	}
	if s := w.srv.Sessions(); s[0].ARN != fed.ARN {
		t.Errorf("session %+v", s[0])
	}
	// Back to the first identity.
	if err := w.srv.SetBrowser(signintest.Browser{}); err != nil {
		t.Fatal(err)
	}
	if arn, _ := w.callerARN(t, w.signIn(t, newKey(t))); arn != w.alice.ARN() {
		t.Errorf("caller %s", arn)
	}
}

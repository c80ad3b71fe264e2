package ssotest_test

// The authorization code grant with PKCE, as the AWS CLI (2.22+) runs it:
// a client registered with redirect URI http://127.0.0.1/oauth/callback,
// a loopback listener on a random port, the browser sent to /authorize and
// redirected back, CreateToken with the code and the verifier.

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/stscred/stscred/internal/testkit/ssotest"
)

// callback is a loopback redirect target, like the AWS CLI's.
type callback struct {
	uri string // http://127.0.0.1:PORT/oauth/callback
	got chan url.Values
}

func newCallback(t *testing.T) *callback {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cb := &callback{uri: "http://" + ln.Addr().String() + "/oauth/callback", got: make(chan url.Values, 10)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/callback", func(w http.ResponseWriter, r *http.Request) {
		cb.got <- r.URL.Query()
		_, _ = w.Write([]byte("You can close this window."))
	})
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return cb
}

// next is the query of the callback's latest request.
func (cb *callback) next(t *testing.T) url.Values {
	t.Helper()
	select {
	case q := <-cb.got:
		return q
	default:
		t.Fatal("the browser never reached the redirect URI")
		return nil
	}
}

// registerPKCE registers a client the way the AWS CLI does for the
// authorization code flow.
func (w *world) registerPKCE(t *testing.T) *ssooidc.RegisterClientOutput {
	t.Helper()
	reg, err := w.oidc.RegisterClient(context.Background(), &ssooidc.RegisterClientInput{
		ClientName:   aws.String("botocore-client-corp"),
		ClientType:   aws.String("public"),
		GrantTypes:   []string{ssotest.GrantAuthorizationCode, ssotest.GrantRefreshToken},
		RedirectUris: []string{"http://127.0.0.1/oauth/callback"},
		IssuerUrl:    aws.String(startURL),
		Scopes:       []string{scope},
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func (w *world) authorizeURL(clientID, redirectURI, state, challenge string) string {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {redirectURI},
		"state":                 {state},
		"code_challenge_method": {"S256"},
		"scopes":                {scope},
		"code_challenge":        {challenge},
	}
	return w.url + "/authorize?" + q.Encode()
}

func (w *world) exchange(reg *ssooidc.RegisterClientOutput, code, redirectURI, verifier string) (*ssooidc.CreateTokenOutput, error) {
	return w.oidc.CreateToken(context.Background(), &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: aws.String(ssotest.GrantAuthorizationCode),
		Code: aws.String(code), RedirectUri: aws.String(redirectURI), CodeVerifier: aws.String(verifier),
	})
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	w := newWorld(t)
	reg := w.registerPKCE(t)
	cb := newCallback(t)
	verifier, challenge := pkcePair(t)

	if body := browse(t, w.authorizeURL(aws.ToString(reg.ClientId), cb.uri, "state-1", challenge)); body != "You can close this window." {
		t.Fatalf("the browser ended on %q", body)
	}
	q := cb.next(t)
	if q.Get("state") != "state-1" || q.Get("code") == "" || q.Get("error") != "" {
		t.Fatalf("callback query %v", q)
	}
	code := q.Get("code")

	// A wrong verifier, or another redirect URI, does not get tokens.
	other, _ := pkcePair(t)
	_, err := w.exchange(reg, code, cb.uri, other)
	wantAPIError(t, err, "InvalidGrantException", http.StatusBadRequest, "")
	_, err = w.exchange(reg, code, "http://127.0.0.1:1/oauth/callback", verifier)
	wantAPIError(t, err, "InvalidGrantException", http.StatusBadRequest, "")

	tok, err := w.exchange(reg, code, cb.uri, verifier)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(tok.AccessToken) == "" || aws.ToString(tok.RefreshToken) == "" || tok.ExpiresIn != 3600 {
		t.Fatalf("tokens %+v", tok)
	}
	if _, err := w.portal.ListAccounts(context.Background(), &sso.ListAccountsInput{AccessToken: tok.AccessToken}); err != nil {
		t.Fatal(err)
	}

	// The code again: refused, and what it gave is revoked (RFC 6749
	// 4.1.2: a code used twice may have been stolen).
	_, err = w.exchange(reg, code, cb.uri, verifier)
	wantAPIError(t, err, "InvalidGrantException", http.StatusBadRequest, "")
	_, err = w.portal.ListAccounts(context.Background(), &sso.ListAccountsInput{AccessToken: tok.AccessToken})
	wantAPIError(t, err, "UnauthorizedException", http.StatusUnauthorized, "Session token not found or invalid")

	if got := w.srv.Calls(ssotest.OpAuthorize); got != 1 {
		t.Errorf("%d authorize calls, want 1", got)
	}
	if got := w.srv.Calls(ssotest.GrantOp(ssotest.GrantAuthorizationCode)); got != 4 {
		t.Errorf("%d authorization_code CreateToken calls, want 4", got)
	}
}

func TestAuthorizeRefusals(t *testing.T) {
	w := newWorld(t)
	reg := w.registerPKCE(t)
	id := aws.ToString(reg.ClientId)
	cb := newCallback(t)
	_, challenge := pkcePair(t)

	get := func(u string) *http.Response {
		t.Helper()
		resp, err := noRedirect.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	// Unknown client, or a redirect URI not registered: an error page,
	// never a redirect.
	for _, u := range []string{
		w.authorizeURL("nobody", cb.uri, "s", challenge),
		w.authorizeURL(id, strings.Replace(cb.uri, "/oauth/callback", "/elsewhere", 1), "s", challenge),
		w.authorizeURL(id, strings.Replace(cb.uri, "127.0.0.1", "localhost", 1), "s", challenge),
		w.authorizeURL(id, "https://attacker.example/oauth/callback", "s", challenge),
	} {
		if resp := get(u); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("GET %s: %s, Location %q; want 400 and no redirect", u, resp.Status, resp.Header.Get("Location"))
		}
	}
	// No PKCE, or plain PKCE: redirected with invalid_request.
	for _, u := range []string{
		w.authorizeURL(id, cb.uri, "s", ""),
		strings.Replace(w.authorizeURL(id, cb.uri, "s", challenge), "S256", "plain", 1),
	} {
		loc := get(u).Header.Get("Location")
		if !strings.HasPrefix(loc, cb.uri+"?") || !strings.Contains(loc, "error=invalid_request") || !strings.Contains(loc, "state=s") {
			t.Errorf("GET %s: Location %q, want error=invalid_request", u, loc)
		}
	}
	// A scope the client did not register.
	loc := get(strings.Replace(w.authorizeURL(id, cb.uri, "s", challenge), "sso%3Aaccount%3Aaccess", "codewhisperer%3Acompletions", 1)).Header.Get("Location")
	if !strings.Contains(loc, "error=invalid_scope") {
		t.Errorf("foreign scope: Location %q", loc)
	}
	// A client registered for the device code only may not use /authorize.
	dev := w.register(t)
	if resp := get(w.authorizeURL(aws.ToString(dev.ClientId), cb.uri, "s", challenge)); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("device-only client: %s", resp.Status)
	}
}

func TestAuthorizeDenyAndWait(t *testing.T) {
	w := newWorld(t)
	reg := w.registerPKCE(t)
	id := aws.ToString(reg.ClientId)
	cb := newCallback(t)
	verifier, challenge := pkcePair(t)

	if err := w.srv.SetBrowser(ssotest.Browser{Mode: ssotest.BrowserDeny}); err != nil {
		t.Fatal(err)
	}
	browse(t, w.authorizeURL(id, cb.uri, "s1", challenge))
	if q := cb.next(t); q.Get("error") != "access_denied" || q.Get("state") != "s1" || q.Get("code") != "" {
		t.Errorf("denied: callback query %v", q)
	}

	// The user takes their time: the page waits for a decision.
	if err := w.srv.SetBrowser(ssotest.Browser{User: "bob", Mode: ssotest.BrowserWait}); err != nil {
		t.Fatal(err)
	}
	body := browse(t, w.authorizeURL(id, cb.uri, "s2", challenge))
	if !strings.Contains(body, "<form") {
		t.Errorf("consent page %q", body)
	}
	pending := w.srv.PendingAuthorizations()
	if len(pending) != 1 || pending[0].State != "s2" || pending[0].RedirectURI != cb.uri || pending[0].ClientID != id {
		t.Fatalf("pending %+v", pending)
	}
	to, err := w.srv.ApproveAuthorization(pending[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	browse(t, to)
	q := cb.next(t)
	if q.Get("state") != "s2" {
		t.Fatalf("callback query %v", q)
	}
	if _, err := w.exchange(reg, q.Get("code"), cb.uri, verifier); err != nil {
		t.Fatal(err)
	}
	if toks := w.srv.Tokens(); toks[len(toks)-1].User != "bob" {
		t.Errorf("signed in as %s, want bob", toks[len(toks)-1].User)
	}

	// The consent page's own form decides too (deny here).
	browse(t, w.authorizeURL(id, cb.uri, "s3", challenge))
	pending = w.srv.PendingAuthorizations()
	resp, err := noRedirect.PostForm(w.url+"/authorize", url.Values{"request_id": {pending[0].ID}, "decision": {"deny"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.Contains(loc, "error=access_denied") || !strings.Contains(loc, "state=s3") {
		t.Errorf("form deny: %s %q", resp.Status, loc)
	}
	if len(w.srv.PendingAuthorizations()) != 0 {
		t.Error("decided requests still pending")
	}
}

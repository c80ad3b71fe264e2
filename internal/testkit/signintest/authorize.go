package signintest

import (
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// BrowserMode is what the stand-in browser's user does with a sign-in
// request (GET /v1/authorize).
type BrowserMode int

const (
	// BrowserApprove signs in and allows at once: /v1/authorize redirects
	// to the redirect_uri with code and state (for the cross-device
	// client, the confirmation page showing the code to paste). The
	// default.
	BrowserApprove BrowserMode = iota
	// BrowserDeny refuses: the redirect carries error=access_denied and
	// state.
	BrowserDeny
	// BrowserWait shows a consent page and waits until
	// ApproveAuthorization or DenyAuthorization (or a POST of the page's
	// form) decides.
	BrowserWait
)

// Browser is the stand-in browser: who is signed in and what they do.
type Browser struct {
	// As is the ARN of the identity signed in; the first identity added
	// when empty.
	As   string
	Mode BrowserMode
}

// SetBrowser sets who the browser is signed in as and what they do.
func (s *Server) SetBrowser(b Browser) error {
	if b.Mode < BrowserApprove || b.Mode > BrowserWait {
		return errorf("set browser: unknown mode %d", b.Mode)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.As == "" && len(s.order) > 0 {
		b.As = s.order[0].ARN
	}
	if b.As != "" && s.identities[b.As] == nil {
		return errorf("set browser: no identity %q", b.As)
	}
	s.browser = b
	return nil
}

// Authorization is a /v1/authorize request waiting for the user's decision
// (BrowserWait).
type Authorization struct {
	ID          string    `json:"id"`
	ClientID    string    `json:"clientId"`
	RedirectURI string    `json:"redirectUri"`
	State       string    `json:"state"`
	Created     time.Time `json:"created"`
}

type authRequest struct {
	Authorization
	challenge string
	seq       int
}

// authCode is an authorization code: single use, bound to its client,
// redirect URI and PKCE challenge.
type authCode struct {
	code        string
	clientID    string
	redirectURI string
	challenge   string
	identity    *identityRecord
	signedIn    time.Time // when the user approved: the session starts then
	signInSeq   int
	mfa         bool // the sign-in passed MFA (the identity's, then)
	expires     time.Time
	used        bool
	sess        *session // the sign-in it was exchanged for
}

// authorizePage serves GET /v1/authorize, the browser step: it checks
// every parameter as the service does and then plays the user.
func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request, now time.Time) (int, string) {
	q := r.URL.Query()
	// The service shows a bare error page for a bad request; it redirects
	// only the user's refusal.
	clientID := q.Get("client_id")
	if clientID != ClientSameDevice && clientID != ClientCrossDevice {
		return errorPage(w, http.StatusBadRequest, "invalid_client", "Unknown client_id.")
	}
	redirect := q.Get("redirect_uri")
	if !redirectAllowed(clientID, redirect, baseURL(r)) {
		return errorPage(w, http.StatusBadRequest, "invalid_request", "The redirect_uri is not one the client may use.")
	}
	if q.Get("response_type") != "code" {
		return errorPage(w, http.StatusBadRequest, "unsupported_response_type", "response_type must be code.")
	}
	if q.Get("scope") != "openid" {
		return errorPage(w, http.StatusBadRequest, "invalid_scope", "scope must be openid.")
	}
	state := q.Get("state")
	if state == "" {
		return errorPage(w, http.StatusBadRequest, "invalid_request", "state is required.")
	}
	if q.Get("code_challenge_method") != "SHA-256" {
		return errorPage(w, http.StatusBadRequest, "invalid_request", "code_challenge_method must be SHA-256.")
	}
	challenge := q.Get("code_challenge")
	if !validChallenge(challenge) {
		return errorPage(w, http.StatusBadRequest, "invalid_request", "code_challenge must be the unpadded base64url SHA-256 of the code verifier (43 characters).")
	}
	req := &authRequest{Authorization: Authorization{
		ID: testsrv.UUID(), ClientID: clientID, RedirectURI: redirect, State: state, Created: now,
	}, challenge: challenge, seq: s.nextSeq()}
	switch s.browser.Mode {
	case BrowserDeny:
		to, _ := s.decide(req, false, now)
		http.Redirect(w, r, to, http.StatusFound)
		return http.StatusFound, "access_denied"
	case BrowserWait:
		s.pending[req.ID] = req
		s.notify()
		return consentPage(w, req)
	}
	to, err := s.decide(req, true, now)
	if err != nil {
		return errorPage(w, http.StatusInternalServerError, "server_error", err.Error())
	}
	http.Redirect(w, r, to, http.StatusFound)
	return http.StatusFound, ""
}

// authorizeDecision serves POST /v1/authorize, the consent page's form
// (request_id, decision=approve|deny).
func (s *Server) authorizeDecision(w http.ResponseWriter, r *http.Request, now time.Time) (int, string) {
	req := s.pending[r.PostFormValue("request_id")]
	if req == nil {
		return errorPage(w, http.StatusBadRequest, "invalid_request", "No such authorization request.")
	}
	approve := r.PostFormValue("decision") == "approve"
	to, err := s.decide(req, approve, now)
	if err != nil {
		return errorPage(w, http.StatusInternalServerError, "server_error", err.Error())
	}
	http.Redirect(w, r, to, http.StatusFound)
	if !approve {
		return http.StatusFound, "access_denied"
	}
	return http.StatusFound, ""
}

// decide settles an authorization request as the browser's user and
// returns where the browser goes next: the redirect_uri with code and
// state, or with error=access_denied and state. Callers hold s.mu.
func (s *Server) decide(req *authRequest, approve bool, now time.Time) (string, error) {
	delete(s.pending, req.ID)
	if !approve {
		return withParams(req.RedirectURI, "error", "access_denied", "state", req.State), nil
	}
	id := s.identities[s.browser.As]
	if id == nil {
		return "", errorf("no identity to sign in as: add one with AddUser or AddFederated")
	}
	ac := &authCode{
		code: newAuthCode(), clientID: req.ClientID, redirectURI: req.RedirectURI, challenge: req.challenge,
		identity: id, signedIn: now, signInSeq: s.nextSeq(), mfa: id.MFA, expires: now.Add(s.opts.AuthCodeLifetime),
	}
	s.codes[ac.code] = ac
	return withParams(req.RedirectURI, "code", ac.code, "state", req.State), nil
}

// PendingAuthorizations lists the /v1/authorize requests waiting for a
// decision (BrowserWait), oldest first.
func (s *Server) PendingAuthorizations() []Authorization {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Authorization{}
	for _, a := range sortedBySeq(s.pending, func(a *authRequest) int { return a.seq }) {
		out = append(out, a.Authorization)
	}
	return out
}

// ApproveAuthorization allows a waiting /v1/authorize request as the
// browser's identity and returns the URL the browser is sent to: the
// redirect_uri with code and state (for the cross-device client, the
// confirmation page). A test playing the browser GETs it.
func (s *Server) ApproveAuthorization(id string) (string, error) { return s.settle(id, true) }

// DenyAuthorization refuses a waiting /v1/authorize request and returns
// the redirect_uri with error=access_denied and state.
func (s *Server) DenyAuthorization(id string) (string, error) { return s.settle(id, false) }

func (s *Server) settle(id string, approve bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req := s.pending[id]
	if req == nil {
		return "", errorf("no authorization request %q is waiting", id)
	}
	return s.decide(req, approve, s.now())
}

// confirmationPage serves GET /v1/sessions/confirmation, where the
// cross-device client's sign-in ends: it shows the user the code to paste
// into the terminal (VerificationCode of state and code), or the refusal.
func (s *Server) confirmationPage(w http.ResponseWriter, r *http.Request, now time.Time) (int, string) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		writePage(w, http.StatusOK, "Sign-in canceled", "<p>The request was denied. You can close this window.</p>")
		return http.StatusOK, e
	}
	code, state := q.Get("code"), q.Get("state")
	if code == "" || state == "" {
		return errorPage(w, http.StatusBadRequest, "invalid_request", "code and state are required.")
	}
	return writePage(w, http.StatusOK, "Authorization code", fmt.Sprintf(`<p>Paste this code into the terminal where you ran aws login --remote:</p>
<p><code id="verification-code">%s</code></p>`, html.EscapeString(VerificationCode(state, code))))
}

// VerificationCode is the code the confirmation page shows for the
// cross-device client: base64 (standard, padded) of state=<state>&code=<code>,
// which the client decodes as a query string.
func VerificationCode(state, code string) string {
	return base64.StdEncoding.EncodeToString([]byte("state=" + url.QueryEscape(state) + "&code=" + url.QueryEscape(code)))
}

// ConfirmationCode finds the code a confirmation page shows, as a user
// reads it off the screen.
func ConfirmationCode(page string) (string, bool) {
	const open = `<code id="verification-code">`
	_, rest, ok := strings.Cut(page, open)
	if !ok {
		return "", false
	}
	code, _, ok := strings.Cut(rest, "</code>")
	return html.UnescapeString(code), ok
}

// redirectAllowed checks a redirect_uri against what the client may use:
// http://127.0.0.1:PORT/oauth/callback for the same-device client, the
// server's own confirmation page for the cross-device one.
func redirectAllowed(clientID, redirect, base string) bool {
	if clientID == ClientCrossDevice {
		return redirect == base+ConfirmationPath
	}
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme != "http" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Path != "/oauth/callback" {
		return false
	}
	host, port, ok := strings.Cut(u.Host, ":")
	if !ok || host != "127.0.0.1" {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535 && strconv.Itoa(n) == port
}

// validChallenge reports whether c is an S256 code challenge: the
// unpadded base64url encoding of 32 bytes.
func validChallenge(c string) bool {
	if len(c) != 43 {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(c)
	return err == nil && len(b) == 32
}

// withParams adds query parameters to a URL, keeping those it has.
func withParams(raw string, kv ...string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func consentPage(w http.ResponseWriter, req *authRequest) (int, string) {
	return writePage(w, http.StatusOK, "Allow access?", fmt.Sprintf(`<p>Allow the AWS CLI to get credentials for your session?</p>
<form method="post" action="/v1/authorize"><input type="hidden" name="request_id" value="%s">
<button name="decision" value="approve">Allow</button> <button name="decision" value="deny">Deny</button></form>`,
		html.EscapeString(req.ID)))
}

func errorPage(w http.ResponseWriter, status int, code, text string) (int, string) {
	writePage(w, status, "Error: "+code, "<p>"+html.EscapeString(text)+"</p>")
	return status, code
}

func writePage(w http.ResponseWriter, status int, title, body string) (int, string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html>\n<html><head><title>%s</title></head><body><h1>%s</h1>\n%s\n</body></html>\n",
		html.EscapeString(title), html.EscapeString(title), body)
	return status, ""
}

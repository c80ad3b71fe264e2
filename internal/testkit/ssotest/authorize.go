package ssotest

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// BrowserMode is what the stand-in browser's user does with a sign-in
// request (GET /authorize, or the device verification page).
type BrowserMode int

const (
	// BrowserApprove signs in and allows at once: /authorize redirects to
	// the redirect_uri with code and state; /device?user_code=... approves
	// the user code. The default.
	BrowserApprove BrowserMode = iota
	// BrowserDeny refuses: /authorize redirects with error=access_denied
	// and state; /device?user_code=... denies the user code.
	BrowserDeny
	// BrowserWait shows a consent page and waits: the request waits until
	// ApproveAuthorization, DenyAuthorization, ApproveDevice or DenyDevice
	// (or a POST of the page's form) decides it.
	BrowserWait
)

// Browser is the stand-in browser: who is signed in and what they do.
type Browser struct {
	// User is the signed-in user; the first user added when empty.
	User string
	Mode BrowserMode
}

// SetBrowser sets who the browser is signed in as and what they do.
func (s *Server) SetBrowser(b Browser) error {
	if b.Mode < BrowserApprove || b.Mode > BrowserWait {
		return errorf("set browser: unknown mode %d", b.Mode)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.User == "" && len(s.userOrder) > 0 {
		b.User = s.userOrder[0].Name
	}
	if b.User != "" && s.users[b.User] == nil {
		return errorf("set browser: no user %q", b.User)
	}
	s.browser = b
	return nil
}

// browserUser is the user the browser is signed in as, nil when there is
// none. Callers hold s.mu.
func (s *Server) browserUser() *userRecord { return s.users[s.browser.User] }

// Authorization is a /authorize request waiting for the user's decision
// (BrowserWait).
type Authorization struct {
	ID          string    `json:"id"`
	ClientID    string    `json:"clientId"`
	RedirectURI string    `json:"redirectUri"`
	State       string    `json:"state"`
	Scopes      []string  `json:"scopes"`
	Created     time.Time `json:"created"`
}

type authRequest struct {
	Authorization
	client    *clientRecord
	challenge string
	seq       int
}

// authCode is an authorization code: single use, bound to its client,
// redirect URI and PKCE challenge.
type authCode struct {
	code        string
	client      *clientRecord
	user        *userRecord
	redirectURI string
	challenge   string
	expires     time.Time
	used        bool
	sess        *session // the sign-in it was exchanged for
}

// authorizePage serves GET /authorize, the browser step of the
// authorization code grant with PKCE.
func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request, now time.Time) (int, string) {
	q := r.URL.Query()
	// Until the client and redirect URI are known good, errors are shown,
	// never redirected (RFC 6749 section 4.1.2.1).
	cl := s.clients[q.Get("client_id")]
	if cl == nil || !now.Before(cl.Expires) {
		return errorPage(w, http.StatusBadRequest, "invalid_client", "Unknown or expired client_id.")
	}
	redirect := q.Get("redirect_uri")
	if !redirectAllowed(cl.RedirectURIs, redirect) {
		return errorPage(w, http.StatusBadRequest, "invalid_redirect_uri", "The redirect_uri is not one the client registered.")
	}
	state := q.Get("state")
	fail := func(code string) (int, string) {
		http.Redirect(w, r, withParams(redirect, "error", code, "state", state), http.StatusFound)
		return http.StatusFound, code
	}
	if q.Get("response_type") != "code" {
		return fail("unsupported_response_type")
	}
	if !cl.allows(GrantAuthorizationCode) {
		return fail("unauthorized_client")
	}
	challenge := q.Get("code_challenge")
	if challenge == "" || q.Get("code_challenge_method") != "S256" {
		return fail("invalid_request") // PKCE with S256 is required of public clients
	}
	raw := q.Get("scopes") // what the AWS CLI sends; RFC 6749 says scope
	if raw == "" {
		raw = q.Get("scope")
	}
	scopes := strings.Fields(raw)
	for _, sc := range scopes {
		if !slices.Contains(cl.Scopes, sc) {
			return fail("invalid_scope")
		}
	}
	req := &authRequest{Authorization: Authorization{
		ID: testsrv.UUID(), ClientID: cl.ID, RedirectURI: redirect, State: state, Scopes: scopes, Created: now,
	}, client: cl, challenge: challenge, seq: s.nextSeq()}
	switch s.browser.Mode {
	case BrowserDeny:
		return fail("access_denied")
	case BrowserWait:
		s.pending[req.ID] = req
		s.notify()
		return consentPage(w, req)
	}
	to, err := s.decideAuthorization(req, true, now)
	if err != nil {
		return errorPage(w, http.StatusInternalServerError, "server_error", err.Error())
	}
	http.Redirect(w, r, to, http.StatusFound)
	return http.StatusFound, ""
}

// authorizeDecision serves POST /authorize, the consent page's form
// (request_id, decision=approve|deny).
func (s *Server) authorizeDecision(w http.ResponseWriter, r *http.Request, now time.Time) (int, string) {
	req := s.pending[r.PostFormValue("request_id")]
	if req == nil {
		return errorPage(w, http.StatusBadRequest, "invalid_request", "No such authorization request.")
	}
	to, err := s.decideAuthorization(req, r.PostFormValue("decision") == "approve", now)
	if err != nil {
		return errorPage(w, http.StatusInternalServerError, "server_error", err.Error())
	}
	http.Redirect(w, r, to, http.StatusFound)
	return http.StatusFound, ""
}

// decideAuthorization settles an authorization request as the browser's
// user and returns where the browser goes next. Callers hold s.mu.
func (s *Server) decideAuthorization(req *authRequest, approve bool, now time.Time) (string, error) {
	delete(s.pending, req.ID)
	if !approve {
		return withParams(req.RedirectURI, "error", "access_denied", "state", req.State), nil
	}
	user := s.browserUser()
	if user == nil {
		return "", errorf("no user to sign in as: add one with AddUser")
	}
	ac := &authCode{
		code: newAuthCode(), client: req.client, user: user, redirectURI: req.RedirectURI,
		challenge: req.challenge, expires: now.Add(s.opts.AuthCodeLifetime),
	}
	s.codes[ac.code] = ac
	return withParams(req.RedirectURI, "code", ac.code, "state", req.State), nil
}

// PendingAuthorizations lists the /authorize requests waiting for a
// decision (BrowserWait), oldest first.
func (s *Server) PendingAuthorizations() []Authorization {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Authorization{}
	for _, a := range sortedBySeq(s.pending, func(a *authRequest) int { return a.seq }) {
		v := a.Authorization
		v.Scopes = slices.Clone(v.Scopes)
		out = append(out, v)
	}
	return out
}

// ApproveAuthorization allows a waiting /authorize request as the browser's
// user and returns the URL the browser is sent to: the redirect_uri with
// code and state. A test playing the browser GETs it.
func (s *Server) ApproveAuthorization(id string) (string, error) {
	return s.settle(id, true)
}

// DenyAuthorization refuses a waiting /authorize request and returns the
// redirect_uri with error=access_denied and state.
func (s *Server) DenyAuthorization(id string) (string, error) {
	return s.settle(id, false)
}

func (s *Server) settle(id string, approve bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req := s.pending[id]
	if req == nil {
		return "", errorf("no authorization request %q is waiting", id)
	}
	return s.decideAuthorization(req, approve, s.now())
}

// codeGrant is CreateToken with the authorization_code grant. Callers hold
// s.mu.
func (s *Server) codeGrant(c *call, cl *clientRecord, code, redirectURI, verifier string) (any, *apiError) {
	if code == "" || redirectURI == "" || verifier == "" {
		return nil, newError(InvalidRequestException, "code, redirectUri and codeVerifier are required for the authorization_code grant")
	}
	ac := s.codes[code]
	switch {
	case ac == nil || ac.client != cl:
		return nil, newError(InvalidGrantException, "%s", msgInvalidGrant)
	case ac.used:
		// A code presented twice may have been stolen: end what it gave
		// (RFC 6749 section 4.1.2).
		if ac.sess != nil {
			ac.sess.revoked = true
		}
		return nil, newError(InvalidGrantException, "%s", msgInvalidGrant)
	case !c.now.Before(ac.expires):
		return nil, newError(InvalidGrantException, "Authorization code has expired")
	case redirectURI != ac.redirectURI:
		return nil, newError(InvalidGrantException, "%s", msgInvalidGrant)
	case !pkceMatches(verifier, ac.challenge):
		return nil, newError(InvalidGrantException, "Invalid code verifier provided")
	}
	ac.used = true
	resp, sess := s.signIn(cl, ac.user, GrantAuthorizationCode, c.now)
	ac.sess = sess
	return resp, nil
}

// pkceMatches checks a code verifier against an S256 challenge (RFC 7636
// section 4.6): BASE64URL(SHA256(verifier)) without padding. The verifier
// must be 43-128 characters of [A-Za-z0-9-._~]. A challenge sent with "="
// padding is compared without it.
func pkceMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	for _, c := range verifier {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~", c)) {
			return false
		}
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(b64(sum[:])), []byte(strings.TrimRight(challenge, "="))) == 1
}

// devicePage serves GET /device, the verification page: without user_code
// a form asking for it; with it, the browser's user decides per its mode.
func (s *Server) devicePage(w http.ResponseWriter, r *http.Request, now time.Time) (int, string) {
	code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("user_code")))
	if code == "" {
		return writePage(w, http.StatusOK, "Authorize request", `<form method="get" action="/device">
<label>Code <input name="user_code" autofocus></label> <button>Next</button></form>`)
	}
	d := s.userCodes[code]
	if d == nil || !now.Before(d.Expires) || d.State != DevicePending {
		return errorPage(w, http.StatusBadRequest, "invalid_user_code", "This code is unknown, expired or already used.")
	}
	switch s.browser.Mode {
	case BrowserWait:
		return writePage(w, http.StatusOK, "Allow access?", fmt.Sprintf(`<p>Allow the request with code <b>%s</b>?</p>
<form method="post" action="/device"><input type="hidden" name="user_code" value="%s">
<button name="decision" value="approve">Allow</button> <button name="decision" value="deny">Deny</button></form>`,
			html.EscapeString(code), html.EscapeString(code)))
	case BrowserDeny:
		return s.deviceOutcome(w, code, false, now)
	}
	return s.deviceOutcome(w, code, true, now)
}

// deviceDecision serves POST /device, the form of the verification page.
func (s *Server) deviceDecision(w http.ResponseWriter, r *http.Request, now time.Time) (int, string) {
	code := strings.ToUpper(strings.TrimSpace(r.PostFormValue("user_code")))
	return s.deviceOutcome(w, code, r.PostFormValue("decision") == "approve", now)
}

func (s *Server) deviceOutcome(w http.ResponseWriter, code string, approve bool, now time.Time) (int, string) {
	if err := s.decideDevice(code, approve, s.browserUser(), now); err != nil {
		return errorPage(w, http.StatusBadRequest, "invalid_user_code", err.Error())
	}
	if !approve {
		return writePage(w, http.StatusOK, "Request denied", "<p>You denied the request. You can close this window.</p>")
	}
	return writePage(w, http.StatusOK, "Request approved", "<p>You can close this window and return to the application.</p>")
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
	return writePage(w, http.StatusOK, "Allow access?", fmt.Sprintf(`<p>Allow %s to access your data (%s)?</p>
<form method="post" action="/authorize"><input type="hidden" name="request_id" value="%s">
<button name="decision" value="approve">Allow</button> <button name="decision" value="deny">Deny</button></form>`,
		html.EscapeString(req.client.Name), html.EscapeString(strings.Join(req.Scopes, " ")), html.EscapeString(req.ID)))
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

package signintest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// tokenRequest is CreateOAuth2Token's body: JSON with camelCase members
// (what the SDKs send), or a form with the OAuth 2.0 snake_case names,
// which the API documentation says the service takes too.
type tokenRequest struct {
	ClientID     string `json:"clientId"`
	GrantType    string `json:"grantType"`
	Code         string `json:"code"`
	RedirectURI  string `json:"redirectUri"`
	CodeVerifier string `json:"codeVerifier"`
	RefreshToken string `json:"refreshToken"`
}

// tokenResponse is CreateOAuth2Token's answer.
type tokenResponse struct {
	AccessToken  accessToken `json:"accessToken"`
	ExpiresIn    int64       `json:"expiresIn"`
	RefreshToken string      `json:"refreshToken"`
	TokenType    string      `json:"tokenType"`
	IDToken      string      `json:"idToken,omitempty"`
}

type accessToken struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SessionToken    string `json:"sessionToken"`
}

// call is one token request being served.
type call struct {
	r   *http.Request
	req tokenRequest
	now time.Time
	// What the log records of it once known.
	identity   string
	session    string
	thumbprint string
}

// Session is a sign-in: the user's approval, exchanged for credentials
// and a refresh token bound to the client's DPoP key, renewable until
// Ends.
type Session struct {
	ID       string    `json:"id"`
	ARN      string    `json:"arn"` // the identity's: the login_session
	ClientID string    `json:"clientId"`
	Started  time.Time `json:"started"` // when the user approved in the browser
	Ends     time.Time `json:"ends"`    // Started + Options.SessionDuration, or when EndSession ran
	// KeyThumbprint is the RFC 7638 thumbprint (SHA-256, base64url) of the
	// DPoP key of the code exchange, the only key its renewals may use.
	KeyThumbprint string `json:"keyThumbprint"`
	MFA           bool   `json:"mfa"`
	// Renewals counts the refresh_token grants that got credentials.
	Renewals int `json:"renewals"`
	// AccessKeyIDs are the credentials issued in the session, oldest
	// first (ststest.Server.Sessions has the rest).
	AccessKeyIDs []string `json:"accessKeyIds"`
	Revoked      bool     `json:"revoked"`
	// Live is false once revoked or over.
	Live bool `json:"live"`
}

type session struct {
	Session
	identity  *identityRecord
	signInSeq int
	seq       int
}

func (s *session) live(now time.Time) bool { return !s.Revoked && now.Before(s.Ends) }

// RefreshToken is a refresh token the server issued and how it was used.
type RefreshToken struct {
	Token   string    `json:"-"` // kept for tests
	Session string    `json:"session"`
	ARN     string    `json:"arn"`
	Issued  time.Time `json:"issued"`
	// Presented counts the CreateOAuth2Token calls that sent it, whatever
	// their outcome; Uses those that got credentials for it.
	Presented int       `json:"presented"`
	Uses      int       `json:"uses"`
	LastUsed  time.Time `json:"lastUsed,omitzero"`
	// ReplacedBy is the refresh token it was rotated to; a rotated token
	// is refused (see Options.RefreshGrace).
	ReplacedBy string `json:"-"`
	Replaced   bool   `json:"replaced"`
	// Live is false once rotated out, or when its session is revoked or
	// over (a changed password or a withdrawn permission is not shown).
	Live bool `json:"live"`
}

type refreshRecord struct {
	RefreshToken
	sess       *session
	replacedAt time.Time
	answer     *tokenResponse // what its renewal answered, for Options.RefreshGrace
	seq        int
}

// issuedCredentials are the secrets of credentials the server handed out.
type issuedCredentials struct {
	accessKeyID, secret, token string
}

// createToken serves POST /v1/token (CreateOAuth2Token).
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	w.Header().Set("x-amzn-RequestId", testsrv.UUID())
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	c := &call{r: r, now: now}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, testsrv.MaxBodySize))
	var aerr *apiError
	if err != nil {
		aerr = invalid("Could not read the request body")
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			aerr = invalid("The request body is too large")
		}
	} else {
		aerr = parseTokenRequest(r, body, &c.req)
	}
	var resp *tokenResponse
	s.mu.Lock()
	s.log.Called(OpCreateOAuth2Token)
	if c.req.GrantType != "" {
		s.log.Called(GrantOp(c.req.GrantType))
	}
	if aerr == nil {
		if code := s.takeFault(c.req.GrantType); code != "" {
			aerr = faultError(code)
		}
	}
	if aerr == nil {
		resp, aerr = s.token(c)
	}
	s.mu.Unlock()
	req := Request{
		Op: OpCreateOAuth2Token, GrantType: c.req.GrantType, ClientID: c.req.ClientID, Time: now, Status: http.StatusOK,
		Identity: c.identity, Session: c.session, KeyThumbprint: c.thumbprint,
	}
	if aerr != nil {
		writeError(w, aerr)
		req.Status, req.Type, req.Error, req.Message = aerr.status, aerr.typ, aerr.code, aerr.message
	} else {
		writeJSON(w, http.StatusOK, resp)
	}
	s.finish(req)
}

// parseTokenRequest reads the body as JSON or, for a form, by the OAuth
// 2.0 names.
func parseTokenRequest(r *http.Request, body []byte, req *tokenRequest) *apiError {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		f, err := url.ParseQuery(string(body))
		if err != nil {
			return invalid("The request body is not a form")
		}
		*req = tokenRequest{
			ClientID: f.Get("client_id"), GrantType: f.Get("grant_type"), Code: f.Get("code"),
			RedirectURI: f.Get("redirect_uri"), CodeVerifier: f.Get("code_verifier"), RefreshToken: f.Get("refresh_token"),
		}
		return nil
	}
	if len(body) == 0 {
		return invalid("The request body is empty")
	}
	if err := json.Unmarshal(body, req); err != nil {
		return invalid("The request body is not valid JSON: %v", err)
	}
	return nil
}

// token runs CreateOAuth2Token. Callers hold s.mu.
func (s *Server) token(c *call) (*tokenResponse, *apiError) {
	req := c.req
	if req.ClientID == "" || req.GrantType == "" {
		return nil, invalid("clientId and grantType are required")
	}
	if req.ClientID != ClientSameDevice && req.ClientID != ClientCrossDevice {
		return nil, invalid("Invalid clientId")
	}
	if req.GrantType != GrantAuthorizationCode && req.GrantType != GrantRefreshToken {
		return nil, invalid("Unsupported grantType: %s", req.GrantType)
	}
	p, aerr := s.checkProof(c.r, c.now)
	if aerr != nil {
		return nil, aerr
	}
	c.thumbprint = p.thumbprint
	if req.GrantType == GrantAuthorizationCode {
		return s.codeGrant(c, p)
	}
	return s.refreshGrant(c, p)
}

// codeGrant exchanges an authorization code. Callers hold s.mu.
func (s *Server) codeGrant(c *call, p *proof) (*tokenResponse, *apiError) {
	req := c.req
	var missing []string
	for _, f := range []struct{ name, v string }{{"code", req.Code}, {"codeVerifier", req.CodeVerifier}, {"redirectUri", req.RedirectURI}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if missing != nil {
		return nil, invalid("Missing required parameter: %s", strings.Join(missing, ", "))
	}
	ac := s.codes[req.Code]
	if ac == nil || ac.clientID != req.ClientID {
		return nil, badGrant()
	}
	c.identity = ac.identity.ARN
	switch {
	case ac.used:
		// A code presented twice may have been stolen: end what it gave
		// (RFC 6749 section 4.1.2).
		if ac.sess != nil {
			ac.sess.Revoked = true
		}
		return nil, badGrant()
	case !c.now.Before(ac.expires):
		return nil, denied(AuthcodeExpired, msgAuthcodeExpired)
	case req.RedirectURI != ac.redirectURI:
		return nil, badGrant()
	case !validVerifier(req.CodeVerifier):
		return nil, invalid("Invalid codeVerifier: 43-128 characters of [A-Za-z0-9-._~]")
	case !pkceMatches(req.CodeVerifier, ac.challenge):
		return nil, badGrant()
	}
	id := ac.identity
	if aerr := s.admit(id, ac.signInSeq); aerr != nil {
		return nil, aerr
	}
	sess := &session{Session: Session{
		ID: testsrv.UUID(), ARN: id.ARN, ClientID: ac.clientID, Started: ac.signedIn, Ends: ac.signedIn.Add(s.opts.SessionDuration),
		KeyThumbprint: p.thumbprint, MFA: ac.mfa,
	}, identity: id, signInSeq: ac.signInSeq, seq: s.nextSeq()}
	c.session = sess.ID
	resp, aerr := s.issue(c, sess)
	if aerr != nil {
		return nil, aerr
	}
	resp.IDToken, aerr = s.idToken(c, sess)
	if aerr != nil {
		return nil, aerr
	}
	s.idTokens = append(s.idTokens, resp.IDToken)
	ac.used, ac.sess = true, sess
	s.sessions[sess.ID] = sess
	return resp, nil
}

// refreshGrant renews a session's credentials with a refresh token,
// rotating it. Callers hold s.mu.
func (s *Server) refreshGrant(c *call, p *proof) (*tokenResponse, *apiError) {
	if c.req.RefreshToken == "" {
		return nil, invalid("Missing required parameter: refreshToken")
	}
	rt := s.refresh[c.req.RefreshToken]
	if rt == nil {
		return nil, badGrant()
	}
	rt.Presented++
	sess := rt.sess
	c.identity, c.session = sess.ARN, sess.ID
	switch {
	case sess.ClientID != c.req.ClientID:
		return nil, badGrant()
	case subtle.ConstantTimeCompare([]byte(p.thumbprint), []byte(sess.KeyThumbprint)) != 1:
		return nil, invalid("Invalid DPoP proof: the refresh token is bound to another key")
	case sess.Revoked:
		return nil, badGrant()
	case rt.Replaced:
		if g := s.opts.RefreshGrace; g > 0 && c.now.Before(rt.replacedAt.Add(g)) && rt.answer != nil {
			again := *rt.answer
			return &again, nil
		}
		return nil, badGrant()
	case !c.now.Before(sess.Ends):
		return nil, denied(TokenExpired, msgTokenExpired)
	}
	if aerr := s.admit(sess.identity, sess.signInSeq); aerr != nil {
		return nil, aerr
	}
	resp, aerr := s.issue(c, sess)
	if aerr != nil {
		return nil, aerr
	}
	rt.Uses++
	rt.LastUsed = c.now
	rt.Replaced, rt.ReplacedBy, rt.replacedAt = true, resp.RefreshToken, c.now
	answer := *resp
	rt.answer = &answer
	sess.Renewals++
	return resp, nil
}

// admit refuses an identity whose password changed since the sign-in
// numbered signInSeq, or that may not call CreateOAuth2Token. Callers hold
// s.mu.
func (s *Server) admit(id *identityRecord, signInSeq int) *apiError {
	if signInSeq < id.passwordSeq {
		return denied(UserCredentialsChanged, msgCredentialsChanged)
	}
	if !id.Permitted {
		return denied(InsufficientPermissions, msgInsufficient)
	}
	return nil
}

// issue gets the session's next credentials from STS and a new refresh
// token. Callers hold s.mu.
func (s *Server) issue(c *call, sess *session) (*tokenResponse, *apiError) {
	d := min(s.opts.CredentialLifetime, sess.Ends.Sub(c.now))
	d = max(d, time.Second)
	var st ststest.Session
	var err error
	if id := sess.identity; id.Federated() {
		st, err = s.opts.STS.IssueLoginRoleSession(id.RoleARN, id.SessionName, d)
	} else {
		st, err = s.opts.STS.IssueUserSession(id.ARN, d, sess.MFA)
	}
	if err != nil {
		return nil, &apiError{status: http.StatusInternalServerError, typ: InternalServerException, code: ServerError, message: "issuing credentials: " + err.Error()}
	}
	s.issued = append(s.issued, issuedCredentials{st.AccessKeyID, st.SecretAccessKey, st.SessionToken})
	sess.AccessKeyIDs = append(sess.AccessKeyIDs, st.AccessKeyID)
	rt := &refreshRecord{RefreshToken: RefreshToken{
		Token: newRefreshToken(), Session: sess.ID, ARN: sess.ARN, Issued: c.now,
	}, sess: sess, seq: s.nextSeq()}
	s.refresh[rt.Token] = rt
	lifetime := st.Expiration.Sub(st.Issued)
	return &tokenResponse{
		AccessToken:  accessToken{st.AccessKeyID, st.SecretAccessKey, st.SessionToken},
		ExpiresIn:    int64((lifetime + time.Second - 1) / time.Second),
		RefreshToken: rt.Token,
		TokenType:    TokenType,
	}, nil
}

// validVerifier reports whether v is a PKCE code verifier: 43-128
// characters of [A-Za-z0-9-._~] (RFC 7636 section 4.1).
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for _, c := range v {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~", c)) {
			return false
		}
	}
	return true
}

// pkceMatches checks a verifier against an S256 challenge:
// BASE64URL(SHA256(verifier)) without padding.
func pkceMatches(verifier, challenge string) bool {
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

// Sessions returns every sign-in exchanged for credentials, oldest first.
func (s *Server) Sessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := []Session{}
	for _, r := range sortedBySeq(s.sessions, func(r *session) int { return r.seq }) {
		v := r.Session
		v.AccessKeyIDs = append([]string(nil), r.AccessKeyIDs...)
		v.Live = r.live(now)
		out = append(out, v)
	}
	return out
}

// RefreshTokens returns every refresh token issued, oldest first.
func (s *Server) RefreshTokens() []RefreshToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := []RefreshToken{}
	for _, r := range sortedBySeq(s.refresh, func(r *refreshRecord) int { return r.seq }) {
		v := r.RefreshToken
		v.Live = !r.Replaced && r.sess.live(now)
		out = append(out, v)
	}
	return out
}

// RevokeSession ends a sign-in at once: its refresh tokens are refused
// with ValidationException INVALID_REQUEST from then on. Credentials
// already issued stay valid until they expire, as on AWS.
func (s *Server) RevokeSession(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.sessions[id]
	if r == nil {
		return errorf("revoke session: no session %q", id)
	}
	r.Revoked = true
	return nil
}

// RevokeSessions revokes every session of the identity arn and returns how
// many it revoked.
func (s *Server) RevokeSessions(arn string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.sessions {
		if r.ARN == arn && !r.Revoked {
			r.Revoked = true
			n++
		}
	}
	return n
}

// EndSession makes a sign-in reach its end now, as if its 12 hours were
// over: renewals are refused with TOKEN_EXPIRED.
func (s *Server) EndSession(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.sessions[id]
	if r == nil {
		return errorf("end session: no session %q", id)
	}
	r.Ends = s.now()
	return nil
}

// EndSessions ends every session now.
func (s *Server) EndSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, r := range s.sessions {
		if r.Ends.After(now) {
			r.Ends = now
		}
	}
}

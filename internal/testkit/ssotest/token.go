package ssotest

import (
	"time"
)

// Token is an access token the server issued.
type Token struct {
	AccessToken string `json:"-"` // the bearer token itself, kept for tests
	User        string `json:"user"`
	ClientID    string `json:"clientId"`
	// GrantType is the CreateToken grant it came from.
	GrantType string    `json:"grantType"`
	Issued    time.Time `json:"issued"`
	Expires   time.Time `json:"expires"`
	// RefreshToken is the refresh token issued with it, "" when none was.
	RefreshToken string `json:"-"`
	// Revoked is true after Logout ended its sign-in (or the reuse of an
	// authorization code did); Live is false once revoked or expired.
	Revoked bool `json:"revoked"`
	Live    bool `json:"live"`
}

// RefreshToken is a refresh token the server issued and how it was used.
type RefreshToken struct {
	Token    string    `json:"-"` // kept for tests
	User     string    `json:"user"`
	ClientID string    `json:"clientId"`
	Issued   time.Time `json:"issued"`
	// Expires is the end of the sign-in session (Options.SessionDuration
	// after the user approved), or when ExpireRefreshToken was called.
	Expires time.Time `json:"expires"`
	// Presented counts the CreateToken calls that sent it, whatever their
	// outcome; Uses those that got new tokens for it; LastUsed is the last
	// of these.
	Presented int       `json:"presented"`
	Uses      int       `json:"uses"`
	LastUsed  time.Time `json:"lastUsed"`
	// ReplacedBy is the refresh token it was rotated to, "" when it was not
	// (see Options.KeepRefreshTokens). A replaced token is refused.
	ReplacedBy string `json:"-"`
	Revoked    bool   `json:"revoked"`
	Live       bool   `json:"live"`
}

// session is one sign-in: the user's approval of a client and every token
// obtained from it, which Logout ends together.
type session struct {
	user    *userRecord
	client  *clientRecord
	ends    time.Time
	revoked bool
}

type accessRecord struct {
	Token
	sess *session
	seq  int
}

func (a *accessRecord) live(now time.Time) bool {
	return !a.sess.revoked && now.Before(a.Expires)
}

type refreshRecord struct {
	RefreshToken
	sess     *session
	replaced bool
	seq      int
}

func (r *refreshRecord) live(now time.Time) bool {
	return !r.sess.revoked && !r.replaced && now.Before(r.Expires)
}

type createTokenRequest struct {
	ClientID     string   `json:"clientId"`
	ClientSecret string   `json:"clientSecret"`
	GrantType    string   `json:"grantType"`
	DeviceCode   string   `json:"deviceCode"`
	Code         string   `json:"code"`
	RefreshToken string   `json:"refreshToken"`
	Scope        []string `json:"scope"`
	RedirectURI  string   `json:"redirectUri"`
	CodeVerifier string   `json:"codeVerifier"`
}

// createTokenResponse has no idToken: the API reference says the service
// does not implement it.
type createTokenResponse struct {
	AccessToken  string `json:"accessToken"`
	TokenType    string `json:"tokenType"`
	ExpiresIn    int64  `json:"expiresIn"`
	RefreshToken string `json:"refreshToken,omitempty"`
}

func (s *Server) createToken(c *call) (any, *apiError) {
	var req createTokenRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.GrantType == GrantRefreshToken && req.RefreshToken != "" {
		if r := s.refresh[req.RefreshToken]; r != nil {
			r.Presented++
		}
	}
	if req.ClientID == "" || req.ClientSecret == "" || req.GrantType == "" {
		return nil, newError(InvalidRequestException, "clientId, clientSecret and grantType are required")
	}
	switch req.GrantType {
	case GrantDeviceCode, GrantAuthorizationCode, GrantRefreshToken:
	default:
		return nil, newError(UnsupportedGrantTypeException, "Unsupported grant type: %s", req.GrantType)
	}
	cl, aerr := s.authenticateClient(req.ClientID, req.ClientSecret, c.now)
	if aerr != nil {
		return nil, aerr
	}
	if !cl.allows(req.GrantType) {
		return nil, newError(UnauthorizedClientException, "%s", msgUnauthClient)
	}
	switch req.GrantType {
	case GrantDeviceCode:
		return s.deviceGrant(c, cl, req.DeviceCode)
	case GrantAuthorizationCode:
		return s.codeGrant(c, cl, req.Code, req.RedirectURI, req.CodeVerifier)
	}
	return s.refreshGrant(c, cl, req.RefreshToken)
}

// signIn starts a sign-in session for user on cl and issues its first
// tokens. Callers hold s.mu.
func (s *Server) signIn(cl *clientRecord, user *userRecord, grant string, now time.Time) (createTokenResponse, *session) {
	sess := &session{user: user, client: cl, ends: now.Add(s.opts.SessionDuration)}
	var rt *refreshRecord
	if cl.refreshable() {
		rt = s.newRefresh(sess, now)
	}
	return s.issueAccess(sess, grant, rt, now), sess
}

func (s *Server) newRefresh(sess *session, now time.Time) *refreshRecord {
	rt := &refreshRecord{RefreshToken: RefreshToken{
		Token:    newRefreshToken(),
		User:     sess.user.Name,
		ClientID: sess.client.ID,
		Issued:   now,
		Expires:  sess.ends,
	}, sess: sess, seq: s.nextSeq()}
	s.refresh[rt.Token] = rt
	return rt
}

// issueAccess issues an access token of a session, with the refresh token
// rt (nil: none). Callers hold s.mu.
func (s *Server) issueAccess(sess *session, grant string, rt *refreshRecord, now time.Time) createTokenResponse {
	expires := sess.ends
	if rt != nil {
		expires = now.Add(s.opts.AccessTokenLifetime)
		if expires.After(sess.ends) {
			expires = sess.ends
		}
	}
	expires = expires.Truncate(time.Second)
	at := &accessRecord{Token: Token{
		AccessToken: newAccessToken(),
		User:        sess.user.Name,
		ClientID:    sess.client.ID,
		GrantType:   grant,
		Issued:      now,
		Expires:     expires,
	}, sess: sess, seq: s.nextSeq()}
	resp := createTokenResponse{AccessToken: at.AccessToken, TokenType: "Bearer", ExpiresIn: int64(expires.Sub(now) / time.Second)}
	if rt != nil {
		at.RefreshToken = rt.Token
		resp.RefreshToken = rt.Token
	}
	s.access[at.AccessToken] = at
	return resp
}

// refreshGrant is CreateToken with the refresh_token grant. Callers hold
// s.mu.
func (s *Server) refreshGrant(c *call, cl *clientRecord, token string) (any, *apiError) {
	if token == "" {
		return nil, newError(InvalidRequestException, "refreshToken is required for the refresh_token grant")
	}
	rt := s.refresh[token]
	if rt == nil || rt.sess.client != cl || !rt.live(c.now) {
		return nil, newError(InvalidGrantException, "%s", msgInvalidRefresh)
	}
	rt.Uses++
	rt.LastUsed = c.now
	next := rt
	if !s.opts.KeepRefreshTokens {
		next = s.newRefresh(rt.sess, c.now)
		next.Expires = rt.Expires
		rt.replaced, rt.ReplacedBy = true, next.Token
	}
	return s.issueAccess(rt.sess, GrantRefreshToken, next, c.now), nil
}

// bearer finds the live access token a portal request carries in
// x-amz-sso_bearer_token. Callers hold s.mu.
func (s *Server) bearer(c *call) (*accessRecord, *apiError) {
	at := s.access[c.r.Header.Get("x-amz-sso_bearer_token")]
	if at == nil || !at.live(c.now) {
		return nil, newError(UnauthorizedException, "%s", msgSessionToken)
	}
	return at, nil
}

// Tokens returns every access token issued, oldest first.
func (s *Server) Tokens() []Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := []Token{}
	for _, a := range sortedBySeq(s.access, func(a *accessRecord) int { return a.seq }) {
		t := a.Token
		t.Revoked = a.sess.revoked
		t.Live = a.live(now)
		out = append(out, t)
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
		t := r.RefreshToken
		t.Revoked = r.sess.revoked
		t.Live = r.live(now)
		out = append(out, t)
	}
	return out
}

// ExpireAccessToken makes an access token expire now: the portal answers
// UnauthorizedException for it.
func (s *Server) ExpireAccessToken(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.access[token]
	if a == nil {
		return errorf("expire access token: no such token")
	}
	a.Expires = s.now()
	return nil
}

// ExpireAccessTokens makes every access token expire now.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, a := range s.access {
		a.Expires = now
	}
}

// ExpireRefreshToken makes a refresh token expire now: CreateToken answers
// InvalidGrantException for it.
func (s *Server) ExpireRefreshToken(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.refresh[token]
	if r == nil {
		return errorf("expire refresh token: no such token")
	}
	r.Expires = s.now()
	return nil
}

// ExpireRefreshTokens makes every refresh token expire now.
func (s *Server) ExpireRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, r := range s.refresh {
		r.Expires = now
	}
}

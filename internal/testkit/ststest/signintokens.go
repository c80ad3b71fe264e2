package ststest

import (
	"encoding/base64"
	"time"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// signinTokenBytes is the random size of a sign-in token: about 720
// base64url characters, the order of the real tokens' length, so that a
// client that truncates or mangles long URLs shows it.
const signinTokenBytes = 540

// maxSigninTokens bounds the tokens the server keeps; the oldest go first.
const maxSigninTokens = 10000

// SigninToken describes a sign-in token the federation endpoint issued
// (see Server.SigninTokens).
type SigninToken struct {
	// AccessKeyID, Action and ARN describe the session the token signs in
	// as (see Session).
	AccessKeyID string `json:"accessKeyId"`
	Action      string `json:"action"`
	ARN         string `json:"arn"`
	// SessionDuration is the SessionDuration parameter in seconds, 0 when
	// getSigninToken was called without one.
	SessionDuration int `json:"sessionDuration,omitempty"`
	// Issued is when getSigninToken issued it; Expires when it stops
	// working for the login step, 15 minutes later (server clock).
	Issued  time.Time `json:"issued"`
	Expires time.Time `json:"expires"`
	// Token is the token itself, so a test can match the one in a sign-in
	// URL a client printed. The admin API does not serve it.
	Token string `json:"-"`
}

// Login is a console sign-in the federation endpoint granted: a login
// request with a valid sign-in token and destination, answered with a
// redirect to Destination (see Server.Logins).
type Login struct {
	// AccessKeyID, Action, ARN, RoleARN and UserARN describe the session
	// behind the token (see Session), e.g. to check that the console
	// signed in as the role a client meant.
	AccessKeyID string `json:"accessKeyId"`
	Action      string `json:"action"`
	ARN         string `json:"arn"`
	RoleARN     string `json:"roleArn,omitempty"`
	UserARN     string `json:"userArn,omitempty"`
	// Destination is the console URL the browser was sent to; Issuer the
	// Issuer parameter, as sent (it may be empty).
	Destination string `json:"destination"`
	Issuer      string `json:"issuer"`
	// SessionDuration is the SessionDuration, in seconds, the token was
	// asked for with; 0 when none was.
	SessionDuration int `json:"sessionDuration,omitempty"`
	// Time is when the login happened; ConsoleExpiration when the console
	// session it started ends: Time plus SessionDuration, or without one
	// the credentials' expiration (server clock).
	Time              time.Time `json:"time"`
	ConsoleExpiration time.Time `json:"consoleExpiration"`
}

// ConsoleSessionDuration is how long the console session lasts from the
// login.
func (l Login) ConsoleSessionDuration() time.Duration { return l.ConsoleExpiration.Sub(l.Time) }

type signinTokenRecord struct {
	value    string
	session  *sessionRecord
	issued   time.Time
	expires  time.Time
	duration time.Duration // SessionDuration; 0 when none was asked for
}

func newSigninToken() string {
	return base64.RawURLEncoding.EncodeToString(testsrv.RandomBytes(signinTokenBytes))
}

// addSigninToken stores a token, dropping the oldest beyond
// maxSigninTokens. Callers hold s.mu.
func (s *Server) addSigninToken(t *signinTokenRecord) {
	if len(s.signinLog) >= maxSigninTokens {
		delete(s.signinTokens, s.signinLog[0].value)
		s.signinLog = append(s.signinLog[:0], s.signinLog[1:]...)
	}
	s.signinTokens[t.value] = t
	s.signinLog = append(s.signinLog, t)
}

// SigninTokens returns the sign-in tokens the federation endpoint issued
// (the newest 10000), oldest first, expired ones included.
func (s *Server) SigninTokens() []SigninToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SigninToken, 0, len(s.signinLog))
	for _, t := range s.signinLog {
		out = append(out, SigninToken{
			AccessKeyID:     t.session.AccessKeyID,
			Action:          t.session.Action,
			ARN:             t.session.ARN,
			SessionDuration: int(t.duration / time.Second),
			Issued:          t.issued,
			Expires:         t.expires,
			Token:           t.value,
		})
	}
	return out
}

// ExpireSigninTokens makes every sign-in token issued so far expire now,
// for tests that cannot move the server clock (the admin API).
func (s *Server) ExpireSigninTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, t := range s.signinLog {
		if t.expires.After(now) {
			t.expires = now
		}
	}
}

// Logins returns the console sign-ins the federation endpoint granted since
// the server started or counts were last reset (the newest 10000), oldest
// first.
func (s *Server) Logins() []Login {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Login(nil), s.logins...)
}

// recordLogin logs a granted sign-in. Callers hold s.mu.
func (s *Server) recordLogin(l Login) {
	if len(s.logins) >= testsrv.MaxLoggedRequests {
		s.logins = append(s.logins[:0], s.logins[1:]...)
	}
	s.logins = append(s.logins, l)
}

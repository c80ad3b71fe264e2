package signintest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Operations, for Fail, Calls, Successes and the request log.
const (
	OpCreateOAuth2Token = "CreateOAuth2Token"
	// OpAuthorize is the browser's GET of /v1/authorize (and the consent
	// form's POST); OpConfirmation the cross-device confirmation page.
	OpAuthorize    = "Authorize"
	OpConfirmation = "Confirmation"
	// AnyOp stands for every operation in Fail, Calls and Successes.
	AnyOp = "*"
)

// GrantOp names CreateOAuth2Token with one grant type, for Calls,
// Successes and Fail: GrantOp(GrantRefreshToken) is
// "CreateOAuth2Token:refresh_token". Calls of OpCreateOAuth2Token count
// every grant type, and those that sent none.
func GrantOp(grantType string) string { return OpCreateOAuth2Token + ":" + grantType }

// Request is one request as the server saw it. It holds no secret.
type Request struct {
	Op string `json:"op"`
	// GrantType and ClientID are CreateOAuth2Token's, as sent.
	GrantType string    `json:"grantType,omitempty"`
	ClientID  string    `json:"clientId,omitempty"`
	Time      time.Time `json:"time"` // server clock, when received
	Status    int       `json:"status"`
	// Type is the exception sent (empty on success); Error its OAuth2
	// error code, or, for a browser page, the OAuth error it showed or
	// redirected with.
	Type    string `json:"type,omitempty"`
	Error   string `json:"error,omitempty"`
	Message string `json:"message,omitempty"`
	// Identity and Session are the identity's ARN and the session's id
	// when the request got that far; KeyThumbprint the DPoP key's when
	// its proof verified.
	Identity      string `json:"identity,omitempty"`
	Session       string `json:"session,omitempty"`
	KeyThumbprint string `json:"keyThumbprint,omitempty"`
}

// record counts a request's success and logs it. Callers hold s.mu.
func (s *Server) record(req Request) {
	var succeeded []string
	if req.Type == "" && req.Error == "" && req.Status < 400 {
		succeeded = append(succeeded, req.Op)
		if req.GrantType != "" {
			succeeded = append(succeeded, GrantOp(req.GrantType))
		}
	}
	s.log.Record(req, succeeded...)
}

// Calls is how many requests op had (AnyOp: all operations, GrantOp
// entries not counted twice), whatever their outcome.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Calls(op)
}

// Successes is how many requests for op succeeded (for a browser page:
// were served without an error or a refusal).
func (s *Server) Successes(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Successes(op)
}

// Counts returns the call and success counts by operation (and GrantOp).
func (s *Server) Counts() (calls, successes map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Counts()
}

// Requests returns the most recent requests (up to 10000), oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Requests()
}

// ResetCounts zeroes the counts and empties the request log.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log.Reset()
}

// Secrets returns every secret the server has handed out: authorization
// codes, refresh tokens, ID tokens, and the secret access keys and session
// tokens of the credentials, so that a test can check that none of them
// lands anywhere in plaintext. (The DPoP private keys are the client's:
// the server never sees them.)
func (s *Server) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Sorted(maps.Keys(s.codes))
	for _, r := range sortedBySeq(s.refresh, func(r *refreshRecord) int { return r.seq }) {
		out = append(out, r.Token)
	}
	out = append(out, s.idTokens...)
	for _, c := range s.issued {
		out = append(out, c.secret, c.token)
	}
	return out
}

// sortedBySeq returns a map's values in creation order.
func sortedBySeq[K comparable, V any](m map[K]V, seq func(V) int) []V {
	vals := slices.Collect(maps.Values(m))
	slices.SortFunc(vals, func(a, b V) int { return seq(a) - seq(b) })
	return vals
}

func errorf(format string, args ...any) error {
	return errors.New("signintest: " + fmt.Sprintf(format, args...))
}

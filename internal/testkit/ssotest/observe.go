package ssotest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Operations, for Fail, Calls, Successes and the request log.
const (
	OpRegisterClient           = "RegisterClient"
	OpStartDeviceAuthorization = "StartDeviceAuthorization"
	OpCreateToken              = "CreateToken"
	OpGetRoleCredentials       = "GetRoleCredentials"
	OpListAccounts             = "ListAccounts"
	OpListAccountRoles         = "ListAccountRoles"
	OpLogout                   = "Logout"
	// OpAuthorize is the browser's GET (and the consent form's POST) of
	// /authorize; OpVerifyDevice of the device verification page /device.
	OpAuthorize    = "Authorize"
	OpVerifyDevice = "VerifyDevice"
	// AnyOp stands for every operation in Fail, Calls and Successes.
	AnyOp = "*"
)

// GrantOp names CreateToken with one grant type, for Calls, Successes and
// Fail: GrantOp(GrantRefreshToken) is "CreateToken:refresh_token". Calls
// of OpCreateToken count every grant type, and those that sent none.
func GrantOp(grantType string) string { return OpCreateToken + ":" + grantType }

// Request is one request as the server saw it.
type Request struct {
	Op string `json:"op"`
	// GrantType is CreateToken's grantType, as sent.
	GrantType string    `json:"grantType,omitempty"`
	Time      time.Time `json:"time"` // server clock, when received
	Status    int       `json:"status"`
	// Code is the exception sent (or, for a browser page, the OAuth error
	// it showed or redirected with), empty on success.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// record counts a request's success and logs it. Callers hold s.mu.
func (s *Server) record(req Request) {
	var succeeded []string
	if req.Code == "" {
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

// Successes is how many requests for op succeeded (for a browser page: were
// served without an error).
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

// Secrets returns every secret the server has handed out: client secrets,
// device codes, authorization codes, access and refresh tokens, and the
// secret access keys and session tokens of role credentials, so that a
// test can check that none of them lands anywhere in plaintext.
func (s *Server) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range sortedBySeq(s.clients, func(c *clientRecord) int { return c.seq }) {
		out = append(out, c.Secret)
	}
	for _, d := range sortedBySeq(s.devices, func(d *deviceRecord) int { return d.seq }) {
		out = append(out, d.DeviceCode)
	}
	codes := slices.Sorted(maps.Keys(s.codes))
	out = append(out, codes...)
	for _, a := range sortedBySeq(s.access, func(a *accessRecord) int { return a.seq }) {
		out = append(out, a.AccessToken)
	}
	for _, r := range sortedBySeq(s.refresh, func(r *refreshRecord) int { return r.seq }) {
		out = append(out, r.Token)
	}
	for _, rc := range s.roleCreds {
		out = append(out, rc.SecretAccessKey, rc.SessionToken)
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
	return errors.New("ssotest: " + fmt.Sprintf(format, args...))
}

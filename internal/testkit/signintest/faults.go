package signintest

import (
	"slices"
	"strings"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// FaultCodes are the exceptions Fail can inject: throttling and outages,
// each sent with the real service's HTTP status and body (see errors.go).
// Every other answer comes from the server's state (an ended session, a
// changed password, a revoked session...).
var FaultCodes = []string{TooManyRequestsError, InternalServerException, ServiceUnavailableException}

// Fail makes the next count requests for op fail with the exception code
// (one of FaultCodes), before anything else is checked. op is
// OpCreateOAuth2Token, GrantOp(grantType) for one grant type only, or
// AnyOp. Faults queue up in order; those for GrantOp(grant) go before
// those for OpCreateOAuth2Token, which go before those for AnyOp.
// Injected failures count as calls, not successes.
func (s *Server) Fail(op, code string, count int) error {
	if err := testsrv.CheckCount(count); err != nil {
		return errorf("fail %s: %v", op, err)
	}
	switch {
	case op == AnyOp, op == OpCreateOAuth2Token, op == GrantOp(GrantAuthorizationCode), op == GrantOp(GrantRefreshToken):
	default:
		return errorf("fail %s: unknown operation, or one that takes no faults (use %s, %s, %s or %s)", op,
			OpCreateOAuth2Token, GrantOp(GrantAuthorizationCode), GrantOp(GrantRefreshToken), AnyOp)
	}
	if !slices.Contains(FaultCodes, code) {
		return errorf("fail %s: cannot inject %q; use one of %s", op, code, strings.Join(FaultCodes, ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.Add(op, code, count)
	return nil
}

// ClearFaults drops every pending injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.Clear()
}

// takeFault consumes the next fault for a token request and returns its
// code, or "" when there is none. Callers hold s.mu.
func (s *Server) takeFault(grant string) string {
	keys := []string{OpCreateOAuth2Token, AnyOp}
	if grant != "" {
		keys = append([]string{GrantOp(grant)}, keys...)
	}
	return s.faults.Take(nil, keys...)
}

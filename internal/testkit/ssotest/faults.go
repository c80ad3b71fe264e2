package ssotest

import (
	"slices"
	"strings"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// faultCodes lists, per API operation, the exceptions Fail can inject: the
// errors the API models give the operation, plus ForbiddenException for
// the portal's reads (the service sends it; the model omits it).
var faultCodes = map[string][]string{
	OpRegisterClient: {
		InvalidRequestException, InvalidScopeException, InvalidClientMetadataException,
		InternalServerException, InvalidRedirectURIException, UnsupportedGrantTypeException, SlowDownException,
	},
	OpStartDeviceAuthorization: {
		InvalidRequestException, InvalidClientException, UnauthorizedClientException, SlowDownException, InternalServerException,
	},
	OpCreateToken: {
		InvalidRequestException, InvalidClientException, InvalidGrantException, UnauthorizedClientException,
		UnsupportedGrantTypeException, InvalidScopeException, AuthorizationPendingException, SlowDownException,
		AccessDeniedException, ExpiredTokenException, InternalServerException,
	},
	OpGetRoleCredentials: {InvalidRequestException, UnauthorizedException, TooManyRequestsException, ResourceNotFoundException, ForbiddenException},
	OpListAccounts:       {InvalidRequestException, UnauthorizedException, TooManyRequestsException, ResourceNotFoundException, ForbiddenException},
	OpListAccountRoles:   {InvalidRequestException, UnauthorizedException, TooManyRequestsException, ResourceNotFoundException, ForbiddenException},
	OpLogout:             {InvalidRequestException, UnauthorizedException, TooManyRequestsException},
}

// FaultCodes lists the exceptions Fail can inject into op (an Op* constant,
// or a GrantOp), each sent with the HTTP status and body of the real
// service; nil for an op that takes no faults (the browser pages).
func FaultCodes(op string) []string {
	if base, grant, ok := strings.Cut(op, ":"); ok {
		if base != OpCreateToken || (grant != GrantDeviceCode && grant != GrantAuthorizationCode && grant != GrantRefreshToken) {
			return nil
		}
		op = base
	}
	return slices.Clone(faultCodes[op])
}

// Fail makes the next count requests for op fail with the exception code,
// before anything else is checked. op is an API operation (OpCreateToken
// and the others), GrantOp(grantType) for CreateToken with one grant type
// only, or AnyOp: a fault for AnyOp is taken by the next request whose
// operation can send code. Faults queue up in order; those for
// GrantOp(grant) go before those for OpCreateToken, which go before those
// for AnyOp. Injected failures count as calls, not successes.
func (s *Server) Fail(op, code string, count int) error {
	if err := testsrv.CheckCount(count); err != nil {
		return errorf("fail %s: %v", op, err)
	}
	if op == AnyOp {
		found := false
		for _, codes := range faultCodes {
			found = found || slices.Contains(codes, code)
		}
		if !found {
			return errorf("fail %s: no operation can send %q", op, code)
		}
	} else {
		codes := FaultCodes(op)
		if codes == nil {
			return errorf("fail %s: unknown operation, or one that takes no faults", op)
		}
		if !slices.Contains(codes, code) {
			return errorf("fail %s: cannot inject %q; use one of %s", op, code, strings.Join(codes, ", "))
		}
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

// takeFault consumes the next fault for a request and returns its code, or
// "" when there is none. Callers hold s.mu.
func (s *Server) takeFault(op, grant string) string {
	keys := []string{op, AnyOp}
	if grant != "" {
		keys = []string{GrantOp(grant), op, AnyOp}
	}
	// A fault for AnyOp goes only to an operation that can send it.
	return s.faults.Take(func(key, code string) bool {
		return key != AnyOp || slices.Contains(faultCodes[op], code)
	}, keys...)
}

package ststest

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// AnyAction stands for every action in Fail, Delay, Calls and Successes.
const AnyAction = "*"

// FaultCodes lists the error codes Fail can inject into STS actions, each
// sent with the HTTP status and message of the real service. The last four
// are the errors of AssumeRoleWithWebIdentity (IDPCommunicationError, which
// SDKs retry, is its alone) and AssumeRoleWithSAML. IAMFaultCodes lists
// those for IAM actions.
func FaultCodes() []string {
	return []string{
		codeAccessDenied,          // 403
		codeExpiredToken,          // 400
		codeInvalidClientTokenID,  // 403
		codeSignatureDoesNotMatch, // 403
		codeRegionDisabled,        // 403
		codeThrottling,            // 400 "Rate exceeded"
		codeInternalFailure,       // 500
		codeServiceUnavailable,    // 503
		codeIDPCommunication,      // 400
		codeIDPRejectedClaim,      // 403
		codeInvalidIdentityToken,  // 400
		codeExpiredTokenException, // 400
	}
}

// IAMFaultCodes lists the error codes Fail can inject into IAM actions,
// each sent with the HTTP status and message of the real service.
func IAMFaultCodes() []string {
	return []string{
		codeAccessDenied,          // 403
		codeExpiredToken,          // 400
		codeInvalidClientTokenID,  // 403
		codeSignatureDoesNotMatch, // 403
		codeThrottling,            // 400 "Rate exceeded"
		codeLimitExceeded,         // 409 "Cannot exceed quota for AccessKeysPerUser: 2"
		codeNoSuchEntity,          // 404
		codeServiceFailure,        // 500
		codeServiceUnavailable,    // 503
	}
}

// FederationFaultCodes lists the error codes Fail can inject into the
// federation endpoint's actions ("getSigninToken", "login"): it answers
// them with an HTML error page of that status, as it has no error codes.
func FederationFaultCodes() []string {
	return []string{
		codeInternalFailure,    // 500
		codeServiceUnavailable, // 503
	}
}

// Fail makes the next count requests that name action (AnyAction: any
// action) fail with the error code, before their signature is even checked.
// Action is an STS or an IAM action, or an action of the federation
// endpoint; code must be one of FaultCodes for an STS action, of
// IAMFaultCodes for an IAM action, of FederationFaultCodes for a federation
// action, and of FaultCodes or IAMFaultCodes for AnyAction (sent as is, in
// the error document of whichever service the request went to; the
// federation endpoint takes only faults named for its actions). Faults
// queue up: Fail("AssumeRole", "Throttling", 1) then Fail("AssumeRole",
// "InternalFailure", 1) fails the next two AssumeRole calls in that order. Faults for a named action are used before
// those for AnyAction. Injected failures count as calls, not successes.
func (s *Server) Fail(action, code string, count int) error {
	if err := s.checkActionName(action); err != nil {
		return fmt.Errorf("ststest: fail %s: %w", action, err)
	}
	codes := s.faultCodesFor(action)
	if !slices.Contains(codes, code) {
		return fmt.Errorf("ststest: fail %s: cannot inject %q; use one of %s", action, code, strings.Join(codes, ", "))
	}
	if err := testsrv.CheckCount(count); err != nil {
		return fmt.Errorf("ststest: fail %s: %w", action, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.Add(action, code, count)
	return nil
}

// ClearFaults drops every pending injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.Clear()
}

// Delay holds every response to action (AnyAction: to any action without a
// delay of its own, the federation endpoint's included) for d before
// handling it, e.g. to have many clients in flight at once, or to show that
// a client gives up on a hung endpoint. Zero removes the delay.
func (s *Server) Delay(action string, d time.Duration) error {
	if err := s.checkActionName(action); err != nil {
		return fmt.Errorf("ststest: delay %s: %w", action, err)
	}
	if d < 0 {
		return fmt.Errorf("ststest: delay %s: negative duration %v", action, d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d == 0 {
		delete(s.delays, action)
	} else {
		s.delays[action] = d
	}
	return nil
}

func (s *Server) checkActionName(action string) error {
	if action == AnyAction {
		return nil
	}
	_, sts := s.sts.actions[action]
	_, iam := s.iam.actions[action]
	if !sts && !iam && !isFederationAction(action) {
		return fmt.Errorf("unknown action %q", action)
	}
	return nil
}

// faultCodesFor lists the codes Fail accepts for action: those of its
// service, or of both for AnyAction.
func (s *Server) faultCodesFor(action string) []string {
	if _, iam := s.iam.actions[action]; iam {
		return IAMFaultCodes()
	}
	if isFederationAction(action) {
		return FederationFaultCodes()
	}
	codes := FaultCodes()
	if action == AnyAction {
		for _, c := range IAMFaultCodes() {
			if !slices.Contains(codes, c) {
				codes = append(codes, c)
			}
		}
	}
	return codes
}

// delayFor is the delay for action. Callers hold s.mu.
func (s *Server) delayFor(action string) time.Duration {
	if d, ok := s.delays[action]; ok {
		return d
	}
	return s.delays[AnyAction]
}

// takeFault consumes the next fault for a request naming action, sent to
// api, and returns its code, or "" when there is none. A fault for a named
// action is only used by the service of that action. Callers hold s.mu.
func (s *Server) takeFault(api *api, action string) string {
	if _, ok := api.actions[action]; ok {
		return s.faults.Take(nil, action, AnyAction)
	}
	return s.faults.Take(nil, AnyAction)
}

// faultError is the error document for an injected fault, worded as the
// real service would word it for this caller. Callers hold s.mu.
func (s *Server) faultError(api *api, code, action, keyID string, params url.Values) *apiError {
	arn, account := s.describeKey(keyID)
	if arn == "" {
		arn = "anonymous"
	}
	switch code {
	case codeAccessDenied:
		if api.unsigned[action] {
			return notAuthorized(action)
		}
		if api == s.iam {
			_, shown := s.faultUserName(keyID, params)
			return iamAccessDenied(arn, action, shown, denyNoAllow)
		}
		resource := params.Get("RoleArn")
		if action == actionGetFederationToken && account != "" && params.Get("Name") != "" {
			// The real message names the federated user asked for.
			resource = federatedUserARN(account, params.Get("Name"))
		}
		return accessDenied(arn, action, resource)
	case codeNoSuchEntity:
		if id := params.Get("AccessKeyId"); id != "" {
			return noSuchKey(id)
		}
		name, _ := s.faultUserName(keyID, params)
		return noSuchUser(name)
	case codeLimitExceeded:
		return newError(code, "%s", msgKeyQuota)
	case codeServiceFailure:
		return newError(code, "%s", msgInternal)
	case codeExpiredToken:
		return newError(code, "%s", msgExpiredToken)
	case codeInvalidClientTokenID:
		return newError(code, "%s", msgInvalidToken)
	case codeSignatureDoesNotMatch:
		return newError(code, "%s", msgBadSignature)
	case codeRegionDisabled:
		return newError(code, "STS is not activated in this region for account:%s. Your account administrator can activate STS in this region using the IAM Console.", account)
	case codeThrottling:
		return newError(code, "%s", msgThrottling)
	case codeServiceUnavailable:
		return newError(code, "%s", msgUnavailable)
	case codeIDPCommunication:
		return newError(code, "%s", idpUnreachable(unverifiedIssuer(params.Get("WebIdentityToken"))))
	case codeIDPRejectedClaim:
		return newError(code, "%s", msgIDPRejectedClaim)
	case codeInvalidIdentityToken:
		return newError(code, "%s", msgNoVerificationKey)
	case codeExpiredTokenException:
		return newError(code, "%s", msgTokenExpired)
	}
	return newError(codeInternalFailure, "%s", msgInternal)
}

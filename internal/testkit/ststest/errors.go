package ststest

import (
	"fmt"
	"net/http"
)

// Error codes the server answers with. The HTTP status of each is fixed by
// statusOf, as the real service does.
const (
	codeAccessDenied          = "AccessDenied"
	codeExpiredToken          = "ExpiredToken"
	codeExpiredTokenException = "ExpiredTokenException" // a web identity token or SAML assertion
	codeIDPCommunication      = "IDPCommunicationError"
	codeIDPRejectedClaim      = "IDPRejectedClaim"
	codeIncompleteSignature   = "IncompleteSignature"
	codeInternalFailure       = "InternalFailure"
	codeInvalidAction         = "InvalidAction"
	codeInvalidClientTokenID  = "InvalidClientTokenId"
	codeInvalidIdentityToken  = "InvalidIdentityToken"
	codeLimitExceeded         = "LimitExceeded"
	codeMalformedPolicy       = "MalformedPolicyDocument"
	codeMissingAuthentication = "MissingAuthenticationToken"
	codeNoSuchEntity          = "NoSuchEntity"
	codePackedPolicyTooLarge  = "PackedPolicyTooLarge"
	codeRegionDisabled        = "RegionDisabledException"
	codeRequestTooLarge       = "RequestEntityTooLarge"
	codeServiceFailure        = "ServiceFailure"
	codeServiceUnavailable    = "ServiceUnavailable"
	codeSignatureDoesNotMatch = "SignatureDoesNotMatch"
	codeThrottling            = "Throttling"
	codeValidationError       = "ValidationError"
)

// Messages the real service uses, word for word.
const (
	msgInvalidToken  = "The security token included in the request is invalid."
	msgExpiredToken  = "The security token included in the request is expired"
	msgBadSignature  = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgMissingAuth   = "Request is missing Authentication Token"
	msgMFASerial     = "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."
	msgMFACode       = "MultiFactorAuthentication failed with invalid MFA one time pass code."
	msgSessionGST    = "Cannot call GetSessionToken with session credentials"
	msgSessionGFT    = "Cannot call GetFederationToken with session credentials"
	msgPolicyJSON    = "The policy is not in the valid JSON format."
	msgChainDuration = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
	msgRoleDuration  = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
	msgThrottling    = "Rate exceeded"
	msgInternal      = "The request processing has failed because of an unknown error, exception or failure."
	msgUnavailable   = "The request has failed due to a temporary failure of the server."
)

// apiError is an error the server reports to the client as an ErrorResponse
// document.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// errorType is the Error/Type element: Sender for 4xx, Receiver for 5xx.
func (e *apiError) errorType() string {
	if e.status >= 500 {
		return "Receiver"
	}
	return "Sender"
}

// newError builds an apiError with the status that belongs to code.
func newError(code, format string, args ...any) *apiError {
	status, ok := statusOf(code)
	if !ok {
		status = http.StatusBadRequest
	}
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// statusOf is the HTTP status the real service sends with an error code.
func statusOf(code string) (int, bool) {
	switch code {
	case codeAccessDenied, codeInvalidClientTokenID, codeSignatureDoesNotMatch,
		codeMissingAuthentication, codeIncompleteSignature, codeRegionDisabled,
		codeIDPRejectedClaim:
		return http.StatusForbidden, true
	case codeExpiredToken, codeValidationError, codeThrottling, codeInvalidAction,
		codePackedPolicyTooLarge, codeExpiredTokenException, codeIDPCommunication,
		codeInvalidIdentityToken, codeMalformedPolicy:
		return http.StatusBadRequest, true
	case codeRequestTooLarge:
		return http.StatusRequestEntityTooLarge, true
	case codeNoSuchEntity:
		return http.StatusNotFound, true
	case codeLimitExceeded:
		return http.StatusConflict, true
	case codeInternalFailure, codeServiceFailure:
		return http.StatusInternalServerError, true
	case codeServiceUnavailable:
		return http.StatusServiceUnavailable, true
	}
	return 0, false
}

func accessDenied(callerARN, action, resource string) *apiError {
	if resource == "" {
		return newError(codeAccessDenied, "User: %s is not authorized to perform: sts:%s", callerARN, action)
	}
	return newError(codeAccessDenied, "User: %s is not authorized to perform: sts:%s on resource: %s", callerARN, action, resource)
}

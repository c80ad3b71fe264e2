package ssotest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Exceptions of the SSO OIDC API (com.amazonaws.ssooidc). On the wire the
// service names the exception in the x-amzn-ErrorType header and sends the
// OAuth 2.0 error in the body: HTTP 400 with
//
//	x-amzn-ErrorType: AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/
//	{"error":"authorization_pending","error_description":"Authorization is still pending"}
//
// (401 for InvalidClientException, 500 for InternalServerException). The
// SDKs take the exception from the header: the body has no __type.
const (
	AccessDeniedException          = "AccessDeniedException"
	AuthorizationPendingException  = "AuthorizationPendingException"
	ExpiredTokenException          = "ExpiredTokenException"
	InternalServerException        = "InternalServerException"
	InvalidClientException         = "InvalidClientException"
	InvalidClientMetadataException = "InvalidClientMetadataException"
	InvalidGrantException          = "InvalidGrantException"
	InvalidRedirectURIException    = "InvalidRedirectUriException"
	InvalidRequestException        = "InvalidRequestException" // also a portal exception
	InvalidScopeException          = "InvalidScopeException"
	SlowDownException              = "SlowDownException"
	UnauthorizedClientException    = "UnauthorizedClientException"
	UnsupportedGrantTypeException  = "UnsupportedGrantTypeException"
)

// Exceptions of the portal API (com.amazonaws.sso, served by
// com.amazonaws.switchboard.portal), sent as
//
//	{"message":"Session token not found or invalid","__type":"com.amazonaws.switchboard.portal#UnauthorizedException"}
//
// with the x-amzn-ErrorType header too. ForbiddenException is not in the
// API model, but it is what the service answers for a role the user has no
// access to ("No access"); the Go SDK reports it as a smithy.GenericAPIError.
const (
	ForbiddenException        = "ForbiddenException"
	ResourceNotFoundException = "ResourceNotFoundException"
	TooManyRequestsException  = "TooManyRequestsException"
	UnauthorizedException     = "UnauthorizedException"
)

// oauthErrors maps an OIDC exception to its OAuth 2.0 "error" value.
var oauthErrors = map[string]string{
	AccessDeniedException:          "access_denied",
	AuthorizationPendingException:  "authorization_pending",
	ExpiredTokenException:          "expired_token",
	InternalServerException:        "server_error",
	InvalidClientException:         "invalid_client",
	InvalidClientMetadataException: "invalid_client_metadata",
	InvalidGrantException:          "invalid_grant",
	InvalidRedirectURIException:    "invalid_redirect_uri",
	InvalidRequestException:        "invalid_request",
	InvalidScopeException:          "invalid_scope",
	SlowDownException:              "slow_down",
	UnauthorizedClientException:    "unauthorized_client",
	UnsupportedGrantTypeException:  "unsupported_grant_type",
}

// Messages. Those marked "seen" were captured from the real service in
// public debug logs; the others are plausible wording.
const (
	msgPending         = "Authorization is still pending"         // seen
	msgInvalidRefresh  = "Invalid refresh token provided"         // seen
	msgInvalidGrant    = "Invalid grant provided"                 // seen
	msgSessionToken    = "Session token not found or invalid"     // seen (portal)
	msgNoAccess        = "No access"                              // seen (portal)
	msgSlowDown        = "Client is polling too fast"             // plausible
	msgDeviceExpired   = "Device code has expired"                // plausible
	msgAccessDenied    = "Access denied"                          // plausible
	msgInvalidClient   = "Invalid client provided"                // plausible
	msgClientExpired   = "Client registration has expired"        // plausible
	msgInternal        = "An internal error occurred"             // plausible
	msgTooManyRequests = "Rate exceeded"                          // plausible
	msgNotFound        = "The specified resource doesn't exist."  // API reference
	msgInvalidRequest  = "The request is invalid"                 // plausible
	msgUnauthClient    = "Client is not authorized for the grant" // plausible
)

// apiError is an exception the server answers with.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func newError(code, format string, args ...any) *apiError {
	return &apiError{status: statusOf(code), code: code, message: fmt.Sprintf(format, args...)}
}

// statusOf is the HTTP status the service sends with an exception, as the
// API models' httpError traits give it.
func statusOf(code string) int {
	switch code {
	case InvalidClientException, UnauthorizedException:
		return http.StatusUnauthorized
	case ForbiddenException:
		return http.StatusForbidden
	case ResourceNotFoundException:
		return http.StatusNotFound
	case TooManyRequestsException:
		return http.StatusTooManyRequests
	case InternalServerException:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// defaultMessage is the message of an injected fault.
func defaultMessage(code string) string {
	switch code {
	case AccessDeniedException:
		return msgAccessDenied
	case AuthorizationPendingException:
		return msgPending
	case ExpiredTokenException:
		return msgDeviceExpired
	case InternalServerException:
		return msgInternal
	case InvalidClientException:
		return msgInvalidClient
	case InvalidGrantException:
		return msgInvalidGrant
	case SlowDownException:
		return msgSlowDown
	case UnauthorizedClientException:
		return msgUnauthClient
	case UnauthorizedException:
		return msgSessionToken
	case ForbiddenException:
		return msgNoAccess
	case ResourceNotFoundException:
		return msgNotFound
	case TooManyRequestsException:
		return msgTooManyRequests
	}
	return msgInvalidRequest
}

// Values of the x-amzn-ErrorType header after the exception name.
const (
	oidcErrorNamespace   = ":http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
	portalErrorNamespace = ":http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/"
	portalTypePrefix     = "com.amazonaws.switchboard.portal#"
)

// writeError sends e as the OIDC API or the portal sends it.
func writeError(w http.ResponseWriter, portal bool, e *apiError) {
	var body any
	if portal {
		w.Header().Set("x-amzn-ErrorType", e.code+portalErrorNamespace)
		body = map[string]string{"message": e.message, "__type": portalTypePrefix + e.code}
	} else {
		w.Header().Set("x-amzn-ErrorType", e.code+oidcErrorNamespace)
		body = map[string]string{"error": oauthErrors[e.code], "error_description": e.message}
	}
	writeJSON(w, e.status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"message":"encoding the response failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

package signintest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Exceptions of CreateOAuth2Token (com.amazonaws.signin, REST-JSON), as the
// service sends them: the HTTP status, and a body naming the exception in
// __type with the OAuth 2.0 error code in "error":
//
//	HTTP/1.1 401 Unauthorized
//	{"__type":"AccessDeniedException","error":"TOKEN_EXPIRED","message":"The refresh token has expired."}
//
// The API model gives CreateOAuth2Token these four exceptions; AWS's
// documentation of AccessDeniedException maps its error codes to 401
// (TOKEN_EXPIRED, AUTHCODE_EXPIRED) and 403 (USER_CREDENTIALS_CHANGED,
// INSUFFICIENT_PERMISSIONS). ServiceUnavailableException (503) is in the
// service's model, not in the operation's; the SDKs decode it all the same,
// and it stands for an outage.
const (
	AccessDeniedException       = "AccessDeniedException"
	ValidationException         = "ValidationException"
	TooManyRequestsError        = "TooManyRequestsError"
	InternalServerException     = "InternalServerException"
	ServiceUnavailableException = "ServiceUnavailableException"
)

// OAuth2ErrorCode values, the "error" member of every exception.
const (
	// TokenExpired: the sign-in session is over (12 hours), or, as users
	// of the real service found, the DPoP proof's iat is off the server's
	// clock: sign in again (or fix the clock).
	TokenExpired = "TOKEN_EXPIRED"
	// UserCredentialsChanged: the user's password changed since the
	// sign-in.
	UserCredentialsChanged = "USER_CREDENTIALS_CHANGED"
	// InsufficientPermissions: the identity lacks signin:CreateOAuth2Token
	// (the managed policy SignInLocalDevelopmentAccess grants it).
	InsufficientPermissions = "INSUFFICIENT_PERMISSIONS"
	// AuthcodeExpired: the authorization code was exchanged too late.
	AuthcodeExpired = "AUTHCODE_EXPIRED"
	// InvalidRequest: a malformed request, a bad grant (unknown, used,
	// rotated or revoked), a bad DPoP proof; also the error of
	// TooManyRequestsError.
	InvalidRequest = "INVALID_REQUEST"
	// ServerError goes with InternalServerException, ServiceUnavailable
	// with ServiceUnavailableException.
	ServerError        = "server_error"
	ServiceUnavailable = "service_unavailable"
)

// Messages. Those marked "seen" were reported from the real service; the
// others are plausible wording.
const (
	msgTokenExpired       = "The refresh token has expired."                                              // seen
	msgInvalidGrant       = "The provided authorization grant is invalid, expired, revoked, or malformed" // seen
	msgAuthcodeExpired    = "The authorization code has expired."
	msgCredentialsChanged = "The user's credentials have changed since the session began."
	msgInsufficient       = "The identity is not authorized to perform signin:CreateOAuth2Token."
	msgRateExceeded       = "Rate exceeded"
	msgInternal           = "An internal error occurred."
	msgUnavailable        = "The service is temporarily unavailable."
)

// apiError is an exception the token endpoint answers with.
type apiError struct {
	status  int
	typ     string // the exception, sent as __type
	code    string // the OAuth2ErrorCode, sent as "error"
	message string
}

func (e *apiError) Error() string { return e.typ + " (" + e.code + "): " + e.message }

// denied is an AccessDeniedException with its status by error code.
func denied(code, message string) *apiError {
	status := http.StatusUnauthorized // TOKEN_EXPIRED, AUTHCODE_EXPIRED
	if code == UserCredentialsChanged || code == InsufficientPermissions {
		status = http.StatusForbidden
	}
	return &apiError{status: status, typ: AccessDeniedException, code: code, message: message}
}

// invalid is a ValidationException with the error INVALID_REQUEST.
func invalid(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: ValidationException, code: InvalidRequest, message: fmt.Sprintf(format, args...)}
}

// badGrant is the ValidationException users of the real service meet for
// a refresh token that no longer works.
func badGrant() *apiError { return invalid("%s", msgInvalidGrant) }

// faultError is the exception an injected fault answers with.
func faultError(typ string) *apiError {
	switch typ {
	case TooManyRequestsError:
		return &apiError{status: http.StatusTooManyRequests, typ: typ, code: InvalidRequest, message: msgRateExceeded}
	case InternalServerException:
		return &apiError{status: http.StatusInternalServerError, typ: typ, code: ServerError, message: msgInternal}
	case ServiceUnavailableException:
		return &apiError{status: http.StatusServiceUnavailable, typ: typ, code: ServiceUnavailable, message: msgUnavailable}
	}
	panic("signintest: no fault " + typ) // Fail checks the code
}

// writeError sends e as the service does.
func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, struct {
		Type    string `json:"__type"`
		Error   string `json:"error"`
		Message string `json:"message"`
	}{e.typ, e.code, e.message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"__type":"InternalServerException","error":"server_error","message":"encoding the response failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

package identitycenter

import "github.com/stscred/stscred/internal/aws/restjson"

// oidcOp reports whether op is a call of the SSO OIDC API (else the
// portal's).
func oidcOp(op string) bool {
	switch op {
	case "RegisterClient", "StartDeviceAuthorization", "CreateToken":
		return true
	}
	return false
}

// messageOf is an exception's message, as the SDK's clients gave it: the
// OIDC API's exceptions carry the OAuth 2.0 error_description (their model
// has no message); the portal's, their message; an exception neither
// model names, its message, or "UnknownError" without one.
func messageOf(e *restjson.Error, oidc bool) string {
	switch {
	case !e.Modeled:
		if e.Message == "" {
			return "UnknownError"
		}
		return e.Message
	case oidc:
		return e.Description
	}
	return e.Message
}

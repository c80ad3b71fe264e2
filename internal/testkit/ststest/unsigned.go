package ststest

import (
	"net/http"
	"time"
)

// federationActions are the STS actions a caller makes before it has any
// AWS credentials: the web identity token or the SAML assertion is the
// credential. They take no SigV4 signature (the SDKs send them anonymous:
// botocore disables signing for them, the Go SDK resolves the anonymous auth
// scheme whatever credentials the client has); a signature that comes
// anyway is ignored, not checked, as the real service does. They verify
// their token or assertion themselves, outside the server's lock, since
// that may mean fetching an identity provider's keys.
var federationActions = map[string]bool{
	"AssumeRoleWithWebIdentity": true,
	"AssumeRoleWithSAML":        true,
}

// callerOf is who makes a request: the principal whose signature verified,
// or an empty (anonymous) caller for an action that takes no signature.
func (s *Server) callerOf(r *http.Request, body []byte, api *api, action string, now time.Time) (*caller, *apiError) {
	if api.unsigned[action] {
		return &caller{}, nil
	}
	return s.authenticate(r, body, sigV4Scope{service: api.service, region: api.region}, now)
}

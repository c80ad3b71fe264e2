package ststest

import "net/url"

// Messages of IAM, word for word where they differ from STS's.
const (
	// msgIAMInvalidToken is IAM's wording of InvalidClientTokenId: STS's
	// without the final period.
	msgIAMInvalidToken = "The security token included in the request is invalid"
	msgKeyQuota        = "Cannot exceed quota for AccessKeysPerUser: 2"
	// msgNonUserCreds answers a role session that leaves out UserName.
	msgNonUserCreds = "Must specify userName when calling with non-User credentials"
	// msgInvalidMarker answers a Marker that no page of this server
	// ended with. The wording is what IAM emulators report; it is not
	// confirmed against the real service.
	msgInvalidMarker = "Invalid Marker."
)

// denyReason is why IAM refused an action, which ends its AccessDenied
// message.
type denyReason int

const (
	// denyNoAllow: no policy of the caller allows the action.
	denyNoAllow denyReason = iota
	// denyExplicit: a Deny statement of the caller's policy matched.
	denyExplicit
)

// iamAccessDenied is IAM's AccessDenied for an action on a user. resource
// is the user's name as IAM shows it: when the request left UserName out,
// IAM shows "null" before the name ("user nullalice"), as the real service
// does.
func iamAccessDenied(callerARN, action, resource string, why denyReason) *apiError {
	if why == denyExplicit {
		return newError(codeAccessDenied, "User: %s is not authorized to perform: iam:%s on resource: user %s with an explicit deny in an identity-based policy",
			callerARN, action, resource)
	}
	return newError(codeAccessDenied, "User: %s is not authorized to perform: iam:%s on resource: user %s because no identity-based policy allows the iam:%s action",
		callerARN, action, resource, action)
}

func noSuchUser(name string) *apiError {
	return newError(codeNoSuchEntity, "The user with name %s cannot be found.", name)
}

func noSuchKey(id string) *apiError {
	return newError(codeNoSuchEntity, "The Access Key with id %s cannot be found.", id)
}

// faultUserName is the user an injected IAM fault names: the UserName
// parameter, else the user behind the signing key, else "". shown is the
// name as an AccessDenied message shows it ("null" before an implicit
// user's name). Callers hold s.mu.
func (s *Server) faultUserName(keyID string, params url.Values) (name, shown string) {
	if name := params.Get("UserName"); name != "" {
		return name, name
	}
	if k, ok := s.keys[keyID]; ok {
		name = k.user.name
	} else if sess, ok := s.sessions[keyID]; ok && !sess.roleSession() {
		name = sess.user.name
	}
	return name, "null" + name
}

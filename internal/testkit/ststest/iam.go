package ststest

// The IAM query API (version 2010-05-08): the access-key actions a key
// rotation needs. IAM is global: its endpoint is https://iam.amazonaws.com
// and requests are signed for service "iam" in region us-east-1.

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The IAM actions the server speaks.
const (
	actionGetUser         = "GetUser"
	actionListAccessKeys  = "ListAccessKeys"
	actionCreateAccessKey = "CreateAccessKey"
	actionUpdateAccessKey = "UpdateAccessKey"
	actionDeleteAccessKey = "DeleteAccessKey"
)

// Parameter patterns, as the service reports them in ValidationErrors.
const (
	userNamePattern    = `[\w+=,.@-]+`
	userNameChars      = "+=,.@-"
	accessKeyIDPattern = `[\w]+`
)

func (s *Server) newIAMAPI() *api {
	return &api{
		service:   "iam",
		region:    "us-east-1",
		version:   "2010-05-08",
		namespace: "https://iam.amazonaws.com/doc/2010-05-08/",
		actions: map[string]actionFunc{
			actionGetUser:         s.getUser,
			actionListAccessKeys:  s.listAccessKeys,
			actionCreateAccessKey: s.createAccessKey,
			actionUpdateAccessKey: s.updateAccessKey,
			actionDeleteAccessKey: s.deleteAccessKey,
		},
		admit:   admitIAM,
		wording: map[string]string{msgInvalidToken: msgIAMInvalidToken},
	}
}

// admitIAM refuses credentials from GetSessionToken obtained without an MFA
// code: the STS API reference (GetSessionToken) documents that they cannot
// call IAM unless MFA information came with the GetSessionToken request.
// The real service answers InvalidClientTokenId, as if the token were
// unknown, in IAM's wording (no final period).
//
// GetFederationToken credentials may call no IAM action at all (STS API
// reference, GetFederationToken). The reference does not say how IAM
// refuses them; they are answered like GetSessionToken credentials without
// MFA, with InvalidClientTokenId.
func admitIAM(c *caller) *apiError {
	if c.session != nil && !c.session.roleSession() && (!c.session.MFA || c.session.federated()) {
		return newError(codeInvalidClientTokenID, "%s", msgIAMInvalidToken)
	}
	return nil
}

// iamTarget validates the request (UserName and whatever the caller put in
// v already), then resolves the user an IAM action acts on and checks that
// the caller may: UserName, or the caller's own user when it is left out.
// A user may act on itself (on any user of its account with SetIAMAdmin);
// a role session on no user. Callers hold s.mu.
func (s *Server) iamTarget(c *call, v *validator) (*userRecord, *apiError) {
	name, named := v.str("UserName", "userName", false, 1, 128, userNameChars, userNamePattern)
	if err := v.err(); err != nil {
		return nil, err
	}
	caller := c.caller
	if caller.session != nil && caller.session.roleSession() {
		if !named {
			return nil, newError(codeValidationError, "%s", msgNonUserCreds)
		}
		return nil, iamAccessDenied(caller.arn(), c.action, name, denyNoAllow)
	}
	self := caller.user
	shown := name
	if !named {
		name, shown = self.name, "null"+self.name
	}
	// An explicit deny wins over any allow.
	if self.mfaForIAM && !caller.mfa() && c.action != actionGetUser {
		return nil, iamAccessDenied(caller.arn(), c.action, shown, denyExplicit)
	}
	if name != self.name && !self.iamAdmin {
		return nil, iamAccessDenied(caller.arn(), c.action, shown, denyNoAllow)
	}
	target := s.userNamed(self.account, name)
	if target == nil {
		return nil, noSuchUser(name)
	}
	return target, nil
}

// targetKey returns the long-term key id of user, or NoSuchEntity. Callers
// hold s.mu.
func (s *Server) targetKey(user *userRecord, id string) (*keyRecord, *apiError) {
	k, ok := s.keys[id]
	if !ok || k.user != user {
		return nil, noSuchKey(id)
	}
	return k, nil
}

func (s *Server) getUser(c *call) (any, *apiError) {
	user, err := s.iamTarget(c, &validator{params: c.params})
	if err != nil {
		return nil, err
	}
	return getUserResult{User: iamUserXML{
		Path:       "/",
		UserName:   user.name,
		UserID:     user.id,
		Arn:        user.arn(),
		CreateDate: formatExpiration(user.created),
	}}, nil
}

func (s *Server) listAccessKeys(c *call) (any, *apiError) {
	v := validator{params: c.params}
	marker, paged := v.str("Marker", "marker", false, 1, 320, "", "")
	maxItems := v.integer("MaxItems", "maxItems", 1, 1000, 100)
	user, err := s.iamTarget(c, &v)
	if err != nil {
		return nil, err
	}
	keys := s.keysOf(user)
	if paged {
		from, ok := parseKeyMarker(marker)
		if !ok {
			return nil, newError(codeValidationError, "%s", msgInvalidMarker)
		}
		// The keys from the one the marker names on; a key deleted since
		// is skipped, not an error.
		keys = slices.DeleteFunc(keys, func(k *keyRecord) bool { return k.seq < from })
	}
	res := listAccessKeysResult{}
	res.AccessKeyMetadata.Members = []accessKeyMetadataXML{}
	if len(keys) > maxItems {
		res.IsTruncated, res.Marker = true, keyMarker(keys[maxItems].seq)
		keys = keys[:maxItems]
	}
	for _, k := range keys {
		res.AccessKeyMetadata.Members = append(res.AccessKeyMetadata.Members, accessKeyMetadataXML{
			UserName:    user.name,
			AccessKeyID: k.key.ID,
			Status:      k.status(),
			CreateDate:  formatExpiration(k.created),
		})
	}
	return res, nil
}

// keyMarker is the Marker of a ListAccessKeys page that ends before the
// key made seq-th: opaque to clients, as IAM's markers are.
func keyMarker(seq int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("ststest-key-marker:" + strconv.Itoa(seq)))
}

// parseKeyMarker reads a marker keyMarker made.
func parseKeyMarker(m string) (seq int, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return 0, false
	}
	n, found := strings.CutPrefix(string(b), "ststest-key-marker:")
	if !found {
		return 0, false
	}
	seq, err = strconv.Atoi(n)
	return seq, err == nil && seq >= 0
}

func (s *Server) createAccessKey(c *call) (any, *apiError) {
	user, err := s.iamTarget(c, &validator{params: c.params})
	if err != nil {
		return nil, err
	}
	if len(s.keysOf(user)) >= maxKeysPerUser {
		return nil, newError(codeLimitExceeded, "%s", msgKeyQuota)
	}
	k := AccessKey{ID: s.uniqueID("AKIA", 16), Secret: newSecret()}
	var usableAt time.Time
	if s.opts.KeyPropagation > 0 {
		usableAt = c.now.Add(s.opts.KeyPropagation)
	}
	rec := s.addKey(k, user, c.now, usableAt)
	return createAccessKeyResult{AccessKey: accessKeyXML{
		UserName:        user.name,
		AccessKeyID:     k.ID,
		Status:          rec.status(),
		SecretAccessKey: k.Secret,
		CreateDate:      formatExpiration(rec.created),
	}}, nil
}

func (s *Server) updateAccessKey(c *call) (any, *apiError) {
	v := validator{params: c.params}
	id, _ := v.str("AccessKeyId", "accessKeyId", true, 16, 128, "", accessKeyIDPattern)
	status, _ := v.enum("Status", "status", true, keyStatusActive, keyStatusInactive)
	user, err := s.iamTarget(c, &v)
	if err != nil {
		return nil, err
	}
	k, err := s.targetKey(user, id)
	if err != nil {
		return nil, err
	}
	k.active = status == keyStatusActive
	return nil, nil
}

func (s *Server) deleteAccessKey(c *call) (any, *apiError) {
	v := validator{params: c.params}
	id, _ := v.str("AccessKeyId", "accessKeyId", true, 16, 128, "", accessKeyIDPattern)
	user, err := s.iamTarget(c, &v)
	if err != nil {
		return nil, err
	}
	if _, err := s.targetKey(user, id); err != nil {
		return nil, err
	}
	delete(s.keys, id)
	return nil, nil
}

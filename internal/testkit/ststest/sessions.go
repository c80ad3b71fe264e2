package ststest

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Session describes temporary credentials the server issued, for tests to
// inspect (see Server.Sessions).
type Session struct {
	AccessKeyID string `json:"accessKeyId"`
	// Action is the STS action that issued the session: "GetSessionToken",
	// "AssumeRole", "GetFederationToken", "AssumeRoleWithWebIdentity",
	// "AssumeRoleWithSAML", "GetRoleCredentials" (IssueRoleSession), or
	// "CreateOAuth2Token" (an `aws login` session: IssueUserSession,
	// IssueLoginRoleSession).
	Action string `json:"action"`
	// ARN is what GetCallerIdentity reports for the session.
	ARN string `json:"arn"`
	// UserARN is the IAM user whose long-term key started the chain; empty
	// when a web identity or SAML assertion started it.
	UserARN         string `json:"userArn"`
	RoleARN         string `json:"roleArn,omitempty"` // empty for GetSessionToken sessions
	RoleSessionName string `json:"roleSessionName,omitempty"`
	// MFA is true when the session counts as MFA-authenticated: a code was
	// checked for it or for the session it was obtained with.
	MFA bool `json:"mfa"`
	// Chained is true for AssumeRole called with AssumeRole credentials.
	Chained           bool              `json:"chained"`
	Issued            time.Time         `json:"issued"`
	Expiration        time.Time         `json:"expiration"`
	SourceIdentity    string            `json:"sourceIdentity,omitempty"`
	ExternalID        string            `json:"externalId,omitempty"`
	Tags              map[string]string `json:"tags,omitempty"`
	TransitiveTagKeys []string          `json:"transitiveTagKeys,omitempty"`
	// PolicyArns and Policy are the session policies passed, recorded as is.
	PolicyArns []string `json:"policyArns,omitempty"`
	Policy     string   `json:"policy,omitempty"`
	// FederatedUserName is the Name given to GetFederationToken; empty for
	// other sessions.
	FederatedUserName string `json:"federatedUserName,omitempty"`
	// NoPermissions is true for a GetFederationToken session obtained
	// without Policy or PolicyArns: AWS issues it, but it may do nothing
	// (its permissions are the intersection of the user's and the passed
	// policies), so a client that forgets the policy gets a useless session
	// without any error. Tests assert on this.
	NoPermissions bool `json:"noPermissions,omitempty"`
	// ProviderARN, Issuer, Subject and Audience describe the identity
	// behind an AssumeRoleWithWebIdentity or AssumeRoleWithSAML session:
	// the IAM OIDC or SAML provider that vouched for it, the token's iss or
	// the assertion's Issuer, its sub or NameID, and the aud that matched
	// a client id or the assertion's Recipient. SubjectType is the NameID
	// format, as AssumeRoleWithSAML reports it ("persistent", ...).
	ProviderARN string `json:"providerArn,omitempty"`
	Issuer      string `json:"issuer,omitempty"`
	Subject     string `json:"subject,omitempty"`
	SubjectType string `json:"subjectType,omitempty"`
	Audience    string `json:"audience,omitempty"`
	// SecretAccessKey and SessionToken are the issued secrets, so tests can
	// check that no copy of them lands anywhere it should not. The admin
	// API does not serve them.
	SecretAccessKey string `json:"-"`
	SessionToken    string `json:"-"`
}

type sessionRecord struct {
	Session
	seq    int
	secret string
	token  string
	user   *userRecord // nil when a web identity or SAML assertion started the chain
	role   *roleRecord // nil for GetSessionToken and GetFederationToken
	// viaSession: AssumeRole was signed with temporary credentials (a role
	// session or a GetSessionToken session), which limits the console
	// session the federation endpoint grants (see federation.go).
	viaSession bool
}

// roleSession reports whether the session came from AssumeRole.
func (r *sessionRecord) roleSession() bool { return r.role != nil }

// federated reports whether the session came from GetFederationToken: a
// federated user with an identity of its own.
func (r *sessionRecord) federated() bool { return r.Action == actionGetFederationToken }

// caller is the principal that signed a request. It is empty for the
// actions that take no signature (see unsigned.go).
type caller struct {
	keyID   string
	user    *userRecord    // the IAM user (the chain's origin for sessions); nil for federated chains
	session *sessionRecord // nil for long-term keys
}

func (c *caller) arn() string {
	if c.session != nil && (c.session.roleSession() || c.session.federated()) {
		return c.session.ARN
	}
	return c.user.arn()
}

func (c *caller) account() string {
	if c.session != nil && c.session.roleSession() {
		return c.session.role.account
	}
	return c.user.account
}

func (c *caller) userID() string {
	if c.session != nil && c.session.roleSession() {
		return c.session.role.ID + ":" + c.session.RoleSessionName
	}
	if c.session != nil && c.session.federated() {
		// A federated user's id is <account>:<name>, as the aws:userid
		// policy variable documents it.
		return c.user.account + ":" + c.session.FederatedUserName
	}
	return c.user.id
}

// mfa reports whether the caller's credentials carry MFA context.
func (c *caller) mfa() bool { return c.session != nil && c.session.MFA }

// issueSession stores and returns new temporary credentials. Callers hold
// s.mu and fill the descriptive fields of sess.
func (s *Server) issueSession(sess Session, user *userRecord, role *roleRecord, now time.Time, d time.Duration, tokenSize int) *sessionRecord {
	sess.AccessKeyID = s.uniqueID("ASIA", 16)
	sess.Issued = now
	if max := s.opts.MaxRoleCredentialLifetime; role != nil && max > 0 && d > max {
		d = max
	}
	sess.Expiration = now.Add(d).Truncate(time.Second)
	s.sessionSeq++
	rec := &sessionRecord{
		Session: sess,
		seq:     s.sessionSeq,
		secret:  newSecret(),
		token:   newSessionToken(tokenSize),
		user:    user,
		role:    role,
	}
	s.sessions[rec.AccessKeyID] = rec
	return rec
}

// Sessions returns every session the server has issued and not revoked, in
// the order issued.
func (s *Server) Sessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := slices.Collect(maps.Values(s.sessions))
	slices.SortFunc(recs, func(a, b *sessionRecord) int { return a.seq - b.seq })
	out := make([]Session, 0, len(recs))
	for _, r := range recs {
		c := r.Session
		c.Tags = maps.Clone(r.Tags)
		c.TransitiveTagKeys = slices.Clone(r.TransitiveTagKeys)
		c.PolicyArns = slices.Clone(r.PolicyArns)
		c.SecretAccessKey, c.SessionToken = r.secret, r.token
		out = append(out, c)
	}
	return out
}

// ExpireSession makes the temporary credentials with this access key id
// expire now: requests signed with them get ExpiredToken.
func (s *Server) ExpireSession(accessKeyID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.sessions[accessKeyID]
	if !ok {
		return fmt.Errorf("ststest: expire session %s: no such session", accessKeyID)
	}
	rec.Expiration = s.now()
	return nil
}

// ExpireAllSessions makes every issued session expire now.
func (s *Server) ExpireAllSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, rec := range s.sessions {
		rec.Expiration = now
	}
}

// RevokeSession forgets the temporary credentials with this access key id:
// requests signed with them get InvalidClientTokenId.
func (s *Server) RevokeSession(accessKeyID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.sessions[accessKeyID]; !ok {
		return fmt.Errorf("ststest: revoke session %s: no such session", accessKeyID)
	}
	delete(s.sessions, accessKeyID)
	return nil
}

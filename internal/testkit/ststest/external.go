package ststest

import (
	"fmt"
	"time"
)

// IssueRoleSession issues temporary credentials for the role roleARN the way
// another AWS service does on a caller's behalf, without any STS request:
// IAM Identity Center's GetRoleCredentials (see package ststest/ssotest)
// hands out such credentials for an AWSReservedSSO_* role. The returned
// Session has Action "GetRoleCredentials", no UserARN (no IAM user started
// it) and its secrets filled in; GetCallerIdentity signed with it reports
// arn:<partition>:sts::<account>:assumed-role/<role name>/<sessionName> and
// UserId <role id>:<sessionName>, and AssumeRole signed with it is role
// chaining (at most 1 hour).
//
// The role is created when the server does not know it, with a
// MaxSessionDuration of d (raised to 1 hour, at most 12). sessionName must
// be 2-64 characters of [\w+=,.@-] and d positive and within the role's
// MaxSessionDuration; Options.MaxRoleCredentialLifetime caps it as it caps
// AssumeRole.
func (s *Server) IssueRoleSession(roleARN, sessionName string, d time.Duration) (Session, error) {
	return s.issueRoleSession(actionGetRoleCredentials, "issue role session", roleARN, sessionName, d)
}

// actionCreateOAuth2Token is the Action of the sessions AWS Sign-In hands
// out for `aws login` (IssueUserSession, IssueLoginRoleSession).
const actionCreateOAuth2Token = "CreateOAuth2Token"

// IssueLoginRoleSession issues temporary credentials for the role roleARN
// the way AWS Sign-In's CreateOAuth2Token does for a console-federated
// identity that signed in with `aws login` (see package
// ststest/signintest): like IssueRoleSession, with Action
// "CreateOAuth2Token". GetCallerIdentity reports the assumed role, AssumeRole
// signed with it is role chaining (at most 1 hour), and the federation
// endpoint takes it like any role session.
func (s *Server) IssueLoginRoleSession(roleARN, sessionName string, d time.Duration) (Session, error) {
	return s.issueRoleSession(actionCreateOAuth2Token, "issue login role session", roleARN, sessionName, d)
}

func (s *Server) issueRoleSession(action, what, roleARN, sessionName string, d time.Duration) (Session, error) {
	partition, account, name, err := parseRoleARN(roleARN)
	if err != nil {
		return Session{}, fmt.Errorf("ststest: %s: %v", what, err)
	}
	if len(sessionName) < 2 || len(sessionName) > 64 || !allowedChars(sessionName, "+=,.@-") {
		return Session{}, fmt.Errorf("ststest: %s: invalid session name %q", what, sessionName)
	}
	if d <= 0 || d > 12*time.Hour {
		return Session{}, fmt.Errorf("ststest: %s %s: duration %v is outside (0, 12h]", what, roleARN, d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	role := s.roles[roleARN]
	if role == nil {
		role = &roleRecord{
			Role:      Role{ARN: roleARN, ID: s.uniqueID("AROA", 17), MaxSessionDuration: min(max(d, time.Hour), 12*time.Hour)},
			partition: partition, account: account, name: name,
		}
		s.roles[roleARN] = role
	}
	if d > role.MaxSessionDuration {
		return Session{}, fmt.Errorf("ststest: %s %s: duration %v exceeds the role's MaxSessionDuration %v", what, roleARN, d, role.MaxSessionDuration)
	}
	rec := s.issueSession(Session{
		Action:          action,
		ARN:             fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", partition, account, name, sessionName),
		RoleARN:         roleARN,
		RoleSessionName: sessionName,
	}, nil, role, s.now(), d, roleTokenBytes)
	out := rec.Session
	out.SecretAccessKey, out.SessionToken = rec.secret, rec.token
	return out, nil
}

// IssueUserSession issues temporary credentials of the IAM user userARN
// (arn:aws:iam::<account>:user/<name>, added with AddUser) the way AWS
// Sign-In's CreateOAuth2Token does for an IAM user who signed in with `aws
// login` (see package ststest/signintest), without any STS request. The
// returned Session has Action "CreateOAuth2Token", ARN and UserARN the
// user's, MFA as given (the console sign-in enforces the account's MFA:
// true when the user passed it) and its secrets filled in.
//
// The credentials behave as the user's temporary session, like those of
// GetSessionToken: GetCallerIdentity reports arn:aws:iam::<account>:user/<name>
// and UserId AIDA...; AssumeRole signed with them is not role chaining and
// carries their MFA context (a role requiring MFA is assumed without a
// code when mfa is true), though like any AssumeRole signed with temporary
// credentials it is capped at 1 hour; they cannot call GetSessionToken or
// GetFederationToken; IAM takes them only with MFA context; the federation
// endpoint refuses them, as it refuses GetSessionToken credentials.
//
// d must be positive and at most 36 hours.
func (s *Server) IssueUserSession(userARN string, d time.Duration, mfa bool) (Session, error) {
	if d <= 0 || d > 36*time.Hour {
		return Session{}, fmt.Errorf("ststest: issue user session %s: duration %v is outside (0, 36h]", userARN, d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	user := s.users[userARN]
	if user == nil {
		return Session{}, fmt.Errorf("ststest: issue user session: no IAM user %s", userARN)
	}
	rec := s.issueSession(Session{
		Action:  actionCreateOAuth2Token,
		ARN:     user.arn(),
		UserARN: user.arn(),
		MFA:     mfa,
	}, user, nil, s.now(), d, sessionTokenBytes)
	out := rec.Session
	out.SecretAccessKey, out.SessionToken = rec.secret, rec.token
	return out, nil
}

// originARN is the UserARN of a session the caller obtains: its IAM user's
// ARN, or, for a session no IAM user started (IssueRoleSession), that
// session's UserARN (empty).
func (c *caller) originARN() string {
	if c.user != nil {
		return c.user.arn()
	}
	if c.session != nil {
		return c.session.UserARN
	}
	return ""
}

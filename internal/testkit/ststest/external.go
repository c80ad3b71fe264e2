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
	partition, account, name, err := parseRoleARN(roleARN)
	if err != nil {
		return Session{}, fmt.Errorf("ststest: issue role session: %v", err)
	}
	if len(sessionName) < 2 || len(sessionName) > 64 || !allowedChars(sessionName, "+=,.@-") {
		return Session{}, fmt.Errorf("ststest: issue role session: invalid session name %q", sessionName)
	}
	if d <= 0 || d > 12*time.Hour {
		return Session{}, fmt.Errorf("ststest: issue role session %s: duration %v is outside (0, 12h]", roleARN, d)
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
		return Session{}, fmt.Errorf("ststest: issue role session %s: duration %v exceeds the role's MaxSessionDuration %v", roleARN, d, role.MaxSessionDuration)
	}
	rec := s.issueSession(Session{
		Action:          "GetRoleCredentials",
		ARN:             fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", partition, account, name, sessionName),
		RoleARN:         roleARN,
		RoleSessionName: sessionName,
	}, nil, role, s.now(), d, roleTokenBytes)
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

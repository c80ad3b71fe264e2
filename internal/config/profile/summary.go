package profile

import "strings"

// Summary is what a profile stands for, as far as the config tells (no
// keystore, no cache, no network): the account its credentials act in
// and the role they are, or what session they are when no role. The
// profile picker shows it beside each profile.
type Summary struct {
	Kind Kind
	// Account is the account id, "" when the config does not say.
	Account string
	// Role is the role's name (of role_arn, or sso_role_name), "" when
	// the credentials are no role's.
	Role string
	// Session says what credentials a profile that is no role gets: an
	// IAM user's "session" (GetSessionToken), an AWS Sign-In "login"
	// session; "" when unknown.
	Session string
	// Target is the profile whose credentials the profile's are: a tool
	// profile's target (the role it runs stscred role for), else the
	// profile itself. Cached credentials are kept under its name.
	Target string
}

// Summarize says what profile name stands for. A profile that does not
// resolve is Invalid, with nothing else known.
func (m *Model) Summarize(name string) Summary {
	p, err := m.Get(name)
	if err != nil {
		return Summary{Kind: Invalid, Target: name}
	}
	s := Summary{Kind: p.Kind, Target: p.Name}
	target := p.Profile
	session := p.Kind == KeyHolder
	if p.Kind == Tool {
		t, err := m.ToolTarget(p)
		if err != nil {
			return s
		}
		target, session = t.Profile, t.Session
		s.Target = target.Name
	}
	switch {
	case session:
		s.Account, s.Session = accountOfARN(target.MFASerial), "session"
	case target.RoleARN != "":
		s.Account, s.Role = accountOfARN(target.RoleARN), roleName(target.RoleARN)
	case target.SSO != nil:
		s.Account, s.Role = target.SSO.AccountID, target.SSO.RoleName
	case p.Kind == Login:
		s.Account, s.Session = accountOfARN(target.LoginSession), "login"
	}
	return s
}

// AccountOfARN is the account id field of an ARN
// (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE), "" when there is none.
func accountOfARN(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 || f[0] != "arn" {
		return ""
	}
	return f[4]
}

// roleName is the name of a role ARN's role, its path left out
// (arn:aws:iam::111111111111:role/team/Admin is Admin).
func roleName(arn string) string {
	_, res, ok := strings.Cut(arn, ":role/")
	if !ok {
		return ""
	}
	return res[strings.LastIndex(res, "/")+1:]
}

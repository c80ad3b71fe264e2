package signintest

import (
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

// Identity is who the stand-in browser can sign in as: an IAM user of the
// STS server, or a console-federated identity (an assumed role).
type Identity struct {
	// ARN is the login_session the sign-in yields, the ID token's sub:
	// arn:aws:iam::<account>:user/<name> for an IAM user,
	// arn:aws:sts::<account>:assumed-role/<role>/<session> for a
	// federated identity.
	ARN     string `json:"arn"`
	Account string `json:"account"`
	// RoleARN and SessionName are a federated identity's role and role
	// session name; empty for an IAM user.
	RoleARN     string `json:"roleArn,omitempty"`
	SessionName string `json:"sessionName,omitempty"`
	// MFA is whether the sign-in passed MFA: an IAM user's credentials
	// then carry MFA context (ststest.Session.MFA). Always false for a
	// federated identity, whose role sessions carry none.
	MFA bool `json:"mfa"`
	// PasswordChanged is when ChangePassword last ran (zero: never):
	// sessions begun before it are refused with USER_CREDENTIALS_CHANGED.
	PasswordChanged time.Time `json:"passwordChanged,omitzero"`
	// Permitted is whether the identity may call signin:CreateOAuth2Token
	// (see SetPermission); without it the code exchange and every renewal
	// are refused with INSUFFICIENT_PERMISSIONS.
	Permitted bool `json:"permitted"`
}

// Federated reports whether the identity is a console-federated one.
func (id Identity) Federated() bool { return id.RoleARN != "" }

type identityRecord struct {
	Identity
	// passwordSeq is the sequence number of the last ChangePassword: a
	// sign-in numbered before it is refused (numbers, not times, so that a
	// clock standing still orders them too).
	passwordSeq int
}

// AddUser lets the IAM user u of the STS server (Options.STS) sign in, with
// MFA unless Options.WithoutMFA. (A user of another STS server gets no
// credentials: the code exchange answers InternalServerException.) The first identity added is the one the
// browser signs in as (see SetBrowser). It panics when u is nil or already
// added: it is meant for test setup.
func (s *Server) AddUser(u *ststest.User) Identity {
	if u == nil {
		panic("signintest: AddUser: nil user")
	}
	return s.add(Identity{ARN: u.ARN(), Account: u.Account(), MFA: !s.opts.WithoutMFA, Permitted: true})
}

// AddFederated lets a console-federated identity sign in: a session of
// the role roleARN (arn:<partition>:iam::<account>:role/[path/]<name>)
// named sessionName (2-64 characters of [\w+=,.@-]), whose login_session is
// arn:<partition>:sts::<account>:assumed-role/<name>/<sessionName>. Its
// credentials are role sessions (ststest.Server.IssueLoginRoleSession,
// which makes the role when STS does not know it): AssumeRole with them is
// role chaining. It panics on bad input or a duplicate.
func (s *Server) AddFederated(roleARN, sessionName string) Identity {
	parts := strings.SplitN(roleARN, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] != "iam" || parts[3] != "" || !isAccountID(parts[4]) ||
		!strings.HasPrefix(parts[5], "role/") || strings.HasSuffix(parts[5], "/") {
		panic(fmt.Sprintf("signintest: AddFederated: %q is not arn:<partition>:iam::<account>:role/<name>", roleARN))
	}
	if len(sessionName) < 2 || len(sessionName) > 64 || !sessionNameChars(sessionName) {
		panic(fmt.Sprintf("signintest: AddFederated: session name %q is not 2-64 characters of [\\w+=,.@-]", sessionName))
	}
	name := parts[5][strings.LastIndex(parts[5], "/")+1:]
	return s.add(Identity{
		ARN:         fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", parts[1], parts[4], name, sessionName),
		Account:     parts[4],
		RoleARN:     roleARN,
		SessionName: sessionName,
		Permitted:   true,
	})
}

func (s *Server) add(id Identity) Identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.identities[id.ARN] != nil {
		panic(fmt.Sprintf("signintest: %s was already added", id.ARN))
	}
	rec := &identityRecord{Identity: id}
	s.identities[id.ARN] = rec
	s.order = append(s.order, rec)
	if s.browser.As == "" {
		s.browser.As = id.ARN
	}
	return id
}

// Identities lists the identities, in the order added.
func (s *Server) Identities() []Identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Identity, len(s.order))
	for i, r := range s.order {
		out[i] = r.Identity
	}
	return out
}

// identity returns the identity with this ARN or an error. Callers hold s.mu.
func (s *Server) identity(what, arn string) (*identityRecord, error) {
	rec := s.identities[arn]
	if rec == nil {
		return nil, errorf("%s: no identity %q", what, arn)
	}
	return rec, nil
}

// SetMFA sets whether an IAM user's sign-ins pass MFA, for the credentials
// issued from then on (sessions begun before keep issuing what they
// issued). It refuses a federated identity.
func (s *Server) SetMFA(arn string, mfa bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.identity("set MFA", arn)
	if err != nil {
		return err
	}
	if rec.Federated() {
		return errorf("set MFA: %s is a federated identity, whose role sessions carry no MFA context", arn)
	}
	rec.MFA = mfa
	return nil
}

// ChangePassword records that the identity's password changed now: every
// sign-in begun before (sessions, and authorization codes not exchanged
// yet) is refused with USER_CREDENTIALS_CHANGED from then on.
func (s *Server) ChangePassword(arn string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.identity("change password", arn)
	if err != nil {
		return err
	}
	rec.PasswordChanged = s.now()
	rec.passwordSeq = s.nextSeq()
	return nil
}

// SetPermission grants or takes away signin:CreateOAuth2Token (the managed
// policy SignInLocalDevelopmentAccess): without it the code exchange and
// every renewal are refused with INSUFFICIENT_PERMISSIONS. The browser's
// authorize step is not affected.
func (s *Server) SetPermission(arn string, allowed bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.identity("set permission", arn)
	if err != nil {
		return err
	}
	rec.Permitted = allowed
	return nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// sessionNameChars reports whether s is made of [\w+=,.@-], the characters
// of a role session name.
func sessionNameChars(s string) bool {
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		case strings.ContainsRune("+=,.@-", c):
		default:
			return false
		}
	}
	return true
}

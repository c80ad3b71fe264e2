package ssotest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// User is an Identity Center user (a sign-in identity), as AddUser made it.
type User struct {
	// Name is the user name, e.g. "alice" or "alice@example.com". It is
	// the role session name of the role credentials the user gets, so
	// GetCallerIdentity shows .../AWSReservedSSO_<role>_<hex>/<Name>.
	Name string
	// ID is the identity store user id (a UUID).
	ID string
}

// Account is an AWS account users can be assigned to.
type Account struct {
	ID    string // 12 digits
	Name  string
	Email string
}

// Assignment gives a user a permission set (RoleName) in an account. The
// permission set's role in the account is AWSReservedSSO_<RoleName>_<hex>
// under /aws-reserved/sso.amazonaws.com/.
type Assignment struct {
	User      string
	AccountID string
	RoleName  string
	// SessionDuration is the permission set's session duration: how long
	// its role credentials last. 1 to 12 hours; 1 hour when zero. Every
	// assignment of a permission set in an account must agree.
	SessionDuration time.Duration
}

type userRecord struct {
	User
}

type accountRecord struct {
	Account
}

type permKey struct{ account, role string }

// permissionSet is a permission set provisioned in an account: its role.
type permissionSet struct {
	roleARN  string
	duration time.Duration
}

type assignKey struct{ user, account, role string }

// AddUser adds a user. Like httptest, it panics on invalid or duplicate
// input: it is meant for test setup. The first user added is the one the
// stand-in browser signs in as (see SetBrowser).
func (s *Server) AddUser(name string) User {
	if len(name) < 2 || len(name) > 64 || !sessionNameChars(name) {
		panic(fmt.Sprintf("ssotest: AddUser: user name %q is not 2-64 characters of [\\w+=,.@-]", name))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.users[name]; dup {
		panic(fmt.Sprintf("ssotest: AddUser: %q already exists", name))
	}
	u := &userRecord{User{Name: name, ID: testsrv.UUID()}}
	s.users[name] = u
	s.userOrder = append(s.userOrder, u)
	if s.browser.User == "" {
		s.browser.User = name
	}
	return u.User
}

// AddAccount adds an account. It panics on a malformed or duplicate id.
func (s *Server) AddAccount(a Account) Account {
	if !isAccountID(a.ID) {
		panic(fmt.Sprintf("ssotest: AddAccount: account id %q is not 12 digits", a.ID))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.accounts[a.ID]; dup {
		panic(fmt.Sprintf("ssotest: AddAccount: %s already exists", a.ID))
	}
	s.accounts[a.ID] = &accountRecord{a}
	return a
}

// Assign gives a user a permission set in an account and returns the ARN
// of the permission set's role there. It panics when the user or the
// account is unknown, the role name is not 1-32 characters of [\w+=,.@-],
// or the session duration is out of range or disagrees with an earlier
// assignment of the same permission set in the account.
func (s *Server) Assign(a Assignment) string {
	if len(a.RoleName) < 1 || len(a.RoleName) > 32 || !sessionNameChars(a.RoleName) {
		panic(fmt.Sprintf("ssotest: Assign: invalid permission set name %q", a.RoleName))
	}
	if a.SessionDuration == 0 {
		a.SessionDuration = time.Hour
	}
	if a.SessionDuration < time.Hour || a.SessionDuration > 12*time.Hour {
		panic(fmt.Sprintf("ssotest: Assign: session duration %v is outside 1h-12h", a.SessionDuration))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[a.User] == nil {
		panic(fmt.Sprintf("ssotest: Assign: no user %q", a.User))
	}
	if s.accounts[a.AccountID] == nil {
		panic(fmt.Sprintf("ssotest: Assign: no account %s", a.AccountID))
	}
	k := permKey{a.AccountID, a.RoleName}
	ps := s.permSets[k]
	if ps == nil {
		ps = &permissionSet{roleARN: s.reservedRoleARN(a.AccountID, a.RoleName), duration: a.SessionDuration}
		s.permSets[k] = ps
	} else if ps.duration != a.SessionDuration {
		panic(fmt.Sprintf("ssotest: Assign: %s in %s has session duration %v, not %v", a.RoleName, a.AccountID, ps.duration, a.SessionDuration))
	}
	s.assignments[assignKey{a.User, a.AccountID, a.RoleName}] = true
	return ps.roleARN
}

// Unassign takes a permission set in an account away from a user: the
// portal no longer lists it and GetRoleCredentials answers
// ForbiddenException. Role credentials already issued stay valid, as on AWS.
func (s *Server) Unassign(user, accountID, roleName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := assignKey{user, accountID, roleName}
	if !s.assignments[k] {
		return fmt.Errorf("ssotest: unassign: %s has no %s in %s", user, roleName, accountID)
	}
	delete(s.assignments, k)
	return nil
}

// RoleARN is the ARN of a permission set's role in an account, or "" when
// the permission set was never assigned there.
func (s *Server) RoleARN(accountID, roleName string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ps := s.permSets[permKey{accountID, roleName}]; ps != nil {
		return ps.roleARN
	}
	return ""
}

// reservedRoleARN names a permission set's role the way Identity Center
// provisions it. Callers hold s.mu.
func (s *Server) reservedRoleARN(account, permissionSet string) string {
	path := "aws-reserved/sso.amazonaws.com/"
	if s.opts.Region != "us-east-1" {
		path += s.opts.Region + "/"
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/%sAWSReservedSSO_%s_%s", partitionOf(s.opts.Region), account, path, permissionSet, newHex16())
}

// partitionOf is the partition of a region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// assignedAccounts lists the accounts where user has any permission set,
// by id. Callers hold s.mu.
func (s *Server) assignedAccounts(user string) []*accountRecord {
	var out []*accountRecord
	for k := range s.assignments {
		if k.user == user && !slices.ContainsFunc(out, func(a *accountRecord) bool { return a.ID == k.account }) {
			out = append(out, s.accounts[k.account])
		}
	}
	slices.SortFunc(out, func(a, b *accountRecord) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// assignedRoles lists user's permission sets in account, by name. Callers
// hold s.mu.
func (s *Server) assignedRoles(user, account string) []string {
	var out []string
	for k := range s.assignments {
		if k.user == user && k.account == account {
			out = append(out, k.role)
		}
	}
	slices.Sort(out)
	return out
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

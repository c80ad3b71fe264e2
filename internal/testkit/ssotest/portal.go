package ssotest

import (
	"strconv"
	"time"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// RoleCredentials are role credentials GetRoleCredentials handed out
// (ststest sessions), with their secrets, for tests.
type RoleCredentials struct {
	User            string
	AccountID       string
	RoleName        string
	RoleARN         string
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// Page sizes of ListAccounts and ListAccountRoles (max_result is 1-100 in
// the API model; the default page size is this server's choice).
const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// pageState is where a next_token continues a list.
type pageState struct {
	op      string
	token   *accessRecord
	account string
	offset  int
}

type roleCredentialsJSON struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SessionToken    string `json:"sessionToken"`
	Expiration      int64  `json:"expiration"` // epoch milliseconds
}

type getRoleCredentialsResponse struct {
	RoleCredentials roleCredentialsJSON `json:"roleCredentials"`
}

type accountInfo struct {
	AccountID    string `json:"accountId"`
	AccountName  string `json:"accountName"`
	EmailAddress string `json:"emailAddress"`
}

type listAccountsResponse struct {
	AccountList []accountInfo `json:"accountList"`
	NextToken   string        `json:"nextToken,omitempty"`
}

type roleInfo struct {
	RoleName  string `json:"roleName"`
	AccountID string `json:"accountId"`
}

type listAccountRolesResponse struct {
	RoleList  []roleInfo `json:"roleList"`
	NextToken string     `json:"nextToken,omitempty"`
}

// getRoleCredentials serves GET /federation/credentials?account_id=&role_name=.
func (s *Server) getRoleCredentials(c *call) (any, *apiError) {
	at, aerr := s.bearer(c)
	if aerr != nil {
		return nil, aerr
	}
	q := c.r.URL.Query()
	account, role := q.Get("account_id"), q.Get("role_name")
	if account == "" || role == "" {
		return nil, newError(InvalidRequestException, "account_id and role_name are required")
	}
	user := at.sess.user
	ps := s.permSets[permKey{account, role}]
	if ps == nil || !s.assignments[assignKey{user.Name, account, role}] {
		return nil, newError(ForbiddenException, "%s", msgNoAccess)
	}
	sess, err := s.opts.STS.IssueRoleSession(ps.roleARN, user.Name, ps.duration)
	if err != nil {
		return nil, newError(InternalServerException, "%v", err)
	}
	s.roleCreds = append(s.roleCreds, RoleCredentials{
		User: user.Name, AccountID: account, RoleName: role, RoleARN: ps.roleARN,
		AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: sess.SessionToken,
		Expiration: sess.Expiration,
	})
	return getRoleCredentialsResponse{RoleCredentials: roleCredentialsJSON{
		AccessKeyID:     sess.AccessKeyID,
		SecretAccessKey: sess.SecretAccessKey,
		SessionToken:    sess.SessionToken,
		Expiration:      sess.Expiration.UnixMilli(),
	}}, nil
}

// listAccounts serves GET /assignment/accounts[?next_token=&max_result=].
func (s *Server) listAccounts(c *call) (any, *apiError) {
	at, aerr := s.bearer(c)
	if aerr != nil {
		return nil, aerr
	}
	accounts := s.assignedAccounts(at.sess.user.Name)
	from, to, next, aerr := s.paginate(c, at, "", len(accounts))
	if aerr != nil {
		return nil, aerr
	}
	out := listAccountsResponse{AccountList: []accountInfo{}, NextToken: next}
	for _, a := range accounts[from:to] {
		out.AccountList = append(out.AccountList, accountInfo{AccountID: a.ID, AccountName: a.Name, EmailAddress: a.Email})
	}
	return out, nil
}

// listAccountRoles serves GET /assignment/roles?account_id=[&next_token=&max_result=].
// An account the user has nothing in lists no roles.
func (s *Server) listAccountRoles(c *call) (any, *apiError) {
	at, aerr := s.bearer(c)
	if aerr != nil {
		return nil, aerr
	}
	account := c.r.URL.Query().Get("account_id")
	if account == "" {
		return nil, newError(InvalidRequestException, "account_id is required")
	}
	roles := s.assignedRoles(at.sess.user.Name, account)
	from, to, next, aerr := s.paginate(c, at, account, len(roles))
	if aerr != nil {
		return nil, aerr
	}
	out := listAccountRolesResponse{RoleList: []roleInfo{}, NextToken: next}
	for _, r := range roles[from:to] {
		out.RoleList = append(out.RoleList, roleInfo{RoleName: r, AccountID: account})
	}
	return out, nil
}

// paginate reads next_token and max_result and returns the slice bounds of
// this page of n items and the next_token of the next page ("" on the last).
// A next_token is good only for the same list, access token and account.
// Callers hold s.mu.
func (s *Server) paginate(c *call, at *accessRecord, account string, n int) (from, to int, next string, aerr *apiError) {
	q := c.r.URL.Query()
	size := defaultPageSize
	if raw := q.Get("max_result"); raw != "" {
		v, err := strconv.Atoi(raw)
		if err != nil || v < 1 || v > maxPageSize {
			return 0, 0, "", newError(InvalidRequestException, "max_result must be between 1 and %d", maxPageSize)
		}
		size = v
	}
	if tok := q.Get("next_token"); tok != "" {
		p := s.pages[tok]
		if p == nil || p.op != c.op || p.token != at || p.account != account {
			return 0, 0, "", newError(InvalidRequestException, "Invalid next token")
		}
		from = min(p.offset, n)
	}
	to = min(from+size, n)
	if to < n {
		next = b64(testsrv.RandomBytes(48))
		s.pages[next] = &pageState{op: c.op, token: at, account: account, offset: to}
	}
	return from, to, next, nil
}

// logout serves POST /logout: it ends the sign-in session of the access
// token, whose access and refresh tokens all stop working.
func (s *Server) logout(c *call) (any, *apiError) {
	at, aerr := s.bearer(c)
	if aerr != nil {
		return nil, aerr
	}
	at.sess.revoked = true
	return nil, nil
}

// IssuedRoleCredentials returns the role credentials GetRoleCredentials
// handed out, oldest first.
func (s *Server) IssuedRoleCredentials() []RoleCredentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RoleCredentials{}, s.roleCreds...)
}

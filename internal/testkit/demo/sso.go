package demo

import (
	"time"

	"github.com/stscred/stscred/internal/testkit/ssotest"
)

// The demo's IAM Identity Center: alice signs in at SSOStartURL and may
// use account 111111111111 (dev) as Developer and 222222222222 (prod) as
// ReadOnly. The README's walk-through uses it through cmd/ststest.
const (
	SSOStartURL = "https://demo.awsapps.com/start"
	SSORegion   = "eu-west-1"
	SSODevRole  = "Developer"
	SSOProdRole = "ReadOnly"
)

// SetupSSO adds the demo's user, accounts and assignments to ic.
func SetupSSO(ic *ssotest.Server) {
	ic.AddUser(UserName)
	ic.AddAccount(ssotest.Account{ID: UserAccount, Name: "dev", Email: "dev@example.com"})
	ic.AddAccount(ssotest.Account{ID: RoleAccount, Name: "prod", Email: "prod@example.com"})
	ic.Assign(ssotest.Assignment{User: UserName, AccountID: UserAccount, RoleName: SSODevRole, SessionDuration: 8 * time.Hour})
	ic.Assign(ssotest.Assignment{User: UserName, AccountID: RoleAccount, RoleName: SSOProdRole})
}

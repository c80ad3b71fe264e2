// Package demo is the one world stscred's tests and `go run ./cmd/ststest`
// share: the IAM user alice of account 111111111111 with an access key and
// an MFA device, and two roles in account 222222222222 — Admin (MFA
// required, sessions up to 12 hours) and ReadOnly; and, for an
// ssotest.Server, alice's IAM Identity Center accounts (SetupSSO).
package demo

import (
	"time"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

// The accounts, names and roles of the demo world.
const (
	UserAccount  = "111111111111"
	RoleAccount  = "222222222222"
	UserName     = "alice"
	AdminRole    = "arn:aws:iam::222222222222:role/Admin"
	ReadOnlyRole = "arn:aws:iam::222222222222:role/ReadOnly"
	// MFASerial is alice's device's serial.
	MFASerial = "arn:aws:iam::111111111111:mfa/alice"
)

// Fixed credentials, for a walk-through that can be pasted: fake, valid
// only against a server that was given them (Fixed).
const (
	FixedKeyID     = "AKIAEXAMPLEALICE0001"
	FixedSecret    = "ststest/demo/secret/alice/NOT/A/REAL/KEY"
	FixedMFASecret = "STSTESTDEMOMFASECRETALICE234567A"
)

// World is the demo world on one server.
type World struct {
	Alice           *ststest.User
	Key             ststest.AccessKey
	MFA             ststest.MFADevice
	Admin, ReadOnly ststest.Role
}

// Options shape the world.
type Options struct {
	// Fixed gives alice the fixed key and MFA seed (for cmd/ststest);
	// otherwise both are random.
	Fixed bool
	// AdminMaxSession is Admin's longest session (default 12h).
	AdminMaxSession time.Duration
}

// Setup adds the demo world to srv.
func Setup(srv *ststest.Server, o Options) World {
	var w World
	w.Alice = srv.AddUser(UserAccount, UserName)
	if o.Fixed {
		w.Key = w.Alice.ImportAccessKey(ststest.AccessKey{ID: FixedKeyID, Secret: FixedSecret})
		w.MFA = w.Alice.ImportMFADevice(ststest.MFADevice{Serial: MFASerial, Secret: FixedMFASecret})
	} else {
		w.Key = w.Alice.AddAccessKey()
		w.MFA = w.Alice.AddMFADevice(UserName)
	}
	max := o.AdminMaxSession
	if max == 0 {
		max = 12 * time.Hour
	}
	w.Admin = srv.AddRole(ststest.Role{ARN: AdminRole, RequireMFA: true, MaxSessionDuration: max})
	w.ReadOnly = srv.AddRole(ststest.Role{ARN: ReadOnlyRole})
	return w
}

// Config is the three-profile AWS config of the README for the world:
// alice (the key holder), prod-admin (Admin, from alice) and prod (what
// tools use: credential_process = stscred role prod-admin).
func (w World) Config() string {
	return `[profile alice]
region     = eu-west-1
mfa_serial = ` + w.MFA.Serial + `

[profile prod-admin]
source_profile = alice
role_arn       = ` + AdminRole + `
duration_seconds = 3600

[profile prod]
credential_process = stscred role prod-admin
region = eu-west-1
`
}

package main

import (
	"fmt"
	"io"
	"time"

	"github.com/stscred/stscred/ststest"
)

// The demo world. The values are fixed so that a README walk-through can be
// pasted; they are fake and work only against this server.
const (
	demoAccount      = "111111111111"
	demoUserName     = "alice"
	demoKeyID        = "AKIAEXAMPLEALICE0001"
	demoSecret       = "ststest/demo/secret/alice/NOT/A/REAL/KEY"
	demoMFASerial    = "arn:aws:iam::111111111111:mfa/alice"
	demoMFASecret    = "STSTESTDEMOMFASECRETALICE234567A"
	demoAdminRole    = "arn:aws:iam::222222222222:role/Admin"
	demoReadOnlyRole = "arn:aws:iam::222222222222:role/ReadOnly"
)

// setupDemo adds the demo world to srv: user alice of account 111111111111
// with a fixed access key and MFA device, and two roles in account
// 222222222222: Admin (requires MFA, sessions up to 12h) and ReadOnly.
func setupDemo(srv *ststest.Server) *ststest.User {
	alice := srv.AddUser(demoAccount, demoUserName)
	alice.ImportAccessKey(ststest.AccessKey{ID: demoKeyID, Secret: demoSecret})
	alice.ImportMFADevice(ststest.MFADevice{Serial: demoMFASerial, Secret: demoMFASecret})
	srv.AddRole(ststest.Role{ARN: demoAdminRole, RequireMFA: true, MaxSessionDuration: 12 * time.Hour})
	srv.AddRole(ststest.Role{ARN: demoReadOnlyRole})
	return alice
}

// printBanner tells the user where the server is and what the demo
// credentials are.
func printBanner(w io.Writer, url string, alice *ststest.User, dateOffset, keyPropagation time.Duration) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("ststest: STS and IAM test server (STS API 2011-06-15, IAM API 2010-05-08) listening on %s", url)
	if dateOffset != 0 {
		p("ststest: the Date header of responses is off by %v", dateOffset)
	}
	if keyPropagation != 0 {
		p("ststest: access keys made by IAM CreateAccessKey work after %v", keyPropagation)
	}
	p("")
	p("  endpoint           %s", url)
	p("  user               %s", alice.ARN())
	p("  access key id      %s", demoKeyID)
	p("  secret access key  %s", demoSecret)
	p("  mfa serial         %s", demoMFASerial)
	p("  mfa secret         %s  (TOTP: SHA1, 6 digits, 30s)", demoMFASecret)
	p("  role               %s  (requires MFA, sessions up to 12h)", demoAdminRole)
	p("  role               %s  (sessions up to 1h)", demoReadOnlyRole)
	p("")
	p("MFA code:")
	p("  curl -s '%s/_ststest/code?serial=%s'", url, demoMFASerial)
	p("  oathtool --totp -b %s", demoMFASecret)
	p("Try it:")
	p("  AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=eu-west-1 AWS_PAGER= \\", demoKeyID, demoSecret)
	p("    /usr/bin/aws sts get-caller-identity --endpoint-url %s", url)
	p("  export AWS_ENDPOINT_URL_STS=%s", url)
	p("IAM (same endpoint, signed for us-east-1; alice may manage her own keys, at most two):")
	p("  AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_PAGER= \\", demoKeyID, demoSecret)
	p("    /usr/bin/aws iam list-access-keys --endpoint-url %s --region us-east-1", url)
	p("  curl -s '%s/_ststest/keys?user=%s'", url, demoUserName)
	p("Admin API: curl -s %s/_ststest/", url)
}

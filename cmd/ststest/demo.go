package main

import (
	"fmt"
	"io"
	"time"

	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// setupDemo adds the demo world (package demo) to srv, with its fixed
// key and MFA seed, so that the README walk-through can be pasted.
func setupDemo(srv *ststest.Server) *ststest.User {
	return demo.Setup(srv, demo.Options{Fixed: true}).Alice
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
	p("  access key id      %s", demo.FixedKeyID)
	p("  secret access key  %s", demo.FixedSecret)
	p("  mfa serial         %s", demo.MFASerial)
	p("  mfa secret         %s  (TOTP: SHA1, 6 digits, 30s)", demo.FixedMFASecret)
	p("  role               %s  (requires MFA, sessions up to 12h)", demo.AdminRole)
	p("  role               %s  (sessions up to 1h)", demo.ReadOnlyRole)
	p("")
	p("MFA code:")
	p("  curl -s '%s/_ststest/code?serial=%s'", url, demo.MFASerial)
	p("  oathtool --totp -b %s", demo.FixedMFASecret)
	p("Try it:")
	p("  AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=eu-west-1 AWS_PAGER= \\", demo.FixedKeyID, demo.FixedSecret)
	p("    /usr/bin/aws sts get-caller-identity --endpoint-url %s", url)
	p("  export AWS_ENDPOINT_URL_STS=%s", url)
	p("IAM (same endpoint, signed for us-east-1; alice may manage her own keys, at most two):")
	p("  AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_PAGER= \\", demo.FixedKeyID, demo.FixedSecret)
	p("    /usr/bin/aws iam list-access-keys --endpoint-url %s --region us-east-1", url)
	p("  curl -s '%s/_ststest/keys?user=%s'", url, demo.UserName)
	p("Admin API: curl -s %s/_ststest/", url)
}

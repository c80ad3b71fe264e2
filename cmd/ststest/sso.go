package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/stscred/stscred/ststest"
	"github.com/stscred/stscred/ststest/ssotest"
)

// The IAM Identity Center demo: alice, signed in to the stand-in browser,
// may use two accounts.
const (
	ssoRegion   = "eu-west-1"
	ssoStartURL = "https://demo.awsapps.com/start"
	ssoDevAcct  = "111111111111"
	ssoProdAcct = "222222222222"
)

// serveSSO serves an Identity Center stand-in on addr, its role
// credentials signing requests to srv; the returned func stops it.
func serveSSO(srv *ststest.Server, addr string, opts ssotest.Options, stdout io.Writer) (func(), error) {
	opts.STS, opts.Region = srv, ssoRegion
	ic := ssotest.New(opts)
	ic.AddUser("alice")
	ic.AddAccount(ssotest.Account{ID: ssoDevAcct, Name: "dev", Email: "dev@example.com"})
	ic.AddAccount(ssotest.Account{ID: ssoProdAcct, Name: "prod", Email: "prod@example.com"})
	ic.Assign(ssotest.Assignment{User: "alice", AccountID: ssoDevAcct, RoleName: "Developer", SessionDuration: 8 * time.Hour})
	ic.Assign(ssotest.Assignment{User: "alice", AccountID: ssoProdAcct, RoleName: "ReadOnly"})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	hs := &http.Server{Handler: ic, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	p := func(format string, args ...any) { fmt.Fprintf(stdout, format+"\n", args...) }
	p("")
	p("ststest: IAM Identity Center stand-in (SSO OIDC, portal, sign-in pages) on %s", url)
	p("  export AWS_ENDPOINT_URL_SSO_OIDC=%s AWS_ENDPOINT_URL_SSO=%s", url, url)
	p("  [sso-session demo]  sso_start_url = %s, sso_region = %s", ssoStartURL, ssoRegion)
	p("  alice may use: %s (dev) as Developer, %s (prod) as ReadOnly; the browser approves every sign-in", ssoDevAcct, ssoProdAcct)
	p("  a stand-in browser: stscred sso login demo --browser 'curl -sfL -o /dev/null'")
	return func() { _ = hs.Close() }, nil
}

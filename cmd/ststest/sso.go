package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// serveSSO serves an Identity Center stand-in on addr, its role
// credentials signing requests to srv; the returned func stops it.
func serveSSO(srv *ststest.Server, addr string, opts ssotest.Options, stdout io.Writer) (func(), error) {
	opts.STS, opts.Region = srv, demo.SSORegion
	ic := ssotest.New(opts)
	demo.SetupSSO(ic)
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
	p("  [sso-session demo]  sso_start_url = %s, sso_region = %s", demo.SSOStartURL, demo.SSORegion)
	p("  %s may use: %s (dev) as %s, %s (prod) as %s; the browser approves every sign-in",
		demo.UserName, demo.UserAccount, demo.SSODevRole, demo.RoleAccount, demo.SSOProdRole)
	p("  a stand-in browser: stscred sso login demo --browser 'curl -sfL -o /dev/null'")
	return func() { _ = hs.Close() }, nil
}

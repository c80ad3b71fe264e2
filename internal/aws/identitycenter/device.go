package identitycenter

import (
	"context"
	"fmt"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/textsafe"
)

const (
	defaultInterval = 5 * time.Second // RFC 8628 section 3.2
	slowDownStep    = 5 * time.Second // RFC 8628 section 3.5
)

// deviceFlow is the device authorization grant (RFC 8628): the user
// confirms a code on the verification page while this polls CreateToken.
func (c *Client) deviceFlow(ctx context.Context, s Session, reg *registration) (*grant, error) {
	start, err := c.startDevice(ctx, s, reg)
	if err != nil {
		return nil, err
	}
	uri, code := deref(start.VerificationURIComplete), start.UserCode
	if uri == "" {
		uri = deref(start.VerificationURI)
	}
	label := textsafe.Escape(s.Label())
	if c.Open == nil {
		fmt.Fprintf(c.out(), "stscred: to sign in to %s, open this URL in a browser, check that it shows the code %s and allow the request: %s\n", label, textsafe.Escape(code), textsafe.Escape(uri))
	} else {
		// The URL is shown too: the code may as well be allowed on
		// another device.
		fmt.Fprintf(c.out(), "stscred: opening the browser to sign in to %s: check that it shows the code %s and allow the request\nstscred: if it does not open, open this URL: %s\n", label, textsafe.Escape(code), textsafe.Escape(uri))
		_ = c.Open(ctx, uri)
	}

	interval := time.Duration(start.Interval) * time.Second
	if interval <= 0 {
		interval = defaultInterval
	}
	in := &createTokenInput{
		ClientID: reg.ClientID, ClientSecret: reg.ClientSecret,
		GrantType: "urn:ietf:params:oauth:grant-type:device_code", DeviceCode: start.DeviceCode,
	}
	expired := hint.With(fmt.Errorf("the sign-in code expired before the sign-in to %s was allowed", s.Label()),
		"run it again and allow the request in time: stscred sso login --device-code "+s.Label())
	var deadline time.Time // the code's end by this clock, zero if unknown
	if start.ExpiresIn > 0 {
		deadline = c.now().Add(time.Duration(start.ExpiresIn) * time.Second)
	}
	for {
		if err := c.sleep(ctx, interval); err != nil {
			return nil, fmt.Errorf("waiting for the sign-in to %s to be allowed: %w", s.Label(), err)
		}
		if !deadline.IsZero() && c.now().After(deadline) {
			return nil, expired
		}
		g, err := c.createToken(ctx, s, in)
		switch codeOf(err) {
		case "":
			if err != nil {
				return nil, fmt.Errorf("signing in to %s: %w", s.Label(), err)
			}
			return g, nil
		case "AuthorizationPendingException":
			continue
		case "SlowDownException":
			interval += slowDownStep
			continue
		case "ExpiredTokenException":
			return nil, expired
		case "AccessDeniedException":
			return nil, deniedErr(s)
		}
		return nil, fmt.Errorf("signing in to %s: %w", s.Label(), err)
	}
}

func (c *Client) startDevice(ctx context.Context, s Session, reg *registration) (*startDeviceOutput, error) {
	out, err := c.startDeviceAuthorization(ctx, s, &startDeviceInput{
		ClientID: reg.ClientID, ClientSecret: reg.ClientSecret, StartURL: s.StartURL,
	})
	if err != nil {
		err = c.wrap(ctx, "StartDeviceAuthorization", c.Endpoints.oidcURL(s.Region), err)
		if codeOf(err) == "InvalidRequestException" {
			err = hint.With(err, "check sso_start_url of "+s.Label()+": it must be the AWS access portal URL of the instance in sso_region")
		}
		return nil, fmt.Errorf("signing in to %s: %w", s.Label(), err)
	}
	if out.DeviceCode == "" || out.UserCode == "" || (out.VerificationURIComplete == nil && out.VerificationURI == nil) {
		return nil, fmt.Errorf("IAM Identity Center StartDeviceAuthorization answered without a code or verification URL")
	}
	return out, nil
}

// deref is *p, "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

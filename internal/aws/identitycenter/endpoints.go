package identitycenter

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/stscred/stscred/internal/aws/restjson"
	"github.com/stscred/stscred/internal/base/hint"
)

// Endpoints override where the APIs are; "" means AWS's for the region, as
// the SDK resolves them in its partition (https://oidc.<region>.amazonaws.com,
// https://portal.sso.<region>.amazonaws.com in the aws partition).
type Endpoints struct{ OIDC, Portal string }

// EndpointsFrom reads the endpoints the AWS SDKs honour: the OIDC API's
// from AWS_ENDPOINT_URL_SSO_OIDC, else AWS_ENDPOINT_URL; the portal's from
// AWS_ENDPOINT_URL_SSO, else AWS_ENDPOINT_URL.
func EndpointsFrom(getenv func(string) string) Endpoints {
	first := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(getenv(n)); v != "" {
				return v
			}
		}
		return ""
	}
	return Endpoints{
		OIDC:   first("AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL"),
		Portal: first("AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL"),
	}
}

// oidcURL is the OIDC API's base URL for region, without a trailing slash.
func (e Endpoints) oidcURL(region string) string {
	if e.OIDC != "" {
		return strings.TrimSuffix(e.OIDC, "/")
	}
	return restjson.OIDC(region)
}

// portalURL is the portal API's base URL for region.
func (e Endpoints) portalURL(region string) string {
	if e.Portal != "" {
		return strings.TrimSuffix(e.Portal, "/")
	}
	return restjson.Portal(region)
}

// check refuses an override that is no http(s) URL with a host.
func (e Endpoints) check() error {
	for _, ep := range []struct{ url, vars string }{
		{e.OIDC, "AWS_ENDPOINT_URL_SSO_OIDC or AWS_ENDPOINT_URL"},
		{e.Portal, "AWS_ENDPOINT_URL_SSO or AWS_ENDPOINT_URL"},
	} {
		if ep.url == "" {
			continue
		}
		if u, err := url.Parse(ep.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return hint.With(fmt.Errorf("the IAM Identity Center endpoint %q is not an http or https URL", ep.url),
				"it comes from "+ep.vars+": give a URL like https://oidc.eu-west-1.amazonaws.com, or unset it")
		}
	}
	return nil
}

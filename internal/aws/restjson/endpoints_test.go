package restjson

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/signin"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
)

// regions covers every partition the SDK knows (its regions, its global
// pseudo-regions, names that only fit its pattern), and names that fit
// none or nearly fit one.
var regions = []string{
	// aws
	"us-east-1", "us-west-2", "eu-west-1", "eu-central-2", "ap-southeast-7", "ap-east-2", "ca-west-1", "mx-central-1",
	"il-central-1", "me-central-1", "af-south-1", "sa-east-1", "aws-global", "us-future-9", "eu-newtown-12",
	// aws-cn
	"cn-north-1", "cn-northwest-1", "aws-cn-global", "cn-south-3", "cn-North_west-7",
	// aws-us-gov
	"us-gov-west-1", "us-gov-east-1", "aws-us-gov-global", "us-gov-north-4",
	// aws-iso, -b, -e, -f
	"us-iso-east-1", "us-iso-west-1", "aws-iso-global", "us-iso-north-2",
	"us-isob-east-1", "us-isob-west-1", "aws-iso-b-global",
	"eu-isoe-west-1", "aws-iso-e-global", "eu-isoe-north-3",
	"us-isof-east-1", "us-isof-south-1", "aws-iso-f-global",
	// aws-eusc
	"eusc-de-east-1", "eusc-de-west-2", "aws-eusc-global",
	// none, or nearly one
	"local", "xx", "US-EAST-1", "us-gov-1", "us-isob-1", "cn-north", "cn--1", "cn-north-", "cn-north-1a",
	"us-iso-east-1-2", "eusc-fr-east-1", "eu-isoe-west-x", "us-isof-east-",
}

// OIDC, Portal and SignIn are where the SDK's own resolvers send
// CreateToken, GetRoleCredentials and CreateOAuth2Token (no FIPS, no dual
// stack) for every region.
func TestEndpointsAsTheSDKResolves(t *testing.T) {
	ctx := context.Background()
	for _, r := range regions {
		o, err := ssooidc.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, ssooidc.EndpointParameters{Region: aws.String(r)})
		if err != nil {
			t.Fatalf("%s: the SDK: %v", r, err)
		}
		if got := OIDC(r); got != o.URI.String() {
			t.Errorf("OIDC(%q) = %s, the SDK's is %s", r, got, o.URI.String())
		}
		p, err := sso.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, sso.EndpointParameters{Region: aws.String(r)})
		if err != nil {
			t.Fatalf("%s: the SDK: %v", r, err)
		}
		if got := Portal(r); got != p.URI.String() {
			t.Errorf("Portal(%q) = %s, the SDK's is %s", r, got, p.URI.String())
		}
		// CreateOAuth2Token binds IsControlPlane false.
		s, err := signin.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, signin.EndpointParameters{Region: aws.String(r), IsControlPlane: aws.Bool(false)})
		if err != nil {
			t.Fatalf("%s: the SDK: %v", r, err)
		}
		if got := SignIn(r); got != s.URI.String() {
			t.Errorf("SignIn(%q) = %s, the SDK's is %s", r, got, s.URI.String())
		}
	}
}

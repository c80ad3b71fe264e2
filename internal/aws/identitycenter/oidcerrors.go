package identitycenter

import (
	"github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/smithy-go"
)

// messageOf is an exception's message: the portal sends "message"; the
// OIDC API sends the OAuth 2.0 error_description instead, which the SDK
// keeps in a field of each exception type.
func messageOf(e smithy.APIError) string {
	if m := e.ErrorMessage(); m != "" {
		return m
	}
	var d *string
	switch v := e.(type) {
	case *types.AccessDeniedException:
		d = v.Error_description
	case *types.AuthorizationPendingException:
		d = v.Error_description
	case *types.ExpiredTokenException:
		d = v.Error_description
	case *types.InternalServerException:
		d = v.Error_description
	case *types.InvalidClientException:
		d = v.Error_description
	case *types.InvalidClientMetadataException:
		d = v.Error_description
	case *types.InvalidGrantException:
		d = v.Error_description
	case *types.InvalidRedirectUriException:
		d = v.Error_description
	case *types.InvalidRequestException:
		d = v.Error_description
	case *types.InvalidRequestRegionException:
		d = v.Error_description
	case *types.InvalidScopeException:
		d = v.Error_description
	case *types.SlowDownException:
		d = v.Error_description
	case *types.UnauthorizedClientException:
		d = v.Error_description
	case *types.UnsupportedGrantTypeException:
		d = v.Error_description
	}
	if d == nil {
		return ""
	}
	return *d
}

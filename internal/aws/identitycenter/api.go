package identitycenter

import (
	"context"
	"net/http"
	"net/url"

	"github.com/stscred/stscred/internal/aws/restjson"
)

// The SSO OIDC API's and the portal's calls, on the wire as the SDK's
// ssooidc and sso clients make them (package restjson): paths, methods,
// query and header names, JSON members. None is signed.

// oidcExceptions are the exceptions the SSO OIDC API's model names; each
// carries the OAuth 2.0 "error" and "error_description", no message.
func oidcExceptions() []string {
	return []string{
		"AccessDeniedException", "AuthorizationPendingException", "ExpiredTokenException", "InternalServerException",
		"InvalidClientException", "InvalidClientMetadataException", "InvalidGrantException", "InvalidRedirectUriException",
		"InvalidRequestException", "InvalidRequestRegionException", "InvalidScopeException", "SlowDownException",
		"UnauthorizedClientException", "UnsupportedGrantTypeException",
	}
}

// portalExceptions are the exceptions the portal API's model names; each
// carries a message.
func portalExceptions() []string {
	return []string{"InvalidRequestException", "ResourceNotFoundException", "TooManyRequestsException", "UnauthorizedException"}
}

// oidc is a client of the SSO OIDC API for s's region.
func (c *Client) oidc(s Session) *restjson.Client {
	return restjson.New(c.Endpoints.oidcURL(s.Region), c.timeout(), oidcExceptions()...)
}

// portal is a client of the portal API for s's region; its calls carry
// the access token in a header.
func (c *Client) portal(s Session) *restjson.Client {
	return restjson.New(c.Endpoints.portalURL(s.Region), c.timeout(), portalExceptions()...)
}

// RegisterClient: POST /client/register.
type registerClientInput struct {
	ClientName   string   `json:"clientName,omitempty"`
	ClientType   string   `json:"clientType,omitempty"`
	Scopes       []string `json:"scopes,omitzero"`
	GrantTypes   []string `json:"grantTypes,omitzero"`
	RedirectURIs []string `json:"redirectUris,omitzero"`
	IssuerURL    string   `json:"issuerUrl,omitempty"`
}

type registerClientOutput struct {
	ClientID              string `json:"clientId"`
	ClientSecret          string `json:"clientSecret"`
	ClientSecretExpiresAt int64  `json:"clientSecretExpiresAt"`
}

func (c *Client) registerClient(ctx context.Context, s Session, in *registerClientInput) (*registerClientOutput, error) {
	var out registerClientOutput
	return &out, c.oidc(s).Call(ctx, restjson.Request{Method: http.MethodPost, Path: "/client/register", Body: in}, &out)
}

// StartDeviceAuthorization: POST /device_authorization.
type startDeviceInput struct {
	ClientID     string `json:"clientId,omitempty"`
	ClientSecret string `json:"clientSecret,omitempty"`
	StartURL     string `json:"startUrl,omitempty"`
}

type startDeviceOutput struct {
	DeviceCode              string  `json:"deviceCode"`
	UserCode                string  `json:"userCode"`
	VerificationURI         *string `json:"verificationUri"`
	VerificationURIComplete *string `json:"verificationUriComplete"`
	ExpiresIn               int32   `json:"expiresIn"`
	Interval                int32   `json:"interval"`
}

func (c *Client) startDeviceAuthorization(ctx context.Context, s Session, in *startDeviceInput) (*startDeviceOutput, error) {
	var out startDeviceOutput
	return &out, c.oidc(s).Call(ctx, restjson.Request{Method: http.MethodPost, Path: "/device_authorization", Body: in}, &out)
}

// CreateToken: POST /token, made once (never retried).
type createTokenInput struct {
	ClientID     string `json:"clientId,omitempty"`
	ClientSecret string `json:"clientSecret,omitempty"`
	GrantType    string `json:"grantType,omitempty"`
	DeviceCode   string `json:"deviceCode,omitempty"`
	Code         string `json:"code,omitempty"`
	RedirectURI  string `json:"redirectUri,omitempty"`
	CodeVerifier string `json:"codeVerifier,omitempty"`
	RefreshToken string `json:"refreshToken,omitempty"`
}

type createTokenOutput struct {
	AccessToken  string `json:"accessToken"`
	ExpiresIn    int32  `json:"expiresIn"`
	RefreshToken string `json:"refreshToken"`
}

// callCreateToken makes CreateToken. A code or refresh token is accepted
// once, and a retry after a lost answer would be refused (and a code
// presented twice revokes what it gave): the call is made one time only.
func (c *Client) callCreateToken(ctx context.Context, s Session, in *createTokenInput) (*createTokenOutput, error) {
	var out createTokenOutput
	return &out, c.oidc(s).Call(ctx, restjson.Request{Method: http.MethodPost, Path: "/token", Body: in, Once: true}, &out)
}

// The portal's calls: the access token in x-amz-sso_bearer_token.
func bearer(token string) http.Header {
	return http.Header{"X-Amz-Sso_bearer_token": {token}}
}

// GetRoleCredentials: GET /federation/credentials?account_id=&role_name=.
type roleCredentialsOutput struct {
	RoleCredentials *struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		SessionToken    string `json:"sessionToken"`
		Expiration      int64  `json:"expiration"` // epoch milliseconds
	} `json:"roleCredentials"`
}

func getRoleCredentials(ctx context.Context, portal *restjson.Client, token, accountID, roleName string) (*roleCredentialsOutput, error) {
	var out roleCredentialsOutput
	return &out, portal.Call(ctx, restjson.Request{
		Method: http.MethodGet, Path: "/federation/credentials", Header: bearer(token),
		Query: url.Values{"account_id": {accountID}, "role_name": {roleName}},
	}, &out)
}

// ListAccounts: GET /assignment/accounts?next_token=.
type listAccountsOutput struct {
	AccountList []struct {
		AccountID    string `json:"accountId"`
		AccountName  string `json:"accountName"`
		EmailAddress string `json:"emailAddress"`
	} `json:"accountList"`
	NextToken string `json:"nextToken"`
}

func listAccounts(ctx context.Context, portal *restjson.Client, token string) ([]Account, error) {
	var accounts []Account
	err := pages(func(next string) (string, error) {
		var out listAccountsOutput
		q := url.Values{}
		if next != "" {
			q.Set("next_token", next)
		}
		err := portal.Call(ctx, restjson.Request{Method: http.MethodGet, Path: "/assignment/accounts", Query: q, Header: bearer(token)}, &out)
		for _, a := range out.AccountList {
			accounts = append(accounts, Account{ID: a.AccountID, Name: a.AccountName, Email: a.EmailAddress})
		}
		return out.NextToken, err
	})
	return accounts, err
}

// ListAccountRoles: GET /assignment/roles?account_id=&next_token=.
type listAccountRolesOutput struct {
	RoleList []struct {
		RoleName string `json:"roleName"`
	} `json:"roleList"`
	NextToken string `json:"nextToken"`
}

func listAccountRoles(ctx context.Context, portal *restjson.Client, token, accountID string) ([]string, error) {
	var roles []string
	err := pages(func(next string) (string, error) {
		var out listAccountRolesOutput
		q := url.Values{"account_id": {accountID}}
		if next != "" {
			q.Set("next_token", next)
		}
		err := portal.Call(ctx, restjson.Request{Method: http.MethodGet, Path: "/assignment/roles", Query: q, Header: bearer(token)}, &out)
		for _, r := range out.RoleList {
			roles = append(roles, r.RoleName)
		}
		return out.NextToken, err
	})
	return roles, err
}

// pages asks for every page of a list: page asks for the one after next
// ("" the first) and answers with the token of the one after it. A portal
// that answers a page with the token it was asked for would be asked
// again until the budget ran out: the list ends there, as the SDK's
// paginators end it (StopOnDuplicateToken).
func pages(page func(next string) (string, error)) error {
	next := ""
	for {
		after, err := page(next)
		if err != nil || after == "" || after == next {
			return err
		}
		next = after
	}
}

// Logout: POST /logout.
func logout(ctx context.Context, portal *restjson.Client, token string) error {
	return portal.Call(ctx, restjson.Request{Method: http.MethodPost, Path: "/logout", Header: bearer(token)}, nil)
}

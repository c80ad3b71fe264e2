// Package identitycenter owns stscred's IAM Identity Center (AWS SSO)
// sign-in: the client registration, the sign-in flows (authorization code
// with PKCE on a loopback redirect, and device authorization), the access
// and refresh tokens and their silent refresh, and the portal calls made
// with the access token (GetRoleCredentials, ListAccounts,
// ListAccountRoles, Logout).
//
// The registration and the tokens live in a keystore.Store as JSON values
// under "v1:sso-client:<ID>:<flow>" and "v1:sso-token:<ID>", never in a
// file in the clear and never under ~/.aws/sso/cache. No token, refresh
// token, client secret, code verifier or authorization code appears in an
// error or on the user's terminal.
//
// The calls go through the SDK's ssooidc and sso clients, which read no
// shared config and no environment: the caller hands in everything
// (Session, Endpoints, the clock, the lock, the browser opener).
//
// It may import creds, hint, keystore, internal/textsafe and the SDK; it
// must not import awsconfig, cache, resolve, console or cmd/stscred.
package identitycenter

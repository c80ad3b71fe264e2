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
// The calls go through package restjson, made as the SDK's ssooidc and
// sso clients make them (whose package initialisation every stscred
// process, a cache hit included, would otherwise pay for); they read no
// shared config and no environment: the caller hands in everything
// (Session, Endpoints, the clock, the lock, the browser opener).
//
// It may import creds, hint, keystore, textsafe and restjson; it must not
// import awsconfig, cache, resolve, console or cmd/stscred.
package identitycenter

// Package signin is AWS Sign-In for local development (what `aws login`
// does, and `stscred login`): an IAM user, the root user or a console-
// federated identity signs in to the console in a browser, with whatever
// MFA the account enforces, and gets credentials that last 15 minutes,
// renewed with a refresh token for up to 12 hours.
//
// The sign-in is the authorization code grant with PKCE (S256): through a
// loopback redirect to 127.0.0.1 (the same-device client, the browser
// handed a one-time link by package browser), or, with Remote, the
// cross-device client whose confirmation page shows a code the user
// pastes. Every token call carries a DPoP proof (RFC 9449) signed with a
// P-256 key made for the session; the refresh token is bound to that key
// and rotates on every renewal. The refresh token, the key and what is
// known of the session live in the keystore as one JSON entry, never in a
// file in the clear; the 15-minute credentials are for the caller to
// cache. A renewal runs under a cross-process lock the caller supplies,
// and the rotated refresh token is in the keystore before the credentials
// are handed out.
//
// A sign-in the AWS CLI made (`aws login`) sits in its plaintext file
// under ~/.aws/login/cache; ReadCLIFile checks one, Held compares it with
// the keystore's entry, and Import stores it, proof key included, so the
// session goes on renewing without a new sign-in (`stscred import`).
//
// It knows a Session (the profile, the login_session ARN, the region and
// the endpoint), not the config.
package signin

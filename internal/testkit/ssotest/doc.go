// Package ssotest is an IAM Identity Center (AWS SSO) stand-in speaking the
// real REST-JSON protocols, so that stscred's Identity Center sign-in and
// real clients (the Go SDK's ssooidc and sso clients and its SSO credential
// provider, the AWS CLI, boto3) can be tested without AWS.
//
// One listener serves what AWS spreads over three hosts:
//
//   - SSO OIDC (https://oidc.<region>.amazonaws.com; AWS_ENDPOINT_URL_SSO_OIDC):
//     POST /client/register (RegisterClient), POST /device_authorization
//     (StartDeviceAuthorization), POST /token (CreateToken, grant types
//     urn:ietf:params:oauth:grant-type:device_code, authorization_code with
//     PKCE S256, refresh_token).
//   - The browser: GET /authorize?response_type=code&client_id=...&redirect_uri=...
//     &state=...&code_challenge=...&code_challenge_method=S256&scopes=...,
//     which redirects back with code and state, and the device verification
//     page GET /device?user_code=... (the verificationUriComplete). What the
//     signed-in user does is set with SetBrowser: approve at once (the
//     default), deny, or wait for ApproveAuthorization / ApproveDevice.
//   - The portal (https://portal.sso.<region>.amazonaws.com; AWS_ENDPOINT_URL_SSO),
//     bearer token in x-amz-sso_bearer_token: GET /federation/credentials
//     (GetRoleCredentials), GET /assignment/accounts (ListAccounts), GET
//     /assignment/roles (ListAccountRoles), POST /logout (Logout).
//
// Role credentials come from an ststest.Server (IssueRoleSession) and sign
// requests to it: GetCallerIdentity answers
// arn:aws:sts::<account>:assumed-role/AWSReservedSSO_<role>_<hex>/<user>.
//
//	stsSrv := ststest.New(ststest.Options{})
//	stsURL := stsSrv.Start()
//	srv := ssotest.New(ssotest.Options{STS: stsSrv, Region: "eu-west-1"})
//	url := srv.Start() // AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO
//	t.Cleanup(srv.Close)
//	srv.AddUser("alice")
//	srv.AddAccount(ssotest.Account{ID: "222222222222", Name: "prod", Email: "prod@example.com"})
//	roleARN := srv.Assign(ssotest.Assignment{User: "alice", AccountID: "222222222222", RoleName: "AdministratorAccess"})
//	// the client registers, starts a device authorization and polls;
//	// the test plays the user:
//	_ = srv.ApproveDevice(srv.PendingUserCodes()[0])
//	_ = srv.Fail(ssotest.OpGetRoleCredentials, ssotest.TooManyRequestsException, 1)
//	n := srv.Calls(ssotest.GrantOp(ssotest.GrantRefreshToken))
//
// A test playing the user without a browser waits for the client under
// test with WaitUserCode / WaitAuthorization instead of sleeping. An admin
// HTTP API under /_ssotest/ (see GET /_ssotest/) offers the observations
// (no secrets) and controls to out-of-process tests.
//
// Errors are sent as the service sends them: the exception in the
// x-amzn-ErrorType header, and an OAuth 2.0 body
// {"error":"authorization_pending","error_description":"..."} for OIDC or
// {"message":"...","__type":"com.amazonaws.switchboard.portal#..."} for the
// portal. Every secret it issues stays available to tests (Secrets, Tokens,
// RefreshTokens, Clients, Devices, IssuedRoleCredentials).
package ssotest

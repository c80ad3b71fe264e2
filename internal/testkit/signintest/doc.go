// Package signintest is an AWS Sign-In stand-in for local development
// (`aws login`, login_session profiles) speaking the real protocol, so
// that stscred's sign-in and renewal, and the SDKs' own providers (the Go
// SDK's credentials/logincreds with a service/signin client), can be
// tested without AWS.
//
// One listener serves what https://<region>.signin.aws.amazon.com serves
// (AWS_ENDPOINT_URL_SIGNIN points both the authorize URL and the token
// call at it):
//
//   - The browser: GET /v1/authorize?response_type=code&client_id=...
//     &redirect_uri=...&scope=openid&state=...&code_challenge=...
//     &code_challenge_method=SHA-256, for the two public clients:
//     ClientSameDevice, redirected to http://127.0.0.1:PORT/oauth/callback
//     with code and state, and ClientCrossDevice (`aws login --remote`),
//     redirected to the confirmation page GET /v1/sessions/confirmation,
//     which shows the code to paste (VerificationCode: base64 of
//     state=...&code=...). Every parameter is checked as the service
//     checks it; a bad one gets a bare 400 page. What the signed-in user
//     does is set with SetBrowser: approve at once (the default), deny
//     (error=access_denied), or wait for ApproveAuthorization /
//     DenyAuthorization.
//   - The token API: POST /v1/token (CreateOAuth2Token, REST-JSON, camelCase
//     members) with grantType authorization_code (clientId, code,
//     codeVerifier, redirectUri; PKCE checked, the code single-use,
//     AUTHCODE_EXPIRED after Options.AuthCodeLifetime) or refresh_token
//     (clientId, refreshToken). Every call must carry a DPoP proof (RFC
//     9449): typ dpop+jwt, ES256, the P-256 jwk; jti never seen before,
//     htm POST, htu the request's URL, iat within Options.ProofWindow of
//     the server clock; verified with go-jose. The refresh token is bound
//     to the key's RFC 7638 thumbprint, rotated on every renewal (the old
//     one refused), and the session ends Options.SessionDuration (12 hours)
//     after the user signed in. The answer:
//     {"accessToken":{"accessKeyId","secretAccessKey","sessionToken"},
//     "expiresIn":900,"refreshToken","tokenType","idToken"}, idToken (a JWT
//     whose sub is the identity's ARN) on the code exchange only.
//
// Who signs in: an IAM user of an ststest.Server (AddUser) or a
// console-federated identity (AddFederated). The credentials come from
// that STS server and sign requests to it: an IAM user's login session
// behaves as the user's temporary session (ststest.Server.IssueUserSession:
// GetCallerIdentity says arn:aws:iam::ACCOUNT:user/NAME; AssumeRole with it
// is not role chaining and carries MFA context unless Options.WithoutMFA or
// SetMFA say the sign-in had none), a federated identity's as an
// assumed-role session (IssueLoginRoleSession: role chaining).
//
//	stsSrv := ststest.New(ststest.Options{Now: clock.Now})
//	stsSrv.Start()
//	alice := stsSrv.AddUser("111111111111", "alice")
//	srv := signintest.New(signintest.Options{STS: stsSrv, Now: clock.Now})
//	url := srv.Start() // AWS_ENDPOINT_URL_SIGNIN
//	t.Cleanup(srv.Close)
//	srv.AddUser(alice)
//	// the client signs in; the browser approves as alice ...
//	_ = srv.ChangePassword(alice.ARN()) // renewals: USER_CREDENTIALS_CHANGED
//	_ = srv.Fail(signintest.GrantOp(signintest.GrantRefreshToken), signintest.TooManyRequestsError, 1)
//	n := srv.Calls(signintest.GrantOp(signintest.GrantRefreshToken))
//	login, _ := srv.SignIn(ctx) // a session made without the client under test
//	file, _ := login.CacheFile() // as the AWS CLI writes it
//
// Errors are sent as the service sends them: HTTP 400
// {"__type":"ValidationException","error":"INVALID_REQUEST","message":...}
// for a bad request, grant or proof; AccessDeniedException with 401
// (TOKEN_EXPIRED, AUTHCODE_EXPIRED) or 403 (USER_CREDENTIALS_CHANGED,
// INSUFFICIENT_PERMISSIONS); TooManyRequestsError 429,
// InternalServerException 500, ServiceUnavailableException 503 on demand
// (Fail). See errors.go for what is known of the real service and what is
// a plausible guess.
//
// Counters per operation and grant (Calls, Successes), the request log
// (Requests, no secrets), the sessions and refresh tokens (Sessions,
// RefreshTokens) and every secret handed out (Secrets) are there for
// tests; an admin HTTP API under /_signintest/ (see GET /_signintest/)
// offers them and the controls to out-of-process tests. A test playing the
// user waits with WaitAuthorization instead of sleeping.
package signintest

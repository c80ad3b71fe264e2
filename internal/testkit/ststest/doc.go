// Package ststest is an AWS STS and IAM test server speaking the real wire
// protocol (query APIs STS 2011-06-15 and IAM 2010-05-08: form-encoded POST,
// XML responses and error documents), so that stscred and real AWS clients
// (the Go SDK, the AWS CLI, boto3) can be tested without reaching AWS.
//
// One listener serves both: a request signed for service "iam" (region
// us-east-1, IAM being global) goes to IAM, any other to STS, and an action
// of the other service is an InvalidAction there. IAM speaks the access-key
// actions of a key rotation (GetUser, ListAccessKeys, CreateAccessKey,
// UpdateAccessKey, DeleteAccessKey) on the same users and keys as STS: a
// user acts on its own keys (at most two; ListAccessKeys pages them by
// MaxItems and Marker), role sessions and
// GetSessionToken sessions without MFA are refused, User.RequireMFAForIAM
// refuses the long-term key, and Options.KeyPropagation holds back new keys
// like IAM's eventual consistency.
//
// The same listener serves the console sign-in of the AWS federation
// endpoint on /federation (STSCRED_FEDERATION_URL=<URL>/federation), as
// signin.aws.amazon.com/federation does and without SigV4: getSigninToken
// exchanges credentials from AssumeRole* or GetFederationToken for a
// sign-in token (15 minutes), login redirects to a console Destination.
// It refuses what AWS refuses, in the real endpoint's form (see
// federation.go), and records each sign-in (Server.Logins) and token
// (Server.SigninTokens). STS's GetFederationToken gives an IAM user's
// long-term key a federated-user session for it; Session.NoPermissions
// tells a session obtained without a policy.
//
// It verifies SigV4 signatures against the keys it knows (hand-written, not
// the SDK's signer), checks TOTP codes and refuses a code used before,
// issues and remembers temporary credentials, and reproduces the service's
// errors, limits and role-chaining rules. Tests can inject faults, delay
// responses, skew the clock and the Date header, move an MFA device's own
// clock ahead for a fresh code without waiting for the next 30-second step
// (FreshCode, AdvanceMFAClock), and observe call counts and the MFA codes
// each device accepted.
//
// AssumeRoleWithWebIdentity and AssumeRoleWithSAML take no signature (one
// that comes is ignored, as AWS does). A web identity token is verified as
// STS does: an IAM OIDC provider for its iss in the role's account
// (AddOIDCProvider), its signature against the JWKS fetched over HTTP from
// the provider's discovery document (cached until a token names an unknown
// key id; a fetch failure is IDPCommunicationError), aud among the client
// ids, exp/nbf/iat by Options.Now, and the role's trust statements
// (Role.WebIdentity: StringLike on sub, aud). A SAMLResponse is verified
// against the certificates of an IAM SAML provider (AddSAMLProvider,
// AddSAMLProviderMetadata): the XML signature, issuer, audience,
// NotOnOrAfter, the Role attribute's pair and the role's Role.SAML trust.
// Sessions they issue have no IAM user behind them and chain like any role
// session. Package oidctest is an OpenID provider (and a GitHub Actions
// ID-token stand-in) and package samltest a SAML IdP to test them with:
//
//	idp := oidctest.New(oidctest.Options{Now: clock})
//	idp.Start()
//	srv.AddOIDCProvider("222222222222", idp.URL(), "sts.amazonaws.com")
//	srv.AddRole(ststest.Role{ARN: "arn:aws:iam::222222222222:role/CI",
//		WebIdentity: []ststest.WebIdentityTrust{{Provider: idp.URL(), Subjects: []string{"repo:org/app:*"}}}})
//	token := idp.Token(oidctest.Claims{Subject: "repo:org/app:ref:refs/heads/main", Audience: []string{"sts.amazonaws.com"}})
//	_ = srv.Fail("AssumeRoleWithWebIdentity", "IDPCommunicationError", 2)
//
//	srv := ststest.New(ststest.Options{})
//	url := srv.Start()
//	t.Cleanup(srv.Close)
//	alice := srv.AddUser("111111111111", "alice")
//	key := alice.AddAccessKey()
//	dev := alice.AddMFADevice("alice")
//	srv.AddRole(ststest.Role{ARN: "arn:aws:iam::222222222222:role/Admin", RequireMFA: true, MaxSessionDuration: 12 * time.Hour})
//	code := srv.Code(dev.Serial, time.Now())
//	fresh := srv.FreshCode(dev.Serial) // one not accepted yet, at once
//	// point a client at url with key.ID / key.Secret ...
//	_ = srv.Fail("AssumeRole", "Throttling", 2)
//	n := srv.Calls("AssumeRole")
//	// console: GET url+"/federation?Action=getSigninToken&Session=..." ...
//	for _, l := range srv.Logins() { _ = l.ARN; _ = l.Destination }
//	// IAM: point an IAM client (region us-east-1) at the same url ...
//	_ = srv.Fail("CreateAccessKey", "LimitExceeded", 1)
//	for _, k := range alice.AccessKeys() { _, _ = srv.AccessKey(k.ID) }
//
// IssueRoleSession issues role credentials the way another AWS service does
// for its users (Session.Action "GetRoleCredentials", no IAM user behind
// them): package ststest/ssotest, an IAM Identity Center stand-in, hands
// them out from its portal's GetRoleCredentials. IssueUserSession and
// IssueLoginRoleSession issue what AWS Sign-In hands out for `aws login`
// (Session.Action "CreateOAuth2Token"): an IAM user's temporary session
// (GetCallerIdentity reports the user; AssumeRole with it is not role
// chaining and carries its MFA context) or a console-federated identity's
// role session; package ststest/signintest, the Sign-In stand-in, uses them.
//
// An admin HTTP API under /_ststest/ (see GET /_ststest/) exposes the same
// controls to out-of-process tests, providers and trust statements
// included; cmd/ststest runs a demo server.
package ststest

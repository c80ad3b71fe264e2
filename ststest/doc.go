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
// user acts on its own keys (at most two), role sessions and
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
// responses, skew the clock and the Date header, and observe call counts and
// the MFA codes each device accepted.
//
//	srv := ststest.New(ststest.Options{})
//	url := srv.Start()
//	t.Cleanup(srv.Close)
//	alice := srv.AddUser("111111111111", "alice")
//	key := alice.AddAccessKey()
//	dev := alice.AddMFADevice("alice")
//	srv.AddRole(ststest.Role{ARN: "arn:aws:iam::222222222222:role/Admin", RequireMFA: true, MaxSessionDuration: 12 * time.Hour})
//	code := srv.Code(dev.Serial, time.Now())
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
// them out from its portal's GetRoleCredentials.
//
// An admin HTTP API under /_ststest/ (see GET /_ststest/) exposes the same
// controls to out-of-process tests; cmd/ststest runs a demo server.
package ststest

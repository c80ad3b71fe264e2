// Package ststest is an AWS STS test server speaking the real wire protocol
// (query API 2011-06-15: form-encoded POST, XML responses and error
// documents), so that stscred and real AWS clients (the Go SDK, the AWS CLI,
// boto3) can be tested without reaching AWS.
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
//
// An admin HTTP API under /_ststest/ (see GET /_ststest/) exposes the same
// controls to out-of-process tests; cmd/ststest runs a demo server.
package ststest

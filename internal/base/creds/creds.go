// Package creds is the one type every part of stscred passes AWS
// credentials in: what STS issued, what the cache holds, what a
// credential_process printed; and the credential_process JSON document
// itself (process.go).
package creds

import "time"

// Credentials are one set of AWS credentials. Long-term IAM user keys have
// no SessionToken and a zero Expiration.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	// AccountID is the account the credentials act in, when known ("" when
	// not): botocore and the JS SDK v3 read it from credential_process and
	// then need no call to learn it.
	AccountID string
}

// Temporary reports whether the credentials carry a session token.
func (c Credentials) Temporary() bool { return c.SessionToken != "" }

// Remaining is how long the credentials stay valid at now; long-term keys
// never expire.
func (c Credentials) Remaining(now time.Time) time.Duration {
	if c.Expiration.IsZero() {
		return 1<<63 - 1
	}
	return c.Expiration.Sub(now)
}

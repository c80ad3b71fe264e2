// Package awsapitest is the one fake STS of the unit tests.
package awsapitest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/base/creds"
)

// New returns an STS fake whose credentials expire by now.
func New(now func() time.Time) *STS { return &STS{Now: now, Fail: map[string][]error{}} }

// STS is an in-memory awsapi.API: it hands out credentials valid for the
// requested duration by its clock and records every call. For the STS
// protocol itself, with signatures, MFA codes and AWS's errors, use
// package ststest; this is for unit tests of what stscred does with the
// answers.
type STS struct {
	mu      sync.Mutex
	Now     func() time.Time
	Calls   []string
	Signers []string
	Inputs  []any
	n       int
	Fail    map[string][]error // queued errors per operation
}

func (f *STS) record(op string, signer creds.Credentials, in any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, op)
	f.Signers = append(f.Signers, signer.AccessKeyID)
	f.Inputs = append(f.Inputs, in)
	if q := f.Fail[op]; len(q) > 0 {
		f.Fail[op] = q[1:]
		return q[0]
	}
	return nil
}

func (f *STS) issue(d time.Duration) creds.Credentials {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	return creds.Credentials{AccessKeyID: fmt.Sprintf("ASIA%016d", f.n), SecretAccessKey: "s", SessionToken: "t", Expiration: f.Now().Add(d).UTC()}
}

func (f *STS) GetSessionToken(_ context.Context, signer creds.Credentials, in awsapi.SessionTokenInput) (creds.Credentials, error) {
	if err := f.record("GetSessionToken", signer, in); err != nil {
		return creds.Credentials{}, err
	}
	return f.issue(in.Duration), nil
}

func (f *STS) AssumeRole(_ context.Context, signer creds.Credentials, in awsapi.AssumeRoleInput) (creds.Credentials, error) {
	if err := f.record("AssumeRole", signer, in); err != nil {
		return creds.Credentials{}, err
	}
	return f.issue(in.Duration), nil
}

func (f *STS) GetFederationToken(_ context.Context, signer creds.Credentials, in awsapi.FederationTokenInput) (creds.Credentials, error) {
	if err := f.record("GetFederationToken", signer, in); err != nil {
		return creds.Credentials{}, err
	}
	return f.issue(in.Duration), nil
}

func (f *STS) AssumeRoleWithWebIdentity(_ context.Context, in awsapi.WebIdentityInput) (creds.Credentials, error) {
	if err := f.record("AssumeRoleWithWebIdentity", creds.Credentials{}, in); err != nil {
		return creds.Credentials{}, err
	}
	return f.issue(in.Duration), nil
}

func (f *STS) AssumeRoleWithSAML(_ context.Context, in awsapi.SAMLInput) (creds.Credentials, error) {
	if err := f.record("AssumeRoleWithSAML", creds.Credentials{}, in); err != nil {
		return creds.Credentials{}, err
	}
	return f.issue(in.Duration), nil
}

func (f *STS) GetCallerIdentity(_ context.Context, c creds.Credentials) (awsapi.Identity, error) {
	return awsapi.Identity{}, f.record("GetCallerIdentity", c, nil)
}

// Count is how many calls of op were made.
func (f *STS) Count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.Calls {
		if c == op {
			n++
		}
	}
	return n
}

package accesskey

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/keystore/keystoretest"
)

const (
	userARN      = "arn:aws:iam::111111111111:user/alice"
	sessionID    = "ASIASESSIONOFALICE01"
	sessionToken = "session-token-with-mfa"
)

// fakeAWS is IAM and STS for one user, alice: it knows which keys are
// valid, refuses inactive and deleted ones, and fails calls on demand.
type fakeAWS struct {
	mu      sync.Mutex
	keys    map[string]*fakeKey
	seq     int
	now     func() time.Time
	fail    map[string][]error // action → errors to return, in order
	calls   map[string]int
	signers map[string][]string // action → access key ids that signed it
	// propagation: a new key is refused (InvalidClientTokenId) this many
	// times before it works.
	propagation int
	// mfaOnly refuses IAM calls signed with a long-term key, as a policy
	// denying everything without MFA does.
	mfaOnly bool
	// after runs after an action succeeded.
	after map[string]func()
}

type fakeKey struct {
	id, secret string
	active     bool
	created    time.Time
	seq        int
	unusable   int // authentications refused before it works
}

func newFakeAWS(now func() time.Time) *fakeAWS {
	return &fakeAWS{keys: map[string]*fakeKey{}, now: now, fail: map[string][]error{}, calls: map[string]int{},
		signers: map[string][]string{}, after: map[string]func(){}}
}

// addKey makes a key that works at once.
func (f *fakeAWS) addKey() keystore.Key {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := f.newKey(0)
	return keystore.Key{AccessKeyID: k.id, SecretAccessKey: k.secret, Added: f.now().UTC(), UserARN: userARN}
}

func (f *fakeAWS) newKey(unusable int) *fakeKey {
	f.seq++
	k := &fakeKey{id: fmt.Sprintf("AKIAFAKE%012d", f.seq), secret: fmt.Sprintf("secret-%d-%d", f.seq, f.now().UnixNano()),
		active: true, created: f.now().UTC().Truncate(time.Second), seq: f.seq, unusable: unusable}
	f.keys[k.id] = k
	return k
}

// failNext makes the next call of action return err.
func (f *fakeAWS) failNext(action string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[action] = append(f.fail[action], errs...)
}

func apiErr(op, code string) error {
	return &awsapi.IAMError{Err: &awsapi.APIError{Op: op, Code: code, Message: "injected " + code}}
}

// call counts action, returns an injected error, then authenticates the
// signer. Callers hold f.mu.
func (f *fakeAWS) call(action string, signer creds.Credentials, iam bool) error {
	f.calls[action]++
	if q := f.fail[action]; len(q) > 0 {
		f.fail[action] = q[1:]
		return q[0]
	}
	f.signers[action] = append(f.signers[action], signer.AccessKeyID)
	if signer.SessionToken != "" {
		if signer.AccessKeyID != sessionID || signer.SessionToken != sessionToken {
			return apiErr(action, "InvalidClientTokenId")
		}
		return nil
	}
	k, ok := f.keys[signer.AccessKeyID]
	if !ok || !k.active || k.secret != signer.SecretAccessKey {
		return apiErr(action, "InvalidClientTokenId")
	}
	if k.unusable > 0 {
		k.unusable--
		return apiErr(action, "InvalidClientTokenId")
	}
	if iam && f.mfaOnly {
		return apiErr(action, "AccessDenied")
	}
	return nil
}

func (f *fakeAWS) done(action string) {
	if fn := f.after[action]; fn != nil {
		fn()
	}
}

func (f *fakeAWS) list() []awsapi.AccessKeyInfo {
	var out []awsapi.AccessKeyInfo
	for _, k := range f.keys {
		status := awsapi.KeyActive
		if !k.active {
			status = awsapi.KeyInactive
		}
		out = append(out, awsapi.AccessKeyInfo{ID: k.id, Status: status, Created: k.created, UserName: "alice"})
	}
	slices.SortFunc(out, func(a, b awsapi.AccessKeyInfo) int { return f.keys[a.ID].seq - f.keys[b.ID].seq })
	return out
}

// Keys is the fake's truth, for comparing with what a run reported.
func (f *fakeAWS) Keys() []awsapi.AccessKeyInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.list()
}

// works reports whether k authenticates now (without using up a
// propagation refusal).
func (f *fakeAWS) works(k keystore.Key) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	fk, ok := f.keys[k.AccessKeyID]
	return ok && fk.active && fk.secret == k.SecretAccessKey && fk.unusable == 0
}

func (f *fakeAWS) ListAccessKeys(ctx context.Context, signer creds.Credentials) ([]awsapi.AccessKeyInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ListAccessKeys", signer, true); err != nil {
		return nil, err
	}
	defer f.done("ListAccessKeys")
	return f.list(), nil
}

func (f *fakeAWS) CreateAccessKey(ctx context.Context, signer creds.Credentials) (awsapi.NewAccessKey, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("CreateAccessKey", signer, true); err != nil {
		return awsapi.NewAccessKey{}, err
	}
	if len(f.keys) >= 2 {
		return awsapi.NewAccessKey{}, apiErr("CreateAccessKey", "LimitExceeded")
	}
	defer f.done("CreateAccessKey")
	k := f.newKey(f.propagation)
	return awsapi.NewAccessKey{
		AccessKeyInfo: awsapi.AccessKeyInfo{ID: k.id, Status: awsapi.KeyActive, Created: k.created, UserName: "alice"},
		Secret:        k.secret,
	}, nil
}

func (f *fakeAWS) UpdateAccessKey(ctx context.Context, signer creds.Credentials, id, status string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("UpdateAccessKey", signer, true); err != nil {
		return err
	}
	k, ok := f.keys[id]
	if !ok {
		return apiErr("UpdateAccessKey", "NoSuchEntity")
	}
	defer f.done("UpdateAccessKey")
	k.active = status == awsapi.KeyActive
	return nil
}

func (f *fakeAWS) DeleteAccessKey(ctx context.Context, signer creds.Credentials, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DeleteAccessKey", signer, true); err != nil {
		return err
	}
	if _, ok := f.keys[id]; !ok {
		return apiErr("DeleteAccessKey", "NoSuchEntity")
	}
	defer f.done("DeleteAccessKey")
	delete(f.keys, id)
	return nil
}

func (f *fakeAWS) GetCallerIdentity(ctx context.Context, cr creds.Credentials) (awsapi.Identity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("GetCallerIdentity", cr, false); err != nil {
		var ie *awsapi.IAMError
		if errors.As(err, &ie) {
			err = ie.Err // STS's errors are plain APIErrors
		}
		return awsapi.Identity{}, err
	}
	return awsapi.Identity{UserID: "AIDAALICE", Account: "111111111111", ARN: userARN}, nil
}

// store is a keystore whose writes and reads can fail.
type store struct {
	*keystoretest.Memory
	mu sync.Mutex
	// setErr, when it returns an error for an entry, fails that write;
	// written says whether the write happened anyway.
	setErr func(name string) (err error, written bool)
	getErr func(name string) error
	delErr func(name string) error
}

func newStore() *store { return &store{Memory: keystoretest.NewMemory()} }

func (s *store) Set(name, secret string) error {
	s.mu.Lock()
	fn := s.setErr
	s.mu.Unlock()
	if fn != nil {
		if err, written := fn(name); err != nil {
			if written {
				s.Memory.Set(name, secret)
			}
			return err
		}
	}
	return s.Memory.Set(name, secret)
}

func (s *store) Get(name string) (string, error) {
	s.mu.Lock()
	fn := s.getErr
	s.mu.Unlock()
	if fn != nil {
		if err := fn(name); err != nil {
			return "", err
		}
	}
	return s.Memory.Get(name)
}

func (s *store) Delete(name string) error {
	s.mu.Lock()
	fn := s.delErr
	s.mu.Unlock()
	if fn != nil {
		if err := fn(name); err != nil {
			return err
		}
	}
	return s.Memory.Delete(name)
}

func (s *store) set(fn func(name string) (error, bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setErr = fn
}

func (s *store) get(fn func(name string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.getErr = fn
}

func (s *store) del(fn func(name string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delErr = fn
}

// clock is a fake clock that Sleep advances.
type clock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.slept = append(c.slept, d)
	return nil
}

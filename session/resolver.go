package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/cache"
	"github.com/stscred/stscred/credproc"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/mfa"
)

// Defaults for durations the profile does not set.
const (
	DefaultSessionDuration = 12 * time.Hour
	DefaultRoleDuration    = time.Hour
	// ChainedRoleMax is STS's cap on role chaining.
	ChainedRoleMax = time.Hour
	// parentNeed is how long a session or role must still be valid to sign
	// an AssumeRole: the role credentials it yields outlive it.
	parentNeed = 2 * time.Minute
)

// Resolver gets credentials for profiles: from the cache when they have at
// least MinRemaining left, else from STS (prompting for MFA once per
// session), caching what STS returns.
type Resolver struct {
	Keys keystore.Store
	// KeysNote explains, when it may surprise, why Keys is the backend in
	// use; it becomes a hint when a key is missing. Called only then.
	KeysNote func() string
	Cache    *cache.Cache
	NewAPI   func(Endpoint) API
	Settings Settings
	// MFA picks where a code comes from; process is the profile's
	// mfa_process.
	MFA func(req mfa.Request, process string) (mfa.Source, error)
	// Used remembers the codes STS accepted, so none is sent twice.
	Used mfa.UsedCodes

	Now             func() time.Time
	MinRemaining    time.Duration
	SessionDuration time.Duration
	LockTimeout     time.Duration
	PID             int
	// OnWait is told when another process holds a lock this one needs.
	OnWait func(cache.Holder)
	// Notify tells the user something on the terminal, if any.
	Notify func(msg string)
	// Warn receives warnings (stderr).
	Warn io.Writer

	keys map[string]keystore.Key
}

// Result is what Credentials returns.
type Result struct {
	Creds  credproc.Credentials
	Cached bool // served from the cache, no STS call
	MFA    bool // the session behind them was MFA-authenticated
}

// call is what one Credentials call carries down the chain.
type call struct {
	target  *awsconfig.Profile
	serial  string // MFA device for the root session
	process string // mfa_process to get its code
}

// Credentials returns credentials for p: a GetSessionToken session for a
// root profile, AssumeRole credentials for a role profile.
func (r *Resolver) Credentials(ctx context.Context, p *awsconfig.Profile) (Result, error) {
	c := call{target: p, serial: p.MFASerial, process: p.MFAProcess}
	e, cached, err := r.get(ctx, p, c, r.MinRemaining)
	if err != nil {
		return Result{}, err
	}
	return Result{Creds: e.Creds, Cached: cached, MFA: e.MFA}, nil
}

func (r *Resolver) get(ctx context.Context, p *awsconfig.Profile, c call, need time.Duration) (cache.Entry, bool, error) {
	key, err := r.keyOf(p, c)
	if err != nil {
		return cache.Entry{}, false, err
	}
	if e, ok, err := r.lookup(key, p, need); err != nil || ok {
		return e, ok, err
	}
	lockCtx, cancel := context.WithTimeout(ctx, r.LockTimeout)
	unlock, err := r.Cache.Lock(lockCtx, key, cache.Holder{PID: r.PID, Profile: c.target.Name}, r.OnWait)
	cancel()
	if err != nil {
		return cache.Entry{}, false, err
	}
	defer unlock()
	// Another process may have fetched while this one waited.
	if e, ok, err := r.lookup(key, p, need); err != nil || ok {
		return e, ok, err
	}
	var e cache.Entry
	if p.IsRole() {
		e, err = r.fetchRole(ctx, p, c)
	} else {
		e, err = r.fetchSession(ctx, p, c)
	}
	if err != nil {
		return cache.Entry{}, false, err
	}
	e.Key = key
	if err := r.Cache.Put(e); err != nil {
		r.warnf("could not cache the credentials for %s (the next call will fetch again): %v", p.Name, err)
	}
	return e, false, nil
}

// lookup reads key from the cache; ok when the entry has at least need
// left. A corrupted entry is a miss (and is overwritten by the fetch).
func (r *Resolver) lookup(key string, p *awsconfig.Profile, need time.Duration) (cache.Entry, bool, error) {
	e, err := r.Cache.Get(key)
	switch {
	case err == nil:
		return e, e.Creds.Remaining(r.Now()) >= need, nil
	case errors.Is(err, cache.ErrMiss):
		return cache.Entry{}, false, nil
	case errors.Is(err, cache.ErrCorrupt):
		r.warnf("ignoring a corrupted cache entry for %s (%v); fetching new credentials", p.Name, err)
		return cache.Entry{}, false, nil
	}
	return cache.Entry{}, false, fmt.Errorf("reading the session cache: %w", err)
}

// keyOf derives p's cache key. For a root profile it needs the stored
// access key id, which the cache remembers so that a hit never reads the
// OS keyring.
func (r *Resolver) keyOf(p *awsconfig.Profile, c call) (string, error) {
	if p.IsRole() {
		parent, err := r.keyOf(p.Source, c)
		if err != nil {
			return "", err
		}
		return cache.RoleKey(parent, r.roleParams(p)), nil
	}
	id, err := r.accessKeyID(p.Name)
	if err != nil {
		return "", err
	}
	return cache.SessionKey(id, c.serial, r.Settings.EndpointFor(p).URL), nil
}

func (r *Resolver) accessKeyID(profile string) (string, error) {
	if e, err := r.Cache.Get(cache.KeyIDKey(profile)); err == nil && e.Kind == cache.KindKeyID {
		return e.Creds.AccessKeyID, nil
	}
	k, err := r.LongTermKey(profile)
	if err != nil {
		return "", err
	}
	if err := RememberKeyID(r.Cache, profile, k.AccessKeyID, r.Now()); err != nil {
		r.warnf("could not cache which key is stored for %s: %v", profile, err)
	}
	return k.AccessKeyID, nil
}

// RememberKeyID records in the cache which access key id is stored for
// profile.
func RememberKeyID(c *cache.Cache, profile, accessKeyID string, now time.Time) error {
	return c.Put(cache.Entry{
		Header: cache.Header{Key: cache.KeyIDKey(profile), Kind: cache.KindKeyID, Profile: profile, Chain: []string{profile}, Stored: now},
		Creds:  credproc.Credentials{AccessKeyID: accessKeyID},
	})
}

// LongTermKey reads profile's key from the keystore (once per run).
func (r *Resolver) LongTermKey(profile string) (keystore.Key, error) {
	if k, ok := r.keys[profile]; ok {
		return k, nil
	}
	k, err := keystore.GetKey(r.Keys, profile)
	if errors.Is(err, keystore.ErrNotFound) {
		hints := []string{"store the IAM user's access key: stscred add " + profile}
		if r.KeysNote != nil {
			if note := r.KeysNote(); note != "" {
				hints = append(hints, note+"; if the key is in an OS keyring, make it reachable (DBUS_SESSION_BUS_ADDRESS) and set STSCRED_BACKEND=keyring")
			}
		}
		return k, hint.With(fmt.Errorf("no access key is stored for profile %s (%s backend)", profile, r.Keys.Backend()), hints...)
	}
	if err != nil {
		return k, fmt.Errorf("reading the key of profile %s: %w", profile, err)
	}
	if r.keys == nil {
		r.keys = map[string]keystore.Key{}
	}
	r.keys[profile] = k
	return k, nil
}

func (r *Resolver) fetchSession(ctx context.Context, p *awsconfig.Profile, c call) (cache.Entry, error) {
	k, err := r.LongTermKey(p.Name)
	if err != nil {
		return cache.Entry{}, err
	}
	signer := credproc.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey}
	ep := r.Settings.EndpointFor(p)
	api := r.NewAPI(ep)
	in := SessionTokenInput{Duration: r.SessionDuration}
	var creds credproc.Credentials
	if c.serial == "" {
		creds, err = api.GetSessionToken(ctx, signer, in)
		if err != nil {
			return cache.Entry{}, r.explain(err, p, k.AccessKeyID, "")
		}
	} else {
		creds, err = r.sessionWithMFA(ctx, api, signer, in, p, c, k.AccessKeyID)
		if err != nil {
			return cache.Entry{}, err
		}
	}
	return r.entry(cache.KindSession, p, c.serial != "", creds), nil
}

func (r *Resolver) sessionWithMFA(ctx context.Context, api API, signer credproc.Credentials, in SessionTokenInput, p *awsconfig.Profile, c call, keyID string) (credproc.Credentials, error) {
	req := mfa.Request{Profile: c.target.Name, Serial: c.serial, Attempt: 1}
	src, err := r.MFA(req, c.process)
	if err != nil {
		return credproc.Credentials{}, err
	}
	// One MFA device, one code at a time: two sources sharing a device
	// (two keys of one IAM user) must not both send the same code.
	lockCtx, cancel := context.WithTimeout(ctx, r.LockTimeout)
	unlock, err := r.Cache.Lock(lockCtx, cache.DeviceKey(c.serial), cache.Holder{PID: r.PID, Profile: c.target.Name}, r.OnWait)
	cancel()
	if err != nil {
		return credproc.Credentials{}, err
	}
	defer unlock()
	for ; ; req.Attempt++ {
		code, err := mfa.Fresh(ctx, src, req, r.Used, r.notify)
		if err != nil {
			return credproc.Credentials{}, fmt.Errorf("getting the MFA code for %s: %w", c.serial, err)
		}
		in.MFASerial, in.MFACode = c.serial, code
		creds, err := api.GetSessionToken(ctx, signer, in)
		if err == nil {
			if err := r.Used.Remember(c.serial, code); err != nil {
				r.warnf("%v", err)
			}
			return creds, nil
		}
		if !mfaRejected(err) {
			return credproc.Credentials{}, r.explain(err, p, keyID, c.serial)
		}
		if src.Interactive() && req.Attempt < 3 {
			r.notify(fmt.Sprintf("STS rejected that MFA code for %s; try the next one", c.serial))
			continue
		}
		return credproc.Credentials{}, r.explain(err, p, keyID, c.serial)
	}
}

func (r *Resolver) fetchRole(ctx context.Context, p *awsconfig.Profile, c call) (cache.Entry, error) {
	parent, parentCached, err := r.get(ctx, p.Source, c, parentNeed)
	if err != nil {
		return cache.Entry{}, err
	}
	in := r.roleInput(p)
	api := r.NewAPI(r.Settings.EndpointFor(p))
	creds, err := api.AssumeRole(ctx, parent.Creds, in)
	if err != nil && parentCached && staleSigner(err) {
		// The cached session was revoked or expired early: drop it,
		// fetch a new one, and try once more.
		r.warnf("the cached credentials of %s were refused (%s); fetching new ones", p.Source.Name, codeOf(err))
		if derr := r.Cache.Delete(parent.Key); derr != nil {
			return cache.Entry{}, derr
		}
		parent, _, err = r.get(ctx, p.Source, c, parentNeed)
		if err != nil {
			return cache.Entry{}, err
		}
		creds, err = api.AssumeRole(ctx, parent.Creds, in)
	}
	if err != nil {
		return cache.Entry{}, r.explainRole(err, p, parent.MFA)
	}
	return r.entry(cache.KindRole, p, parent.MFA, creds), nil
}

func (r *Resolver) entry(kind string, p *awsconfig.Profile, mfaAuth bool, creds credproc.Credentials) cache.Entry {
	var chain []string
	for _, q := range p.Chain() {
		chain = append(chain, q.Name)
	}
	return cache.Entry{
		Header: cache.Header{Kind: kind, Profile: p.Name, Chain: chain, MFA: mfaAuth, Stored: r.Now().UTC()},
		Creds:  creds,
	}
}

func (r *Resolver) roleParams(p *awsconfig.Profile) cache.RoleParams {
	in := r.roleInput(p)
	return cache.RoleParams{
		RoleARN: in.RoleARN, SessionName: in.SessionName, ExternalID: in.ExternalID, SourceIdentity: in.SourceIdentity,
		Duration: in.Duration, Tags: in.Tags, TransitiveTags: in.TransitiveTags, Endpoint: r.Settings.EndpointFor(p).URL,
	}
}

// roleInput is the AssumeRole request for p, with defaults applied.
func (r *Resolver) roleInput(p *awsconfig.Profile) AssumeRoleInput {
	d := time.Duration(p.DurationSeconds) * time.Second
	if d == 0 {
		d = DefaultRoleDuration
	}
	if p.Source != nil && p.Source.IsRole() && d > ChainedRoleMax {
		d = ChainedRoleMax
	}
	name := p.RoleSessionName
	if name == "" {
		name = DefaultSessionName(p.Root().Name)
	}
	return AssumeRoleInput{
		RoleARN: p.RoleARN, SessionName: name, ExternalID: p.ExternalID, SourceIdentity: p.SourceIdentity,
		Duration: d, Tags: p.SessionTags, TransitiveTags: p.TransitiveSessionTags,
	}
}

// DefaultSessionName is the role session name when the profile sets none:
// "stscred-" and the source profile's name, in the characters STS allows.
func DefaultSessionName(source string) string {
	var b strings.Builder
	b.WriteString("stscred-")
	for _, r := range source {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("_+=,.@-", r):
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := b.String()
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

func (r *Resolver) warnf(format string, args ...any) {
	if r.Warn != nil {
		fmt.Fprintf(r.Warn, "stscred: warning: "+format+"\n", args...)
	}
}

func (r *Resolver) notify(msg string) {
	if r.Notify != nil {
		r.Notify(msg)
	}
}

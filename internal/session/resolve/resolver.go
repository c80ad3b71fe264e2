package resolve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/iamname"
	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/session/mfa"
	"github.com/stscred/stscred/internal/sys/tty"
	"github.com/stscred/stscred/keystore"
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
	NewAPI   func(awsapi.Endpoint) awsapi.API
	Settings awsapi.Settings
	// MFA picks where a code comes from, given what the profile says
	// (its mfa_process, mfa_prompt, YubiKey account).
	MFA func(req mfa.Request, how mfa.How) (mfa.Source, error)
	// Used remembers the codes STS accepted, so none is sent twice.
	Used mfa.UsedCodes

	Now             func() time.Time
	MinRemaining    time.Duration
	SessionDuration time.Duration
	LockTimeout     time.Duration
	PID             int
	// OnWait is told when another process holds a lock this one needs.
	OnWait func(cache.Holder)
	// Tokens gives the sources of identity provider tokens, for roles
	// without a source profile (web identity, SAML); called only for them.
	Tokens func() idtoken.Setup
	// SSO gives the client that gets IAM Identity Center role credentials
	// with the session's stored token; called only to fetch them (nil:
	// not available in this call).
	SSO func() *identitycenter.Client
	// SSOPortal is the Identity Center portal's endpoint override ("" for
	// AWS's), part of an SSO profile's cache key.
	SSOPortal string
	// SignIn, when set, signs in to an Identity Center session whose token
	// is missing or has ended, and the call goes on (`stscred use` on a
	// terminal); nil makes such a call fail at once, naming the command
	// that signs in (credential_process, hooks).
	SignIn func(ctx context.Context, s identitycenter.Session) error
	// Login gives the AWS Sign-In client that renews login_session
	// profiles' credentials; called only to renew them (nil: not
	// available in this call).
	Login func() *signin.Client
	// LoginSignIn, when set, signs a login_session profile in when its
	// sign-in is missing or over, and the call goes on with the
	// sign-in's credentials (`stscred use` on a terminal); nil makes such
	// a call fail at once, naming `stscred login`.
	LoginSignIn func(ctx context.Context, s signin.Session) (creds.Credentials, error)
	// Notify tells the user something on the terminal, if any.
	Notify func(msg string)
	// Warn receives warnings (stderr).
	Warn io.Writer

	keys          map[string]keystore.Key
	warnedCorrupt map[string]bool
	// inputs are the AssumeRole requests of this run's profiles, each
	// worked out once (the floor, the cache key and the fetch ask).
	inputs map[*awsconfig.Profile]awsapi.AssumeRoleInput
}

// Result is what Credentials returns.
type Result struct {
	Creds  creds.Credentials
	Cached bool // served from the cache, no STS call
	MFA    bool // the session behind them was MFA-authenticated
}

// call is what one Credentials call carries down the chain.
type call struct {
	target *awsconfig.Profile
	serial string  // MFA device for the root session
	how    mfa.How // where the profile says its code comes from
	// leases are the locks this call holds, outermost first: what the
	// call is doing is written into each, for the processes waiting.
	leases []*cache.Lease
	// waitedFor is the holder this call last waited for, if it waited.
	waitedFor *cache.Holder
	// api is the STS client of the last fetch, for its clock.
	api awsapi.API
	// provided is the token or assertion read for the cache key of the
	// chain's identity-provider root, which its fetch uses.
	provided *provided
}

// sts is the STS client for p's endpoint, remembered as the call's
// last (its clock checks the floor).
func (r *Resolver) sts(p *awsconfig.Profile, c *call) (awsapi.API, awsapi.Endpoint) {
	ep := r.Settings.EndpointFor(p)
	c.api = r.NewAPI(ep)
	return c.api, ep
}

// doing tells the processes waiting on this call's locks what it does.
func (c *call) doing(what string) {
	for _, l := range c.leases {
		l.Doing(what)
	}
}

// Credentials returns credentials for p: a GetSessionToken session for a
// root profile, AssumeRole credentials for a role profile.
func (r *Resolver) Credentials(ctx context.Context, p *awsconfig.Profile) (Result, error) {
	if err := r.CheckFloor(p); err != nil {
		return Result{}, err
	}
	c := &call{target: p, serial: p.MFASerial, how: mfa.HowOf(p)}
	e, cached, err := r.get(ctx, p, c, r.MinRemaining)
	if err != nil {
		return Result{}, err
	}
	return Result{Creds: e.Creds, Cached: cached, MFA: e.MFA}, nil
}

// Peek is what the cache holds for p, however little it has left, without
// a lock, a fetch or a prompt: ok is false when nothing is cached.
func (r *Resolver) Peek(ctx context.Context, p *awsconfig.Profile) (Result, bool, error) {
	c := &call{target: p, serial: p.MFASerial}
	key, err := r.keyOf(ctx, p, c)
	if err != nil {
		return Result{}, false, err
	}
	e, _, err := r.lookup(key, p, 0)
	if err != nil || e.Key == "" {
		return Result{}, false, err
	}
	return Result{Creds: e.Creds, Cached: true, MFA: e.MFA}, true, nil
}

func (r *Resolver) get(ctx context.Context, p *awsconfig.Profile, c *call, need time.Duration) (cache.Entry, bool, error) {
	key, err := r.keyOf(ctx, p, c)
	if err != nil {
		return cache.Entry{}, false, err
	}
	return r.cached(ctx, key, p, c, need, func() (cache.Entry, error) {
		switch {
		case p.IsSSO():
			return r.fetchSSO(ctx, p, c)
		case p.IsLogin():
			return r.fetchLogin(ctx, p, c)
		case p.IsWebIdentity():
			return r.fetchWebIdentity(ctx, p, c)
		case p.IsSAML():
			return r.fetchSAML(ctx, p, c)
		case p.IsRole():
			return r.fetchRole(ctx, p, c)
		}
		return r.fetchSession(ctx, p, c)
	})
}

// cached returns the entry under key when it has need left, else fetches
// it under key's lock (unless another process fetched it meanwhile) and
// caches it.
func (r *Resolver) cached(ctx context.Context, key string, p *awsconfig.Profile, c *call, need time.Duration, fetch func() (cache.Entry, error)) (cache.Entry, bool, error) {
	if e, ok, err := r.lookup(key, p, need); err != nil || ok {
		return e, ok, err
	}
	lease, err := r.lock(ctx, key, c)
	if err != nil {
		return cache.Entry{}, false, err
	}
	defer lease.Unlock()
	// Another process may have fetched while this one waited.
	if e, ok, err := r.lookup(key, p, need); err != nil || ok {
		return e, ok, err
	}
	if f, ok := lease.Prior(); ok {
		// The holder this call waited for could not reach STS just now:
		// trying the same endpoint again would only make every waiter
		// wait its turn for the same failure.
		lease.Fail(f)
		return cache.Entry{}, false, hint.With(fmt.Errorf("stscred pid %d (profile %s) gave up while this call waited for it: %s", f.PID, f.Profile, f.Message),
			"try again in a moment; the calls that were waiting stop instead of each trying the same endpoint again")
	}
	c.leases = append(c.leases, lease)
	defer func() { c.leases = c.leases[:len(c.leases)-1] }()
	e, err := fetch()
	if err != nil {
		if awsapi.Unreachable(err) {
			lease.Fail(cache.Failure{Message: firstLine(err.Error())})
		}
		return cache.Entry{}, false, err
	}
	e.Key = key
	if err := r.checkFloor(e, p, c.api); err != nil {
		return cache.Entry{}, false, err
	}
	if err := r.Cache.Put(e); err != nil {
		r.warnf("could not cache the credentials for %s (the next call will fetch again): %v", p.Name, err)
	}
	return e, false, nil
}

// lock takes the cache lock of key for c. A cache directory where no lock
// can be made (read-only, full) does not stop the call: the credentials
// are fetched without the lock, and not cached.
func (r *Resolver) lock(ctx context.Context, key string, c *call) (*cache.Lease, error) {
	lockCtx, cancel := context.WithTimeout(ctx, r.LockTimeout)
	defer cancel()
	lease, err := r.Cache.Lock(lockCtx, key, cache.Holder{PID: r.PID, Profile: c.target.Name}, func(h cache.Holder) {
		c.waitedFor = &h
		if r.OnWait != nil {
			r.OnWait(h)
		}
	})
	if err != nil && errors.Is(err, cache.ErrCannotLock) {
		r.warnf("%v; going on without the lock (parallel calls may each reach STS)", err)
		return nil, nil
	}
	return lease, err
}

// lookup reads key from the cache; ok when the entry has at least need
// left. A corrupted entry is a miss (and is overwritten by the fetch).
func (r *Resolver) lookup(key string, p *awsconfig.Profile, need time.Duration) (cache.Entry, bool, error) {
	e, err := r.Cache.Get(key)
	switch {
	case err == nil:
		if e.Kind == cache.KindLogin {
			need = LoginFloor(e.Creds.Expiration.Sub(e.Stored), need)
		}
		return e, e.Creds.Remaining(r.Now()) >= need, nil
	case errors.Is(err, cache.ErrMiss):
		return cache.Entry{}, false, nil
	case errors.Is(err, cache.ErrCorrupt):
		// Said once per entry: lookup runs again under the lock.
		if !r.warnedCorrupt[key] {
			if r.warnedCorrupt == nil {
				r.warnedCorrupt = map[string]bool{}
			}
			r.warnedCorrupt[key] = true
			r.warnf("the cached entry for %s cannot be read (%v): it was sealed with a cache key this machine no longer holds, or damaged; fetching new credentials", p.Name, err)
		}
		return cache.Entry{}, false, nil
	}
	return cache.Entry{}, false, fmt.Errorf("reading the session cache: %w", err)
}

// keyOf derives p's cache key. For a root profile it needs the stored
// access key id, which the cache remembers so that a hit never reads the
// OS keyring. A web identity or SAML root whose token is in a file reads
// it (see providerID): its key says whom the token is for.
func (r *Resolver) keyOf(ctx context.Context, p *awsconfig.Profile, c *call) (string, error) {
	if p.IsSSO() {
		return r.ssoKey(p), nil
	}
	if p.IsLogin() {
		return r.loginKey(p), nil
	}
	if p.FromIdentityProvider() {
		id, err := r.providerID(ctx, p, c)
		if err != nil {
			return "", err
		}
		return cache.RoleKey(cache.ProviderKey(id, r.Settings.EndpointFor(p).URL), r.roleParams(p)), nil
	}
	if r.direct(p) {
		id, err := r.accessKeyID(p.Source.Name)
		if err != nil {
			return "", err
		}
		return cache.RoleKey(cache.DirectKey(id, c.serial, r.Settings.EndpointFor(p.Source).URL), r.roleParams(p)), nil
	}
	if p.IsRole() {
		parent, err := r.keyOf(ctx, p.Source, c)
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
		Creds:  creds.Credentials{AccessKeyID: accessKeyID},
	})
}

// LongTermKey reads profile's key from the keystore (once per run).
func (r *Resolver) LongTermKey(profile string) (keystore.Key, error) {
	if k, ok := r.keys[profile]; ok {
		return k, nil
	}
	k, err := keystore.GetKey(r.Keys, profile)
	if errors.Is(err, keystore.ErrNotFound) {
		return k, r.noKey(profile)
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

// noKey explains a profile without a stored key. When auto took the file
// keystore (it exists) while the OS keyring holds keys, that is said
// first: above all when the OS keyring holds this very key, where adding
// it again is not the fix.
func (r *Resolver) noKey(profile string) error {
	msg := fmt.Sprintf("no access key is stored for profile %s (%s backend)", profile, r.Keys.Backend())
	add := "store the IAM user's access key: stscred add " + profile
	if st := keystore.StrandedOf(r.Keys); st != nil {
		if st.Holds(profile) {
			return hint.With(fmt.Errorf("%s: stscred uses the file keystore (%s) because it exists, and the OS keyring (%s) holds the key of %s", msg, st.FileDir, st.Keyring, profile),
				st.WaysOut()...)
		}
		return hint.With(errors.New(msg), add, st.Note())
	}
	hints := []string{add}
	if r.KeysNote != nil {
		if note := r.KeysNote(); note != "" {
			hints = append(hints, note+"; if the key is in an OS keyring, make it reachable (DBUS_SESSION_BUS_ADDRESS) and set STSCRED_BACKEND=keyring")
		}
	}
	return hint.With(errors.New(msg), hints...)
}

func (r *Resolver) fetchSession(ctx context.Context, p *awsconfig.Profile, c *call) (cache.Entry, error) {
	k, err := r.LongTermKey(p.Name)
	if err != nil {
		return cache.Entry{}, err
	}
	signer := creds.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey}
	api, ep := r.sts(p, c)
	in := awsapi.SessionTokenInput{Duration: r.SessionDuration}
	var cr creds.Credentials
	if c.serial == "" {
		c.doing("calling STS at " + ep.String() + " (GetSessionToken)")
		cr, err = api.GetSessionToken(ctx, signer, in)
		if err != nil {
			return cache.Entry{}, r.explain(err, p, k.AccessKeyID, "")
		}
	} else {
		cr, err = r.sessionWithMFA(ctx, api, ep, signer, in, p, c, k.AccessKeyID)
		if err != nil {
			return cache.Entry{}, err
		}
	}
	e := r.entry(cache.KindSession, p, c.serial != "", cr)
	e.Creds.AccountID = accountOfARN(k.UserARN)
	return e, nil
}

func (r *Resolver) sessionWithMFA(ctx context.Context, api awsapi.API, ep awsapi.Endpoint, signer creds.Credentials, in awsapi.SessionTokenInput, p *awsconfig.Profile, c *call, keyID string) (creds.Credentials, error) {
	return r.withMFA(ctx, c, func(code string) (creds.Credentials, error) {
		in.MFASerial, in.MFACode = c.serial, code
		c.doing("calling STS at " + ep.String() + " (GetSessionToken with an MFA code)")
		return api.GetSessionToken(ctx, signer, in)
	}, func(err error) error { return r.explain(err, p, keyID, c.serial) })
}

// withMFA gets a code for c's device and makes the call that carries it
// (send), once per code: a code STS may have seen is never sent again.
// After STS rejects a code, an interactive source is asked again (three
// tries in all). explain turns STS's refusals into the user's terms.
func (r *Resolver) withMFA(ctx context.Context, c *call, send func(code string) (creds.Credentials, error), explain func(error) error) (creds.Credentials, error) {
	req := mfa.Request{Profile: c.target.Name, Serial: c.serial, Attempt: 1}
	src, err := r.MFA(req, c.how)
	if err != nil {
		return creds.Credentials{}, err
	}
	// One MFA device, one code at a time: two sources sharing a device
	// (two keys of one IAM user) must not both send the same code.
	dev, err := r.lockDevice(ctx, c)
	if err != nil {
		return creds.Credentials{}, err
	}
	defer dev.Unlock()
	for ; ; req.Attempt++ {
		if err := r.staleGivenCode(src, c); err != nil {
			return creds.Credentials{}, err
		}
		c.doing("asking for an MFA code for " + c.serial + " (" + src.Name() + ")")
		code, err := mfa.Fresh(ctx, src, req, r.Used, r.notify)
		if errors.Is(err, tty.ErrInterrupted) {
			return creds.Credentials{}, err
		}
		if err != nil {
			return creds.Credentials{}, fmt.Errorf("getting the MFA code for %s: %w", c.serial, err)
		}
		cr, err := send(code)
		if err == nil {
			if err := r.Used.Remember(c.serial, code); err != nil {
				r.warnf("%v", err)
			}
			return cr, nil
		}
		if awsapi.MaybeSent(err) {
			// The code may have reached STS and been accepted: it must
			// never be sent again (the call is not retried for that
			// reason), so remember it as used.
			if rerr := r.Used.Remember(c.serial, code); rerr != nil {
				r.warnf("%v", rerr)
			}
			return creds.Credentials{}, hint.With(fmt.Errorf("%w; STS may have used the MFA code for %s, so it will not be sent again", awsapi.Explain(err), c.serial),
				"try again with the next code (each code works once)")
		}
		if !awsapi.MFARejected(err) {
			return creds.Credentials{}, explain(err)
		}
		if given, ok := src.(mfa.Static); ok && c.waitedFor != nil {
			return creds.Credentials{}, hint.With(fmt.Errorf("MFA code rejected for %s: it was given %s ago, and this call waited for another stscred process meanwhile (%s); it has probably expired",
				c.serial, roundSeconds(r.Now().Sub(given.Given)), c.waitedFor),
				"pass a fresh code (--mfa-token or STSCRED_MFA_TOKEN); a code lasts one 30-second window")
		}
		if src.Interactive() && req.Attempt < 3 {
			r.notify(fmt.Sprintf("STS rejected that MFA code for %s; try the next one", c.serial))
			continue
		}
		return creds.Credentials{}, explain(err)
	}
}

// lockDevice takes the lock of c's MFA device.
func (r *Resolver) lockDevice(ctx context.Context, c *call) (*cache.Lease, error) {
	lockCtx, cancel := context.WithTimeout(ctx, r.LockTimeout)
	defer cancel()
	lease, err := r.Cache.Lock(lockCtx, cache.DeviceKey(c.serial), cache.Holder{PID: r.PID, Profile: c.target.Name}, func(h cache.Holder) {
		c.waitedFor = &h
		if r.OnWait != nil {
			r.OnWait(h)
		}
	})
	if err != nil && errors.Is(err, cache.ErrCannotLock) {
		return nil, nil // lock already warned about, on the cache key
	}
	return lease, err
}

// staleGivenCode refuses, without sending it, a code given up front
// (--mfa-token) that this call has kept waiting on a lock until its
// window is certainly over: STS would only refuse it.
func (r *Resolver) staleGivenCode(src mfa.Source, c *call) error {
	given, ok := src.(mfa.Static)
	if !ok || c.waitedFor == nil || !given.Stale(r.Now()) {
		return nil
	}
	return hint.With(fmt.Errorf("the MFA code for %s given with --mfa-token/STSCRED_MFA_TOKEN is %s old: this call waited for another stscred process (%s), and the code's 30-second window is over",
		c.serial, roundSeconds(r.Now().Sub(given.Given)), c.waitedFor),
		"pass a fresh code; or let one call get the session first, the others then need no code")
}

// direct reports a role assumed straight from the IAM user's long-term
// key (with the MFA code on AssumeRole itself) instead of through the
// user's GetSessionToken session: a role session longer than an hour.
// Direct reports whether p's role is assumed straight from the IAM user's
// long-term key (with its own MFA code) rather than with the cached MFA
// session: STS caps any AssumeRole signed with temporary credentials, a
// GetSessionToken session's included, at one hour, and so does the
// console a session of such a role.
func (r *Resolver) Direct(p *awsconfig.Profile) bool { return r.direct(p) }

func (r *Resolver) direct(p *awsconfig.Profile) bool {
	return p.IsRole() && p.Source != nil && !roleSession(p.Source) && !p.Source.IsLogin() && r.roleInput(p).Duration > ChainedRoleMax
}

// fetchRoleDirect assumes a direct role (see direct). Its MFA code is its
// own: the session's does not serve it.
func (r *Resolver) fetchRoleDirect(ctx context.Context, p *awsconfig.Profile, c *call) (cache.Entry, error) {
	root := p.Source
	k, err := r.LongTermKey(root.Name)
	if err != nil {
		return cache.Entry{}, err
	}
	signer := creds.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey}
	in := r.roleInput(p)
	api, ep := r.sts(p, c)
	var cr creds.Credentials
	what := "calling STS at " + ep.String() + " (AssumeRole " + p.RoleARN + ")"
	if c.serial == "" {
		c.doing(what)
		cr, err = api.AssumeRole(ctx, signer, in)
		r.noteRefusal(p, false, err)
		if err != nil {
			return cache.Entry{}, r.explainRole(err, p, false)
		}
	} else {
		cr, err = r.withMFA(ctx, c, func(code string) (creds.Credentials, error) {
			in.MFASerial, in.MFACode = c.serial, code
			c.doing(what + " with an MFA code")
			return api.AssumeRole(ctx, signer, in)
		}, func(err error) error {
			if awsapi.MFARejected(err) {
				return r.explain(err, root, k.AccessKeyID, c.serial)
			}
			return r.explainRole(err, p, true)
		})
		if err != nil {
			return cache.Entry{}, err
		}
	}
	e := r.entry(cache.KindRole, p, c.serial != "", cr)
	e.Creds.AccountID = accountOfARN(p.RoleARN)
	return e, nil
}

func (r *Resolver) fetchRole(ctx context.Context, p *awsconfig.Profile, c *call) (cache.Entry, error) {
	if r.direct(p) {
		return r.fetchRoleDirect(ctx, p, c)
	}
	parent, parentCached, err := r.get(ctx, p.Source, c, parentNeed)
	if err != nil {
		return cache.Entry{}, err
	}
	in := r.roleInput(p)
	api, ep := r.sts(p, c)
	c.doing("calling STS at " + ep.String() + " (AssumeRole " + p.RoleARN + ")")
	cr, err := api.AssumeRole(ctx, parent.Creds, in)
	if err != nil && parentCached && awsapi.StaleSigner(err) {
		// The cached session was revoked or expired early: drop it,
		// fetch a new one, and try once more.
		r.warnf("the cached credentials of %s were refused (%s); fetching new ones", p.Source.Name, awsapi.Code(err))
		if derr := r.Cache.Delete(parent.Key); derr != nil {
			return cache.Entry{}, derr
		}
		parent, _, err = r.get(ctx, p.Source, c, parentNeed)
		if err != nil {
			return cache.Entry{}, err
		}
		c.doing("calling STS at " + ep.String() + " (AssumeRole " + p.RoleARN + ")")
		cr, err = api.AssumeRole(ctx, parent.Creds, in)
	}
	r.noteRefusal(p, parent.MFA, err)
	if err != nil {
		return cache.Entry{}, r.explainRole(err, p, parent.MFA)
	}
	e := r.entry(cache.KindRole, p, parent.MFA, cr)
	e.Creds.AccountID = accountOfARN(p.RoleARN)
	return e, nil
}

// refusalMemory is how long doctor is told of a refusal (noteRefusal).
const refusalMemory = 24 * time.Hour

// noteRefusal remembers for doctor that STS refused role p (AccessDenied)
// to a session without MFA, as a role that requires MFA does; an answer
// that is not a refusal, or a signer with MFA, forgets it. Best effort:
// the cache is not the answer's to fail on.
func (r *Resolver) noteRefusal(p *awsconfig.Profile, withMFA bool, err error) {
	key := cache.RefusedKey(p.Name)
	switch {
	case err == nil || withMFA:
		_ = r.Cache.Delete(key)
	case awsapi.Code(err) == "AccessDenied":
		e := r.entry(cache.KindRefused, p, false, creds.Credentials{Expiration: r.Now().Add(refusalMemory).UTC()})
		e.Key = key
		_ = r.Cache.Put(e)
	}
}

func (r *Resolver) entry(kind string, p *awsconfig.Profile, mfaAuth bool, cr creds.Credentials) cache.Entry {
	var chain []string
	for _, q := range p.Chain() {
		chain = append(chain, q.Name)
	}
	h := cache.Header{Kind: kind, Profile: p.Name, Chain: chain, MFA: mfaAuth, Stored: r.Now().UTC()}
	if s, ok := ssoSessionOf(p); ok {
		h.SSOSession = s.ID()
	}
	if s, ok := r.loginSessionOf(p); ok {
		h.LoginSession = s.ID()
	}
	return cache.Entry{Header: h, Creds: cr}
}

func (r *Resolver) roleParams(p *awsconfig.Profile) cache.RoleParams {
	in := r.roleInput(p)
	return cache.RoleParams{
		RoleARN: in.RoleARN, SessionName: in.SessionName, ExternalID: in.ExternalID, SourceIdentity: in.SourceIdentity,
		Duration: in.Duration, Tags: in.Tags, TransitiveTags: in.TransitiveTags, Endpoint: r.Settings.EndpointFor(p).URL,
	}
}

// roleInput is the AssumeRole request for p, with defaults applied,
// worked out once per profile.
func (r *Resolver) roleInput(p *awsconfig.Profile) awsapi.AssumeRoleInput {
	if in, ok := r.inputs[p]; ok {
		return in
	}
	in := newRoleInput(p)
	if r.inputs == nil {
		r.inputs = map[*awsconfig.Profile]awsapi.AssumeRoleInput{}
	}
	r.inputs[p] = in
	return in
}

func newRoleInput(p *awsconfig.Profile) awsapi.AssumeRoleInput {
	d := time.Duration(p.DurationSeconds) * time.Second
	if d == 0 {
		d = DefaultRoleDuration
	}
	// Role chaining, and any AssumeRole signed with a login session's
	// temporary credentials (there is no key to assume it with
	// directly), last an hour at most.
	if p.Source != nil && (roleSession(p.Source) || p.Source.IsLogin()) && d > ChainedRoleMax {
		d = ChainedRoleMax
	}
	name := p.RoleSessionName
	if name == "" {
		name = DefaultSessionName(p.Root().Name)
	}
	return awsapi.AssumeRoleInput{
		RoleARN: p.RoleARN, SessionName: name, ExternalID: p.ExternalID, SourceIdentity: p.SourceIdentity,
		Duration: d, Tags: p.SessionTags, TransitiveTags: p.TransitiveSessionTags,
	}
}

// roleSession reports whether p's credentials are a role's session: an
// AssumeRole signed with them is role chaining, which STS caps at an hour.
func roleSession(p *awsconfig.Profile) bool {
	return p.IsRole() || p.FromIdentityProvider() || p.IsSSO()
}

// DefaultSessionName is the role session name when the profile sets none:
// "stscred-" and the source profile's name, in the characters STS allows.
func DefaultSessionName(source string) string {
	s := "stscred-" + iamname.Mapped(source)
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

// checkFloor refuses fresh credentials that would not be handed out from
// the cache either: less than MinRemaining left (or already expired, when
// this machine's clock is off). Caching them would make every call fetch
// again, and ask for MFA again. api's clock, when it tells one, says
// whether this machine's clock is to blame.
func (r *Resolver) checkFloor(e cache.Entry, p *awsconfig.Profile, api awsapi.API) error {
	now := r.Now()
	left := e.Creds.Remaining(now)
	floor := r.MinRemaining
	if e.Kind == cache.KindLogin {
		floor = LoginFloor(e.Creds.Expiration.Sub(e.Stored), floor)
	}
	if left >= floor {
		return nil
	}
	what := "they expire at " + e.Creds.Expiration.UTC().Format(time.RFC3339)
	if left <= 0 {
		what += ", already past by this machine's clock"
	} else {
		what += ", " + roundSeconds(left) + " from now by this machine's clock"
	}
	clock := "if this machine's clock is wrong, correct it (stscred doctor compares it with STS's)"
	if st, ok := api.(interface{ ServerTime() time.Time }); ok && !st.ServerTime().IsZero() {
		skew := now.Sub(st.ServerTime())
		switch {
		case skew > time.Minute:
			clock = fmt.Sprintf("STS's clock said %s when it answered: this machine's clock is %s ahead; correct it (e.g. timedatectl set-ntp true)", st.ServerTime().UTC().Format(time.RFC3339), roundSeconds(skew))
		case skew < -time.Minute:
			clock = fmt.Sprintf("STS's clock said %s when it answered: this machine's clock is %s behind; correct it (e.g. timedatectl set-ntp true)", st.ServerTime().UTC().Format(time.RFC3339), roundSeconds(-skew))
		default:
			clock = "this machine's clock agrees with STS's (" + st.ServerTime().UTC().Format(time.RFC3339) + "), so the session itself is short"
		}
	}
	return hint.With(fmt.Errorf("STS handed out credentials for %s with less than the %s stscred hands out (--min-remaining): %s; they were not cached", p.Name, shortDuration(r.MinRemaining), what),
		clock,
		"or ask for longer sessions (duration_seconds, --duration), or a lower --min-remaining")
}

// CheckFloor refuses, before any call, a setup where every fetch would
// be below the floor: sessions or roles no longer than MinRemaining would
// be fetched again (and ask for MFA again) on every call.
func (r *Resolver) CheckFloor(p *awsconfig.Profile) error {
	if r.MinRemaining < 0 {
		return hint.With(fmt.Errorf("--min-remaining %s is negative", r.MinRemaining), "use 0 or more, e.g. 15m (the default)")
	}
	d, what := r.SessionDuration, "session"
	if p.IsRole() {
		d, what = r.roleInput(p).Duration, "role session"
	}
	if d > r.MinRemaining {
		return nil
	}
	return hint.With(fmt.Errorf("a %s of %s for %s can never have the %s left that --min-remaining asks for: every call would fetch again (and ask for MFA again)",
		what, shortDuration(d), p.Name, shortDuration(r.MinRemaining)),
		"ask for a longer session (duration_seconds, --duration), or lower --min-remaining (STSCRED_MIN_REMAINING)")
}

// accountOfARN is the account id field of an ARN, "" when there is none.
func accountOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || len(parts[4]) != 12 {
		return ""
	}
	return parts[4]
}

func roundSeconds(d time.Duration) string { return d.Round(time.Second).String() }

func shortDuration(d time.Duration) string {
	s := d.Round(time.Second).String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func (r *Resolver) warnf(format string, args ...any) {
	if r.Warn != nil {
		fmt.Fprintf(r.Warn, "stscred: warning: %s\n", textsafe.Escape(fmt.Sprintf(format, args...)))
	}
}

func (r *Resolver) notify(msg string) {
	if r.Notify != nil {
		r.Notify(msg)
	}
}

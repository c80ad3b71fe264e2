package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/session/mfa"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/internal/sys/browser"
	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/keystore"
)

// Services are what commands work with, built from a Process on first
// use, each once: a command that never reaches one never builds it (a
// cache hit builds the config, the profile model, the keystore's lazy
// handle, the cache and the resolver, and nothing that prompts, signs in
// or talks to the network). Tests set ConfigFile, KeyStore and
// SessionCache before first use.
type Services struct {
	p *Process

	// Set by tests before first use; otherwise built on first use.
	ConfigFile   *awsconfig.File
	KeyStore     keystore.Store
	SessionCache *cache.Cache

	built    []string
	model    *profile.Model
	settings *awsapi.Settings
	runner   *proc.Runner
	chooser  *mfa.Chooser
	tokens   *idtoken.Setup
	ic       *identitycenter.Client
	login    *signin.Client
	resolver *resolve.Resolver
	tools    *resolve.Tools
}

// NewServices returns the services of p, none built yet.
func NewServices(p *Process) *Services { return &Services{p: p} }

// Built names the services built so far, in order: what a command
// reached (tests of the cache hit's path read it).
func (s *Services) Built() []string { return append([]string(nil), s.built...) }

func (s *Services) build(name string) { s.built = append(s.built, name) }

// ConfigPath is the AWS config file in use.
func (s *Services) ConfigPath() (string, error) { return awsconfig.DefaultPath(s.p.Getenv) }

// Config loads the AWS config file; a missing file is an empty config.
func (s *Services) Config() (*awsconfig.File, error) {
	if s.ConfigFile != nil {
		return s.ConfigFile, nil
	}
	path, err := s.ConfigPath()
	if err != nil {
		return nil, err
	}
	f, err := awsconfig.Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		f, err = awsconfig.Parse(path, nil)
	}
	if err != nil {
		return nil, err
	}
	f.Ambient = awsconfig.AmbientOf(s.p.Getenv)
	s.build("config")
	s.ConfigFile = f
	return f, nil
}

// Model is the profile model of the config file: what each profile is,
// and what a stscred call means.
func (s *Services) Model() (*profile.Model, error) {
	if s.model != nil {
		return s.model, nil
	}
	f, err := s.Config()
	if err != nil {
		return nil, err
	}
	s.build("profile model")
	s.model = &profile.Model{File: f, Getenv: s.p.Getenv}
	return s.model, nil
}

// CacheDir is where cached sessions and lock files live.
func (s *Services) CacheDir() (string, error) { return cache.Dir(s.p.Getenv, s.p.GOOS) }

// Cache is the session cache, its data key kept in the keystore.
func (s *Services) Cache() (*cache.Cache, error) {
	if s.SessionCache != nil {
		return s.SessionCache, nil
	}
	dir, err := s.CacheDir()
	if err != nil {
		return nil, err
	}
	s.build("session cache")
	dk := cache.NewDataKey(s.Keys(), s.KeySettings().Service, dir, s.p.PID, s.p.Flags.LockTimeout)
	s.SessionCache = cache.New(dir, dk.Get)
	return s.SessionCache, nil
}

// KeySettings say where keys are kept: --backend and the environment,
// with the passphrase asked on the terminal unless given or forbidden.
func (s *Services) KeySettings() keystore.Settings {
	ks := keystore.SettingsFrom(s.p.Getenv, s.p.GOOS, s.p.Flags.Backend)
	ks.Passphrase = keystore.PassphraseAsker{
		Given: s.p.Getenv("STSCRED_FILE_PASSPHRASE"), Forbid: s.p.Flags.Prompt == mfa.ModeNone,
		Open: s.p.OpenTTY, Dir: ks.FileDir,
	}.Passphrase
	ks.LockTimeout = s.p.Flags.LockTimeout
	return ks
}

// Keys is the keystore of long-term keys, chosen on first use (see
// keystore.Select): building it asks no backend anything.
func (s *Services) Keys() keystore.Store {
	if s.KeyStore == nil {
		s.build("keystore")
		s.KeyStore = keystore.NewLazy(func() keystore.Choice { return keystore.Select(s.KeySettings()) })
	}
	return s.KeyStore
}

// KeysNote says why Keys is the backend it is, when that may surprise.
func (s *Services) KeysNote() string {
	if l, ok := s.Keys().(*keystore.Lazy); ok {
		return l.Note()
	}
	return ""
}

// KeysExist reports whether the keystore exists: the file keystore does
// not until its first entry (see keystore.Lazy.Exists); any other does.
func (s *Services) KeysExist() bool {
	if l, ok := s.Keys().(*keystore.Lazy); ok {
		return l.Exists()
	}
	return true
}

// DescribeKeys says where keys are kept, for messages.
func (s *Services) DescribeKeys() string { return keystore.Describe(s.Keys()) }

// Settings are the environment's STS endpoint and region settings.
func (s *Services) Settings() awsapi.Settings {
	if s.settings == nil {
		st := awsapi.SettingsFrom(s.p.Getenv)
		s.settings = &st
	}
	return *s.settings
}

// NewAPI returns the STS client for an endpoint.
func (s *Services) NewAPI(ep awsapi.Endpoint) awsapi.API {
	s.build("sts client")
	return awsapi.NewSDK(ep, s.p.Flags.STSTimeout)
}

// Runner starts every process stscred starts (see proc.Runner): with this
// process's environment without stscred's private variables, filtered
// once, the first time a child is started.
func (s *Services) Runner() *proc.Runner {
	if s.runner == nil {
		s.build("runner")
		s.runner = &proc.Runner{Environ: s.p.Environment(), LookPath: s.p.LookPath}
	}
	return s.runner
}

// MFA picks where an MFA code comes from (the chooser is made on the
// first call: a call that needs no code never makes it).
func (s *Services) MFA(req mfa.Request, how mfa.How) (mfa.Source, error) {
	if s.chooser == nil {
		s.build("mfa")
		f := s.p.Flags
		s.chooser = &mfa.Chooser{
			Token: f.MFAToken, Mode: f.Prompt, OpenTTY: s.p.OpenTTY, LookPath: s.p.LookPath,
			Getenv: s.p.Getenv, GOOS: s.p.GOOS, Stderr: s.p.Stderr, Runner: s.Runner(), Given: s.p.Now(),
		}
	}
	return s.chooser.For(req, how)
}

// Tokens gets identity providers' tokens for web identity and SAML roles.
func (s *Services) Tokens() idtoken.Setup {
	if s.tokens == nil {
		s.build("identity tokens")
		s.tokens = &idtoken.Setup{
			Getenv: s.p.Getenv, HTTP: &http.Client{Timeout: s.p.Flags.STSTimeout}, Runner: s.Runner(),
			Stderr: s.p.Stderr,
		}
	}
	return *s.tokens
}

// Browser opens URLs with command (--browser), else as console and sso
// login open them (on the Windows side under WSL).
func (s *Services) Browser(command string) browser.Browser {
	return browser.Browser{Command: command, Getenv: s.p.Getenv, GOOS: s.p.GOOS, LookPath: s.p.LookPath,
		ReadFile: s.p.ReadKernelFile, Runner: s.Runner()}
}

// SignInOpener is what opens an explicit sign-in's page (sso login,
// login): b's Open when a browser would open here, else nil (the URL is
// printed) after saying why not, and that the URL leads back to this
// machine's loopback; instead is how to sign in from a browser anywhere.
func SignInOpener(p *Process, b browser.Browser, instead string) func(context.Context, string) error {
	err := b.Unavailable()
	if err == nil {
		return b.Open
	}
	fmt.Fprintf(p.Stderr, "stscred: %v\n", err)
	fmt.Fprintf(p.Stderr, "stscred: hint: the URL below leads back to 127.0.0.1 on this machine: open it in a browser here, or sign in from a browser anywhere with a code: %s\n", instead)
	return nil
}

// IdentityCenter is the IAM Identity Center client: its tokens in the
// keystore, its sign-in and refresh under a lock beside the cache's, the
// browser the default one (sso login sets its own).
func (s *Services) IdentityCenter() (*identitycenter.Client, error) {
	if s.ic != nil {
		return s.ic, nil
	}
	c, err := s.Cache()
	if err != nil {
		return nil, err
	}
	s.build("identity center")
	s.ic = &identitycenter.Client{
		Store: s.Keys(), Endpoints: identitycenter.EndpointsFrom(s.p.Getenv), Now: s.p.Now, Out: s.p.Stderr,
		Timeout: s.p.Flags.STSTimeout,
		Open:    func(ctx context.Context, u string) error { return s.Browser("").Open(ctx, u) },
		Lock:    s.lockFunc(c, "IAM Identity Center"),
	}
	return s.ic, nil
}

// Login is the AWS Sign-In client: sessions in the keystore, sign-in
// and renewal under a lock beside the cache's, the browser the default
// one (login sets its own), the confirmation code of --remote read from
// the terminal (stdin when there is none).
func (s *Services) Login() (*signin.Client, error) {
	if s.login != nil {
		return s.login, nil
	}
	c, err := s.Cache()
	if err != nil {
		return nil, err
	}
	s.build("sign-in")
	s.login = &signin.Client{
		Store: s.Keys(), Now: s.p.Now, Out: s.p.Stderr, Timeout: s.p.Flags.STSTimeout,
		Open:     func(ctx context.Context, u string) error { return s.Browser("").Open(ctx, u) },
		ReadCode: s.p.readCode,
		Lock:     s.lockFunc(c, "AWS Sign-In"),
	}
	return s.login, nil
}

// lockFunc takes a cross-process lock beside the cache's for a sign-in
// or a renewal (its own context bounds a sign-in's wait; a renewal waits
// as long as any cache lock); a cache that cannot lock is warned about
// and gone on without.
func (s *Services) lockFunc(c *cache.Cache, who string) func(ctx context.Context, name, doing string) (func(), error) {
	return func(ctx context.Context, name, doing string) (func(), error) {
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, s.p.Flags.LockTimeout)
			defer cancel()
		}
		l, err := c.Lock(ctx, name, cache.Holder{PID: s.p.PID, Profile: who}, s.waiting)
		if errors.Is(err, cache.ErrCannotLock) {
			fmt.Fprintf(s.p.Stderr, "stscred: warning: %v; going on without the lock\n", err)
			return func() {}, nil
		}
		if err != nil {
			return nil, err
		}
		l.Doing(doing)
		return l.Unlock, nil
	}
}

// waiting says who holds a lock a call waits for.
func (s *Services) waiting(h cache.Holder) {
	s.p.Notify(fmt.Sprintf("waiting for another call to finish: %s", h))
}

// Resolver returns the credential resolver the flags configure. What it
// may ask — MFA, identity tokens, Identity Center — is built only when a
// fetch asks it.
func (s *Services) Resolver() (*resolve.Resolver, error) {
	if s.resolver != nil {
		return s.resolver, nil
	}
	c, err := s.Cache()
	if err != nil {
		return nil, err
	}
	s.build("resolver")
	f := s.p.Flags
	r := &resolve.Resolver{
		Keys: s.Keys(), KeysNote: s.KeysNote, Cache: c, NewAPI: s.NewAPI, Settings: s.Settings(), MFA: s.MFA,
		Used: mfa.UsedCodes{Dir: c.Dir(), Now: s.p.Now},
		Now:  s.p.Now, MinRemaining: f.MinRemaining, SessionDuration: resolve.DefaultSessionDuration,
		LockTimeout: f.LockTimeout, PID: s.p.PID, Warn: s.p.Stderr,
		OnWait:    s.waiting,
		Notify:    s.p.Notify,
		Tokens:    s.Tokens,
		SSOPortal: identitycenter.EndpointsFrom(s.p.Getenv).Portal,
		SSO: func() *identitycenter.Client {
			ic, _ := s.IdentityCenter() // the cache it needs is built already
			return ic
		},
		Login: func() *signin.Client {
			l, _ := s.Login() // the cache it needs is built already
			return l
		},
	}
	if f.SignIn {
		// A sign-in stscred use starts needs a browser here: without one
		// (an SSH session), the URL it would print comes back to this
		// machine's loopback, where no browser is. Say so, and how to sign
		// in from a browser anywhere.
		r.LoginSignIn = func(ctx context.Context, sess signin.Session) (creds.Credentials, error) {
			if err := s.Browser("").Unavailable(); err != nil {
				return creds.Credentials{}, hint.With(fmt.Errorf("cannot sign profile %s in here: %w", sess.Profile, err),
					"sign in from a browser on any device, with the code its page shows: stscred login --remote "+sess.Profile,
					"then run stscred use again")
			}
			l, err := s.Login()
			if err != nil {
				return creds.Credentials{}, err
			}
			res, err := l.Login(ctx, sess, signin.LoginOptions{})
			return res.Creds, err
		}
		r.SignIn = func(ctx context.Context, sess identitycenter.Session) error {
			if err := s.Browser("").Unavailable(); err != nil && !sess.Legacy() {
				return hint.With(fmt.Errorf("cannot sign in to %s here: %w", sess.Label(), err),
					"sign in with a code, in a browser on any device: stscred sso login --device-code "+sess.Label(),
					"then run stscred use again")
			}
			ic, err := s.IdentityCenter()
			if err != nil {
				return err
			}
			_, err = ic.Login(ctx, sess, identitycenter.LoginOptions{})
			return err
		}
	}
	s.resolver = r
	return r, nil
}

// Tools gets credentials for profiles and calls as the AWS tools would.
func (s *Services) Tools() (*resolve.Tools, error) {
	if s.tools != nil {
		return s.tools, nil
	}
	m, err := s.Model()
	if err != nil {
		return nil, err
	}
	s.build("tools")
	s.tools = &resolve.Tools{
		Model:    m,
		Resolver: s.Resolver,
		Runner:   s.Runner, Stderr: s.p.Stderr,
	}
	return s.tools, nil
}

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"time"

	"github.com/stscred/stscred/awsapi"
	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/cache"
	"github.com/stscred/stscred/cmdline"
	"github.com/stscred/stscred/console"
	"github.com/stscred/stscred/identitycenter"
	"github.com/stscred/stscred/idtoken"
	"github.com/stscred/stscred/internal/textsafe"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/mfa"
	"github.com/stscred/stscred/profile"
	"github.com/stscred/stscred/resolve"
	"github.com/stscred/stscred/tty"
)

// Env is everything a command may touch outside the process: main fills it
// with the real thing, tests with fakes. Commands get it through kong.Bind.
type Env struct {
	Stdin         *bufio.Reader
	Stdout        io.Writer
	Stderr        io.Writer
	StdinTerminal bool
	ReadSecret    func(prompt string) (string, error) // prompts on stderr and reads a line from the terminal without echo
	Getenv        func(string) string
	Environ       func() []string
	Now           func() time.Time
	OpenTTY       func() (tty.TTY, error)
	LookPath      func(string) (string, error)
	PID           int
	GOOS          string
	// ParentName is the command name of the process that ran stscred ("" if
	// unknown): export writes the syntax of the shell that will read it.
	ParentName func() string
	Version    string

	// Set up on first use.
	cfg        *awsconfig.File
	keys       keystore.Store
	cache      *cache.Cache
	backend    string        // --backend
	stsTimeout time.Duration // --sts-timeout
	prompt     string        // --prompt
	// signIn lets a call start an Identity Center sign-in when it has no
	// token (stscred use on a terminal).
	signIn bool
}

// apply takes the global flags the Env's own methods need.
func (e *Env) apply(g *Globals) {
	e.backend, e.stsTimeout, e.prompt = g.Backend, g.STSTimeout, g.Prompt
}

// ConfigPath is the AWS config file in use.
func (e *Env) ConfigPath() (string, error) {
	return awsconfig.DefaultPath(e.Getenv)
}

// Config loads the AWS config file; a missing file is an empty config.
func (e *Env) Config() (*awsconfig.File, error) {
	if e.cfg != nil {
		return e.cfg, nil
	}
	path, err := e.ConfigPath()
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
	e.cfg = f
	return f, nil
}

// Model is the profile model of the config file: what each profile is,
// and what a stscred call means.
func (e *Env) Model() (*profile.Model, error) {
	f, err := e.Config()
	if err != nil {
		return nil, err
	}
	return &profile.Model{File: f, Parse: parseCall, Getenv: e.Getenv}, nil
}

// CacheDir is where cached sessions and lock files live.
func (e *Env) CacheDir() (string, error) { return cache.Dir(e.Getenv, e.GOOS) }

// Cache is the session cache, its data key kept in the keystore.
func (e *Env) Cache() (*cache.Cache, error) {
	if e.cache != nil {
		return e.cache, nil
	}
	dir, err := e.CacheDir()
	if err != nil {
		return nil, err
	}
	dk := cache.NewDataKey(e.Keys(), e.keySettings().Service, dir)
	e.cache = cache.New(dir, dk.Get)
	return e.cache, nil
}

// Settings are the environment's STS endpoint and region settings.
func (e *Env) Settings() awsapi.Settings { return awsapi.SettingsFrom(e.Getenv) }

// NewAPI returns the STS client for an endpoint.
func (e *Env) NewAPI(ep awsapi.Endpoint) awsapi.API { return awsapi.NewSDK(ep, e.stsTimeout) }

// Resolver returns the credential resolver configured by g.
func (e *Env) Resolver(g *Globals) (*resolve.Resolver, error) {
	c, err := e.Cache()
	if err != nil {
		return nil, err
	}
	chooser := mfa.Chooser{
		Token: g.MFAToken, Mode: g.Prompt, OpenTTY: e.OpenTTY, LookPath: e.LookPath,
		Getenv: e.Getenv, GOOS: e.GOOS, Stderr: e.Stderr, Env: cmdline.ChildEnv(e.environ()), Given: e.Now(),
	}
	r := &resolve.Resolver{
		Keys: e.Keys(), KeysNote: e.keysNote, Cache: c, NewAPI: e.NewAPI, Settings: e.Settings(), MFA: chooser.For,
		Used: mfa.UsedCodes{Dir: c.Dir(), Now: e.Now},
		Now:  e.Now, MinRemaining: g.MinRemaining, SessionDuration: resolve.DefaultSessionDuration,
		LockTimeout: g.LockTimeout, PID: e.PID, Warn: e.Stderr,
		OnWait: func(h cache.Holder) {
			e.notify(fmt.Sprintf("waiting for another call to finish: %s", h))
		},
		Notify: e.notify,
		Tokens: e.tokens(),
		SSO:    e.identityCenter(c, g, ""),
	}
	if e.signIn {
		r.SignIn = func(ctx context.Context, s identitycenter.Session) error {
			_, err := r.SSO.Login(ctx, s, identitycenter.LoginOptions{})
			return err
		}
	}
	return r, nil
}

// IdentityCenter is the IAM Identity Center client: its tokens in the
// keystore, its sign-in and refresh under a lock beside the cache's, the
// browser as console opens it.
func (e *Env) IdentityCenter(g *Globals, browser string) (*identitycenter.Client, error) {
	c, err := e.Cache()
	if err != nil {
		return nil, err
	}
	return e.identityCenter(c, g, browser), nil
}

func (e *Env) identityCenter(c *cache.Cache, g *Globals, browser string) *identitycenter.Client {
	b := console.Browser{Command: browser, Getenv: e.Getenv, GOOS: e.GOOS, LookPath: e.LookPath}
	return &identitycenter.Client{
		Store: e.Keys(), Endpoints: identitycenter.EndpointsFrom(e.Getenv), Now: e.Now, Out: e.Stderr,
		Timeout: g.STSTimeout, Open: b.Open,
		Lock: func(ctx context.Context, name, doing string) (func(), error) {
			// A sign-in's context bounds its own wait; a refresh waits
			// as long as any cache lock.
			if _, ok := ctx.Deadline(); !ok {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, g.LockTimeout)
				defer cancel()
			}
			l, err := c.Lock(ctx, name, cache.Holder{PID: e.PID, Profile: "IAM Identity Center"}, func(h cache.Holder) {
				e.notify(fmt.Sprintf("waiting for another call to finish: %s", h))
			})
			if errors.Is(err, cache.ErrCannotLock) {
				fmt.Fprintf(e.Stderr, "stscred: warning: %v; going on without the lock\n", err)
				return func() {}, nil
			}
			if err != nil {
				return nil, err
			}
			l.Doing(doing)
			return l.Unlock, nil
		},
	}
}

// tokens gets identity providers' tokens for web identity and SAML roles.
func (e *Env) tokens() idtoken.Setup {
	return idtoken.Setup{
		Getenv: e.Getenv, HTTP: &http.Client{Timeout: e.stsTimeout}, Environ: cmdline.ChildEnv(e.environ()),
		LookPath: e.LookPath, Stderr: e.Stderr,
	}
}

func (e *Env) parentName() string {
	if e.ParentName == nil {
		return ""
	}
	return e.ParentName()
}

// human is stdout for messages to a person (never for credentials or
// shell code): control characters from config text are escaped.
func (e *Env) human() io.Writer { return textsafe.Writer{W: e.Stdout} }

// environ is the process environment (nil when the Env has none: tests).
func (e *Env) environ() []string {
	if e.Environ == nil {
		return nil
	}
	return e.Environ()
}

// notify tells the user on the terminal, or on stderr when there is none.
func (e *Env) notify(msg string) {
	if !tty.Notify(e.OpenTTY, msg) {
		fmt.Fprintf(e.Stderr, "stscred: %s\n", msg)
	}
}

// context is the context commands run in.
func (e *Env) context() context.Context { return context.Background() }

package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/ops/console"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/session/mfa"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/internal/sys/cmdline"
)

// Settings are the environment's STS endpoint and region settings.
func (e *Env) Settings() awsapi.Settings { return awsapi.SettingsFrom(e.Getenv) }

// NewAPI returns the STS client for an endpoint.
func (e *Env) NewAPI(ep awsapi.Endpoint) awsapi.API { return awsapi.NewSDK(ep, e.Flags.STSTimeout) }

// Resolver returns the credential resolver the flags configure.
func (e *Env) Resolver() (*resolve.Resolver, error) {
	c, err := e.Cache()
	if err != nil {
		return nil, err
	}
	g := e.Flags
	chooser := mfa.Chooser{
		Token: g.MFAToken, Mode: g.Prompt, OpenTTY: e.OpenTTY, LookPath: e.LookPath,
		Getenv: e.Getenv, GOOS: e.GOOS, Stderr: e.Stderr, Env: cmdline.ChildEnv(e.Environment()), Given: e.Now(),
	}
	r := &resolve.Resolver{
		Keys: e.Keys(), KeysNote: e.KeysNote, Cache: c, NewAPI: e.NewAPI, Settings: e.Settings(), MFA: chooser.For,
		Used: mfa.UsedCodes{Dir: c.Dir(), Now: e.Now},
		Now:  e.Now, MinRemaining: g.MinRemaining, SessionDuration: resolve.DefaultSessionDuration,
		LockTimeout: g.LockTimeout, PID: e.PID, Warn: e.Stderr,
		OnWait: e.waiting,
		Notify: e.Notify,
		Tokens: e.Tokens(),
		SSO:    e.identityCenter(c, ""),
	}
	if e.SignIn {
		r.SignIn = func(ctx context.Context, s identitycenter.Session) error {
			_, err := r.SSO.Login(ctx, s, identitycenter.LoginOptions{})
			return err
		}
	}
	return r, nil
}

// waiting says who holds a lock a call waits for.
func (e *Env) waiting(h cache.Holder) {
	e.Notify(fmt.Sprintf("waiting for another call to finish: %s", h))
}

// IdentityCenter is the IAM Identity Center client: its tokens in the
// keystore, its sign-in and refresh under a lock beside the cache's, the
// browser as console opens it.
func (e *Env) IdentityCenter(browser string) (*identitycenter.Client, error) {
	c, err := e.Cache()
	if err != nil {
		return nil, err
	}
	return e.identityCenter(c, browser), nil
}

func (e *Env) identityCenter(c *cache.Cache, browser string) *identitycenter.Client {
	b := console.Browser{Command: browser, Getenv: e.Getenv, GOOS: e.GOOS, LookPath: e.LookPath}
	return &identitycenter.Client{
		Store: e.Keys(), Endpoints: identitycenter.EndpointsFrom(e.Getenv), Now: e.Now, Out: e.Stderr,
		Timeout: e.Flags.STSTimeout, Open: b.Open,
		Lock: func(ctx context.Context, name, doing string) (func(), error) {
			// A sign-in's context bounds its own wait; a refresh waits
			// as long as any cache lock.
			if _, ok := ctx.Deadline(); !ok {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, e.Flags.LockTimeout)
				defer cancel()
			}
			l, err := c.Lock(ctx, name, cache.Holder{PID: e.PID, Profile: "IAM Identity Center"}, e.waiting)
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

// Tokens gets identity providers' tokens for web identity and SAML roles.
func (e *Env) Tokens() idtoken.Setup {
	return idtoken.Setup{
		Getenv: e.Getenv, HTTP: &http.Client{Timeout: e.Flags.STSTimeout}, Environ: cmdline.ChildEnv(e.Environment()),
		LookPath: e.LookPath, Stderr: e.Stderr,
	}
}

// Tools gets credentials for profiles and calls as the AWS tools would.
func (e *Env) Tools() (resolve.Tools, error) {
	m, err := e.Model()
	if err != nil {
		return resolve.Tools{}, err
	}
	return resolve.Tools{
		Model:    m,
		Resolver: e.Resolver,
		Environ:  cmdline.ChildEnv(e.Environment()), Stderr: e.Stderr, LookPath: e.LookPath,
	}, nil
}

// ToolCredentials gets the credentials of profile name as the AWS tools
// would (see resolve.Tools.For).
func (e *Env) ToolCredentials(ctx context.Context, name string) (resolve.ToolResult, error) {
	tools, err := e.Tools()
	if err != nil {
		return resolve.ToolResult{}, err
	}
	return tools.For(ctx, name)
}

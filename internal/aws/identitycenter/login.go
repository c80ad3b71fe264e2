package identitycenter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/keystore"
)

// DefaultWait is how long the user has to finish a sign-in.
const DefaultWait = 10 * time.Minute

// LoginOptions say how Login signs in.
type LoginOptions struct {
	DeviceCode bool          // device authorization instead of authorization code + PKCE
	Wait       time.Duration // how long the user has to finish (0: 10 minutes)
}

// grant is what CreateToken gave.
type grant struct {
	access, refresh string
	expires         time.Time
}

// Login signs in to s through the browser: authorization code with PKCE
// on a loopback redirect, or device authorization with o.DeviceCode (and
// always for a legacy session). It stores the tokens and returns what may
// be shown of them. Parallel Logins of one session share one flow: the
// one that waited for the lock takes the sign-in the other stored.
func (c *Client) Login(ctx context.Context, s Session, o LoginOptions) (Status, error) {
	if err := c.ready(s); err != nil {
		return Status{}, err
	}
	wait := o.Wait
	if wait <= 0 {
		wait = DefaultWait
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()

	before, err := c.rawToken(s)
	if err != nil {
		return Status{}, err
	}
	unlock, err := c.lock(wctx, s, "signing in to "+s.Label())
	if err != nil {
		return Status{}, c.waitErr(ctx, wctx, s, wait, fmt.Errorf("waiting for another sign-in to %s: %w", s.Label(), err))
	}
	defer unlock()
	if after, err := c.rawToken(s); err != nil {
		return Status{}, err
	} else if after != before {
		// Another Login stored a sign-in while this one waited: share it.
		if t, err := c.readToken(s); err == nil && t != nil && c.fresh(t) {
			return c.statusOf(s, t)
		}
	}

	flow := flowPKCE
	if o.DeviceCode || s.Legacy() {
		flow = flowDevice
	}
	reg, err := c.registration(wctx, s, flow)
	if err != nil {
		return Status{}, c.waitErr(ctx, wctx, s, wait, err)
	}
	var g *grant
	if flow == flowPKCE {
		g, err = c.pkceFlow(wctx, s, reg)
	} else {
		g, err = c.deviceFlow(wctx, s, reg)
	}
	if err != nil {
		if codeOf(err) == "InvalidClientException" {
			// The registration is no longer known: the next sign-in makes a new one.
			_ = c.Store.Delete(clientName(s, flow))
		}
		return Status{}, c.waitErr(ctx, wctx, s, wait, err)
	}
	t := &Token{
		AccessToken: g.access, RefreshToken: g.refresh, Expires: g.expires,
		ClientID: reg.ClientID, Flow: flow, Region: s.Region, StartURL: s.StartURL, IssuedAt: c.now(),
	}
	if err := c.writeToken(s, t); err != nil {
		return Status{}, err
	}
	return c.statusOf(s, t)
}

// rawToken is the stored value under the session's token name, "" when
// none: what tells Login whether another one signed in meanwhile.
func (c *Client) rawToken(s Session) (string, error) {
	v, err := c.Store.Get(tokenName(s))
	if errors.Is(err, keystore.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", hint.With(fmt.Errorf("reading the sign-in of IAM Identity Center session %s from the %s keystore: %w", s.Label(), c.Store.Backend(), err),
			"check that the keystore is unlocked and reachable")
	}
	return v, nil
}

// waitErr says so when the user's time ran out rather than the call's.
func (c *Client) waitErr(ctx, wctx context.Context, s Session, wait time.Duration, err error) error {
	if ctx.Err() == nil && errors.Is(wctx.Err(), context.DeadlineExceeded) {
		return hint.With(fmt.Errorf("the sign-in to %s was not finished within %s", s.Label(), minutes(wait)),
			"run it again: "+s.LoginCommand())
	}
	return err
}

// minutes shows a wait as users set it.
func minutes(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		if d == time.Minute {
			return "1 minute"
		}
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}

// deniedErr is the user refusing the sign-in.
func deniedErr(s Session) error {
	return hint.With(fmt.Errorf("sign-in to %s was denied in the browser", s.Label()),
		"to sign in, run it again and allow the request: "+s.LoginCommand())
}

// createToken exchanges a grant for tokens, once (never retried).
func (c *Client) createToken(ctx context.Context, s Session, in *createTokenInput) (*grant, error) {
	out, err := c.callCreateToken(ctx, s, in)
	if err != nil {
		return nil, c.wrap(ctx, "CreateToken", c.Endpoints.oidcURL(s.Region), err)
	}
	if out.AccessToken == "" || out.ExpiresIn <= 0 {
		return nil, errors.New("IAM Identity Center CreateToken answered without an access token")
	}
	return &grant{
		access:  out.AccessToken,
		refresh: out.RefreshToken,
		expires: c.now().Add(time.Duration(out.ExpiresIn) * time.Second).UTC(),
	}, nil
}

package resolve

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
)

// LoginFloor is the floor of credentials that live no longer than the
// floor itself (an AWS Sign-In session's last 15 minutes in all, the
// default floor): a third of their lifetime. They are served from the
// cache while that much is left and renewed when less is: a caller that
// asks on every call renews once per credential lifetime at most (every
// ten minutes for 15-minute credentials), and never gets credentials with
// less than a third of their life left.
func LoginFloor(lifetime, floor time.Duration) time.Duration {
	if lifetime > 0 && lifetime <= floor {
		return lifetime / 3
	}
	return floor
}

// LoginSession is the AWS Sign-In session of a login_session profile:
// the region from the environment or the profile, the endpoint from
// AWS_ENDPOINT_URL_SIGNIN, AWS_ENDPOINT_URL, or the profile's services or
// endpoint_url.
func (r *Resolver) LoginSession(p *awsconfig.Profile) signin.Session {
	return LoginSessionFor(r.Settings, p)
}

// LoginSessionFor is the AWS Sign-In session of a login_session profile
// under the environment's settings st (what Resolver.LoginSession says,
// for those without a resolver: doctor, list, import).
func LoginSessionFor(st awsapi.Settings, p *awsconfig.Profile) signin.Session {
	region := st.Region
	if region == "" {
		region = p.Region
	}
	endpoint := st.EndpointURLSignin
	if endpoint == "" {
		endpoint = st.EndpointURL
	}
	if endpoint == "" && !st.IgnoreConfiguredURL {
		endpoint = p.SigninEndpointURL
	}
	return signin.Session{Profile: p.Name, ARN: p.LoginSession, Region: region, Endpoint: endpoint}
}

// LoginProfiles are the config's login_session profiles (kind login), in
// its order.
func LoginProfiles(m *profile.Model) []*profile.Profile {
	var out []*profile.Profile
	for _, name := range m.File.ProfileNames() {
		if p, err := m.Get(name); err == nil && p.Kind == profile.Login {
			out = append(out, p)
		}
	}
	return out
}

// loginKey keys a login profile's credentials: the session and where it
// signs in, never its refresh token.
func (r *Resolver) loginKey(p *awsconfig.Profile) string {
	s := r.LoginSession(p)
	return cache.LoginKey(s.ID(), s.Region, s.Endpoint)
}

// fetchLogin renews a login profile's credentials with the session's
// refresh token (package signin, under its lock). Without a valid
// sign-in it fails at once, naming `stscred login`, unless SignIn is set
// (a user's own `stscred use` on a terminal): then that sign-in runs
// first. It never opens a browser otherwise.
func (r *Resolver) fetchLogin(ctx context.Context, p *awsconfig.Profile, c *call) (cache.Entry, error) {
	if r.Login == nil {
		return cache.Entry{}, errors.New("AWS Sign-In is not available in this call")
	}
	client := r.Login()
	s := r.LoginSession(p)
	c.doing("renewing the sign-in of " + p.Name + " (AWS Sign-In)")
	cr, err := client.Credentials(ctx, s)
	if _, need := signin.NeedsSignIn(err); need && r.LoginSignIn != nil {
		// The sign-in's own credentials are fresh: renewing them at once
		// would only spend a token call and rotate the refresh token.
		c.doing("waiting for the sign-in of " + p.Name + " (AWS Sign-In)")
		cr, err = r.LoginSignIn(ctx, s)
	}
	if err != nil {
		return cache.Entry{}, err
	}
	// What MFA the sign-in had is not told: not claimed.
	return r.entry(cache.KindLogin, p, false, cr), nil
}

// RememberLogin caches a login profile's first credentials, which its
// sign-in returned: the next call is then a hit, not a renewal.
func (r *Resolver) RememberLogin(p *awsconfig.Profile, cr creds.Credentials) error {
	e := r.entry(cache.KindLogin, p, false, cr)
	e.Key = r.loginKey(p)
	if err := r.Cache.Put(e); err != nil {
		return fmt.Errorf("caching the credentials of %s: %w", p.Name, err)
	}
	return nil
}

// loginSessionOf is the AWS Sign-In session behind p's credentials, if
// they come from one (p itself or its source chain's root).
func (r *Resolver) loginSessionOf(p *awsconfig.Profile) (signin.Session, bool) {
	if root := p.Root(); root.IsLogin() {
		return r.LoginSession(root), true
	}
	return signin.Session{}, false
}

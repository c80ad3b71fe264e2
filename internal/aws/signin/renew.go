package signin

import (
	"context"
	"fmt"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
)

// Credentials renews the session's credentials with its refresh token,
// under the session's lock (parallel callers wait, and their caller's
// cache then serves them). The refresh token rotates: the new one is in
// the keystore before the credentials are returned, so a crash at any
// point leaves either the old token (not yet used) or the new one stored;
// a new token that could not be stored means the session needs a new
// sign-in, and it says so. It never opens a browser.
func (c *Client) Credentials(ctx context.Context, s Session) (creds.Credentials, error) {
	if s.ARN == "" {
		return creds.Credentials{}, needSignIn(s, "profile %s is not signed in", s.Profile)
	}
	if err := s.check(); err != nil {
		return creds.Credentials{}, err
	}
	unlock, err := c.lock(ctx, s, "renewing the credentials of a sign-in")
	if err != nil {
		return creds.Credentials{}, err
	}
	defer unlock()
	e, found, err := c.read(s)
	if err != nil {
		return creds.Credentials{}, err
	}
	if !found {
		return creds.Credentials{}, needSignIn(s, "profile %s is not signed in", s.Profile)
	}
	if !c.now().Before(e.Ends) {
		return creds.Credentials{}, needSignIn(s, "the sign-in of profile %s has ended (a session lasts at most 12 hours)", s.Profile)
	}
	if e.Endpoint != s.Endpoint || e.Region != s.Region {
		return creds.Credentials{}, needSignIn(s, "profile %s was signed in at another AWS Sign-In endpoint or region", s.Profile)
	}
	g, err := c.token(ctx, s, &e, &tokenInput{
		ClientID: e.ClientID, GrantType: "refresh_token", RefreshToken: e.RefreshToken,
	})
	if err != nil {
		return creds.Credentials{}, err
	}
	e.RefreshToken = g.refreshToken
	if err := c.write(e); err != nil {
		return creds.Credentials{}, hint.With(fmt.Errorf("renewed profile %s's credentials, but could not keep the new refresh token: %w", s.Profile, err),
			"make the keystore reachable, then sign in again: "+s.LoginCommand())
	}
	g.creds.AccountID = accountOf(e.ARN)
	return g.creds, nil
}

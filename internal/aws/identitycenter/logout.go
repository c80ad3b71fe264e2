package identitycenter

import (
	"context"
	"fmt"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/textsafe"
)

// Logout ends the sign-in at the portal (an access token already refused
// is no error) and forgets the tokens; the client registration stays.
// Not signed in is no error either: Out says so. (Success is for the
// caller to tell, with what else it forgot.)
func (c *Client) Logout(ctx context.Context, s Session) error {
	if err := c.ready(s); err != nil {
		return err
	}
	unlock, err := c.lock(ctx, s, "signing out of "+s.Label())
	if err != nil {
		return fmt.Errorf("waiting to sign out of %s: %w", s.Label(), err)
	}
	defer unlock()
	t, err := c.readToken(s)
	if err != nil {
		return err
	}
	if t == nil {
		if err := c.forgetToken(s); err != nil {
			return err
		}
		fmt.Fprintf(c.out(), "stscred: not signed in to %s\n", textsafe.Escape(s.Label()))
		return nil
	}
	if !c.fresh(t) {
		// An expired access token cannot end the session its refresh
		// token keeps alive: renew it first, if that still works.
		if next, err := c.refreshLocked(ctx, s, t); err == nil {
			t = next
		}
	}
	var revokeErr error
	bctx, cancel := c.budget(ctx)
	defer cancel()
	if err := logout(bctx, c.portal(s), t.AccessToken); err != nil {
		if err = c.wrap(bctx, "Logout", c.Endpoints.portalURL(s.Region), err); codeOf(err) != "UnauthorizedException" {
			revokeErr = err
		}
	}
	if err := c.forgetToken(s); err != nil {
		return err
	}
	if revokeErr != nil {
		return hint.With(fmt.Errorf("signed out of %s here, but IAM Identity Center could not end the sign-in: %w", s.Label(), revokeErr),
			"the sign-in ends by itself when its session does; to end it now, sign out in the AWS access portal")
	}
	return nil
}

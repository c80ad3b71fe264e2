package identitycenter

import (
	"context"
	"fmt"
	"time"
)

// minValid is how long an access token must still be valid to be handed
// out without a refresh.
const minValid = time.Minute

// Status is what may be shown of a sign-in: no secrets.
type Status struct {
	// SignedIn: a token is stored that is valid now or can be refreshed.
	SignedIn bool
	// Expires is the access token's expiry (zero when not signed in).
	Expires time.Time
	// Refreshable: a refresh token and a live client registration are
	// stored, so AccessToken renews the access token without the browser.
	Refreshable bool
	// RefreshUntil is when refreshing stops working, zero if unknown (the
	// APIs do not say when the sign-in session ends).
	RefreshUntil time.Time
}

// Status says whether s is signed in, from the store alone (no network).
func (c *Client) Status(s Session) (Status, error) {
	t, err := c.readToken(s)
	if err != nil || t == nil {
		return Status{}, err
	}
	return c.statusOf(s, t)
}

func (c *Client) statusOf(s Session, t *Token) (Status, error) {
	st := Status{Expires: t.Expires}
	ok, err := c.refreshable(s, t)
	if err != nil {
		return Status{}, err
	}
	st.Refreshable = ok
	st.SignedIn = ok || t.Expires.After(c.now())
	return st, nil
}

// refreshable reports whether t can be refreshed: it has a refresh token
// and the registration it was issued to is stored and valid.
func (c *Client) refreshable(s Session, t *Token) (bool, error) {
	if t.RefreshToken == "" {
		return false, nil
	}
	reg, err := c.readRegistration(s, t.Flow)
	if err != nil {
		return false, err
	}
	return reg.validAt(c.now()) && reg.ClientID == t.ClientID, nil
}

func (c *Client) fresh(t *Token) bool { return t.Expires.Sub(c.now()) >= minValid }

// AccessToken returns s's access token: the stored one while it has a
// minute left (no lock, no network), else one refreshed under the lock
// with the refresh token, which rotates. It never opens a browser or
// prompts: without a usable token its error wraps ErrNotSignedIn.
func (c *Client) AccessToken(ctx context.Context, s Session) (string, error) {
	if err := c.ready(s); err != nil {
		return "", err
	}
	t, err := c.readToken(s)
	if err != nil {
		return "", err
	}
	if t == nil {
		return "", notSignedInErr(s, "not signed in to IAM Identity Center session %s", s.Label())
	}
	if c.fresh(t) {
		return t.AccessToken, nil
	}
	if ok, err := c.refreshable(s, t); err != nil {
		return "", err
	} else if !ok {
		return "", c.expiredErr(s)
	}
	unlock, err := c.lock(ctx, s, "refreshing the sign-in to "+s.Label())
	if err != nil {
		return "", fmt.Errorf("waiting to refresh the sign-in to %s: %w", s.Label(), err)
	}
	defer unlock()
	// Another process may have refreshed (or signed out) while this waited.
	if t, err = c.readToken(s); err != nil {
		return "", err
	}
	if t == nil {
		return "", notSignedInErr(s, "not signed in to IAM Identity Center session %s", s.Label())
	}
	if c.fresh(t) {
		return t.AccessToken, nil
	}
	t, err = c.refreshLocked(ctx, s, t)
	if err != nil {
		return "", err
	}
	return t.AccessToken, nil
}

func (c *Client) expiredErr(s Session) error {
	return notSignedInErr(s, "the sign-in to %s has expired", s.Label())
}

// refreshLocked renews t with its refresh token and stores the new access
// token and the rotated refresh token. The caller holds the lock. A
// refusal forgets the token: the sign-in is over.
func (c *Client) refreshLocked(ctx context.Context, s Session, t *Token) (*Token, error) {
	reg, err := c.readRegistration(s, t.Flow)
	if err != nil {
		return nil, err
	}
	if t.RefreshToken == "" || !reg.validAt(c.now()) || reg.ClientID != t.ClientID {
		return nil, c.expiredErr(s)
	}
	g, err := c.createToken(ctx, s, &createTokenInput{
		ClientID: reg.ClientID, ClientSecret: reg.ClientSecret,
		GrantType: "refresh_token", RefreshToken: t.RefreshToken,
	})
	switch codeOf(err) {
	case "":
		if err != nil {
			return nil, fmt.Errorf("refreshing the sign-in to %s: %w", s.Label(), err)
		}
	case "InvalidGrantException", "ExpiredTokenException", "AccessDeniedException", "UnauthorizedClientException", "InvalidClientException":
		if ferr := c.forgetToken(s); ferr != nil {
			return nil, ferr
		}
		return nil, c.expiredErr(s)
	default:
		return nil, fmt.Errorf("refreshing the sign-in to %s: %w", s.Label(), err)
	}
	next := *t
	next.AccessToken, next.Expires, next.IssuedAt = g.access, g.expires, c.now()
	if g.refresh != "" {
		next.RefreshToken = g.refresh
	}
	if err := c.writeToken(s, &next); err != nil {
		return nil, err
	}
	return &next, nil
}

package identitycenter

import (
	"context"
	"errors"
	"time"
)

// registrationMargin is how long before its clientSecretExpiresAt a stored
// registration stops being reused for a new sign-in (botocore's margin).
const registrationMargin = 15 * time.Minute

// redirectURI is what the PKCE registration names; the loopback port is
// chosen at sign-in (RFC 8252 section 7.3: any port matches).
const redirectURI = "http://127.0.0.1/oauth/callback"

// scopesFor is what a registration for flow asks for: the session's
// scopes (none for a legacy session, which then gets no refresh token).
func scopesFor(s Session, flow string) []string {
	if s.Legacy() {
		return nil
	}
	return s.Scopes
}

// registration returns the stored registration of s for flow while it is
// good for a while yet, else registers a new client and stores it.
func (c *Client) registration(ctx context.Context, s Session, flow string) (*registration, error) {
	reg, err := c.readRegistration(s, flow)
	if err != nil {
		return nil, err
	}
	if reg.validAt(c.now().Add(registrationMargin)) {
		return reg, nil
	}
	in := &registerClientInput{
		ClientName: "stscred",
		ClientType: "public",
		Scopes:     scopesFor(s, flow),
	}
	if flow == flowPKCE {
		in.GrantTypes = []string{"authorization_code", "refresh_token"}
		in.RedirectURIs = []string{redirectURI}
		in.IssuerURL = s.StartURL
	}
	out, err := c.registerClient(ctx, s, in)
	if err != nil {
		return nil, c.wrap(ctx, "RegisterClient", c.Endpoints.oidcURL(s.Region), err)
	}
	if out.ClientID == "" || out.ClientSecret == "" {
		return nil, errors.New("IAM Identity Center RegisterClient answered without a client id or secret")
	}
	reg = &registration{
		ClientID:     out.ClientID,
		ClientSecret: out.ClientSecret,
		Issued:       c.now(),
		Expires:      time.Unix(out.ClientSecretExpiresAt, 0).UTC(),
		Scopes:       scopesFor(s, flow),
		Flow:         flow,
	}
	if out.ClientSecretExpiresAt == 0 {
		// No expiry given: assume the service's 90 days.
		reg.Expires = reg.Issued.Add(90 * 24 * time.Hour)
	}
	if err := c.setJSON(clientName(s, flow), "client registration", s, reg); err != nil {
		return nil, err
	}
	return reg, nil
}

package identitycenter

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/keystore"
)

// The two sign-in flows, each with its own client registration.
const (
	flowPKCE   = "pkce"   // authorization code with PKCE
	flowDevice = "device" // device authorization
)

// Token is what the store holds for a session. It is never printed: its
// String and GoString say nothing of the secrets.
type Token struct {
	AccessToken  string    `json:"accessToken"`
	RefreshToken string    `json:"refreshToken,omitempty"`
	Expires      time.Time `json:"expiresAt"`
	ClientID     string    `json:"clientId"` // the registration it was issued to
	Flow         string    `json:"flow"`     // whose registration: "pkce" or "device"
	Region       string    `json:"region"`
	StartURL     string    `json:"startUrl"`
	IssuedAt     time.Time `json:"issuedAt"` // when it was stored (this clock)
}

func (t Token) String() string {
	return "identitycenter.Token{expires: " + t.Expires.UTC().Format(time.RFC3339) + "}"
}
func (t Token) GoString() string { return t.String() }

// registration is a RegisterClient answer for one session and flow.
type registration struct {
	ClientID     string    `json:"clientId"`
	ClientSecret string    `json:"clientSecret"`
	Issued       time.Time `json:"issuedAt"`
	Expires      time.Time `json:"expiresAt"` // clientSecretExpiresAt
	Scopes       []string  `json:"scopes,omitempty"`
	Flow         string    `json:"flow"`
}

func (r registration) String() string   { return "identitycenter.registration{" + r.Flow + "}" }
func (r registration) GoString() string { return r.String() }

// validAt reports whether the registration can be used until at least t.
func (r *registration) validAt(t time.Time) bool {
	return r != nil && r.ClientID != "" && r.ClientSecret != "" && r.Expires.After(t)
}

// StoreNames are the keystore entries a session may have (its token and
// its registrations), for a migration between keystores.
func StoreNames(s Session) []string {
	return []string{tokenName(s), clientName(s, flowPKCE), clientName(s, flowDevice)}
}

func tokenName(s Session) string               { return "v1:sso-token:" + s.ID() }
func clientName(s Session, flow string) string { return "v1:sso-client:" + s.ID() + ":" + flow }

// getJSON reads name into v; found is false when the store has none.
func (c *Client) getJSON(name, what string, s Session, v any) (found bool, err error) {
	raw, err := c.Store.Get(name)
	if errors.Is(err, keystore.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, hint.With(fmt.Errorf("reading the %s of IAM Identity Center session %s from the %s keystore: %w", what, s.Label(), c.Store.Backend(), err),
			"check that the keystore is unlocked and reachable")
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		// Never the value in the message: it holds tokens.
		return false, hint.With(fmt.Errorf("the stored %s of IAM Identity Center session %s is unreadable", what, s.Label()),
			s.loginHint()+" (it replaces the entry)")
	}
	return true, nil
}

func (c *Client) setJSON(name, what string, s Session, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding the %s of IAM Identity Center session %s", what, s.Label())
	}
	if err := c.Store.Set(name, string(b)); err != nil {
		return hint.With(fmt.Errorf("storing the %s of IAM Identity Center session %s in the %s keystore: %w", what, s.Label(), c.Store.Backend(), err),
			"check that the keystore is unlocked and reachable")
	}
	return nil
}

// readToken is the stored token of s, nil when there is none (or it was
// issued for another start URL or region under the same name).
func (c *Client) readToken(s Session) (*Token, error) {
	var t Token
	found, err := c.getJSON(tokenName(s), "sign-in", s, &t)
	if err != nil || !found {
		return nil, err
	}
	if t.AccessToken == "" || t.StartURL != s.StartURL || t.Region != s.Region {
		return nil, nil
	}
	return &t, nil
}

func (c *Client) writeToken(s Session, t *Token) error {
	return c.setJSON(tokenName(s), "sign-in", s, t)
}

// forgetToken deletes the stored token; none stored is no error.
func (c *Client) forgetToken(s Session) error {
	err := c.Store.Delete(tokenName(s))
	if err == nil || errors.Is(err, keystore.ErrNotFound) {
		return nil
	}
	return hint.With(fmt.Errorf("deleting the sign-in of IAM Identity Center session %s from the %s keystore: %w", s.Label(), c.Store.Backend(), err),
		"check that the keystore is unlocked and reachable")
}

// readRegistration is the stored registration of s for flow, nil when
// there is none or it was made for other scopes.
func (c *Client) readRegistration(s Session, flow string) (*registration, error) {
	var r registration
	found, err := c.getJSON(clientName(s, flow), "client registration", s, &r)
	if err != nil || !found {
		return nil, err
	}
	if r.Flow != flow || !slices.Equal(r.Scopes, scopesFor(s, flow)) {
		return nil, nil
	}
	return &r, nil
}

package identitycenter

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"

	"github.com/stscred/stscred/internal/base/hint"
)

// Session is an Identity Center sign-in as the config names it.
type Session struct {
	Name     string   // the [sso-session NAME]; "" for a legacy profile (sso_start_url in the profile)
	StartURL string   // sso_start_url
	Region   string   // sso_region
	Scopes   []string // sso_registration_scopes; nil for legacy profiles
}

// Label is what messages and hints name the session by: its Name, else
// (a legacy profile) its StartURL.
func (s Session) Label() string {
	if s.Name != "" {
		return s.Name
	}
	return s.StartURL
}

// ID is a stable, secret-free id of the session (a digest of Name,
// StartURL and Region), for store names, lock names and cache keys.
func (s Session) ID() string {
	sum := sha256.Sum256([]byte("v1\x00" + s.Name + "\x00" + s.StartURL + "\x00" + s.Region))
	return hex.EncodeToString(sum[:16])
}

// Legacy reports whether the session comes from a profile's own
// sso_start_url (no sso-session): device code only, no refresh token.
func (s Session) Legacy() bool { return s.Name == "" }

// LoginCommand is the command that signs in to s.
func (s Session) LoginCommand() string { return "stscred sso login " + s.Label() }

// loginHint is the hint every "not signed in" error carries.
func (s Session) loginHint() string { return "run: " + s.LoginCommand() }

// check refuses a session the API could not be asked about: no https
// start URL, or a region that is no region name (it becomes a host name).
func (s Session) check() error {
	if u, err := url.Parse(s.StartURL); s.StartURL == "" || err != nil || u.Scheme != "https" || u.Host == "" {
		return hint.With(fmt.Errorf("IAM Identity Center session %s has no usable sso_start_url", s.Label()),
			"set sso_start_url to the AWS access portal URL, like https://my-company.awsapps.com/start")
	}
	if !isRegion(s.Region) {
		return hint.With(fmt.Errorf("IAM Identity Center session %s has no usable sso_region (%q)", s.Label(), s.Region),
			"set sso_region to the region of the Identity Center instance, like eu-west-1")
	}
	for _, sc := range s.Scopes {
		if sc == "" {
			return errors.New("sso_registration_scopes holds an empty scope")
		}
	}
	return nil
}

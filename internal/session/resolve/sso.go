package resolve

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
)

// SessionOf is the Identity Center sign-in an SSO profile (or an
// sso-session section) names.
func SessionOf(s *awsconfig.SSO) identitycenter.Session {
	return identitycenter.Session{Name: s.Session, StartURL: s.StartURL, Region: s.Region, Scopes: s.Scopes}
}

// ssoKey is the cache key of an SSO profile's role credentials: the
// session, account and role, and where the portal is — never the token,
// so a cache hit reads no keystore.
func (r *Resolver) ssoKey(p *awsconfig.Profile) string {
	return cache.SSOKey(SessionOf(p.SSO).ID(), p.SSO.AccountID, p.SSO.RoleName, r.SSOPortal)
}

// fetchSSO gets an SSO profile's role credentials from the portal
// (GetRoleCredentials) with the session's access token. Without a valid
// token it fails at once, naming `stscred sso login`, unless SignIn is
// set (a user's own `stscred use` on a terminal): then that sign-in runs
// first.
func (r *Resolver) fetchSSO(ctx context.Context, p *awsconfig.Profile, c *call) (cache.Entry, error) {
	s := p.SSO
	if s.AccountID == "" || s.RoleName == "" {
		return cache.Entry{}, hint.With(fmt.Errorf("profile %s signs in through IAM Identity Center session %s but names no account and role", p.Name, SessionOf(s).Label()),
			"add sso_account_id and sso_role_name to [profile "+p.Name+"]; stscred sso accounts "+SessionOf(s).Label()+" lists the ones you may use")
	}
	if r.SSO == nil {
		return cache.Entry{}, errors.New("IAM Identity Center is not available in this call")
	}
	ic := r.SSO()
	sess := SessionOf(s)
	c.doing("calling IAM Identity Center (GetRoleCredentials " + s.RoleName + " in " + s.AccountID + ")")
	cr, err := ic.RoleCredentials(ctx, sess, s.AccountID, s.RoleName)
	if errors.Is(err, identitycenter.ErrNotSignedIn) && r.SignIn != nil {
		c.doing("waiting for the sign-in to IAM Identity Center session " + sess.Label())
		if err = r.SignIn(ctx, sess); err == nil {
			c.doing("calling IAM Identity Center (GetRoleCredentials " + s.RoleName + " in " + s.AccountID + ")")
			cr, err = ic.RoleCredentials(ctx, sess, s.AccountID, s.RoleName)
		}
	}
	if err != nil {
		if errors.Is(err, identitycenter.ErrNotSignedIn) {
			return cache.Entry{}, err // it names the session and the command that signs in
		}
		return cache.Entry{}, fmt.Errorf("profile %s: %w", p.Name, err)
	}
	e := r.entry(cache.KindRole, p, false, cr)
	if e.Creds.AccountID == "" {
		e.Creds.AccountID = s.AccountID
	}
	return e, nil
}

// ssoSessionOf is the sign-in behind p's credentials, if they come from
// IAM Identity Center (p itself or the root of its source chain).
func ssoSessionOf(p *awsconfig.Profile) (identitycenter.Session, bool) {
	root := p.Root()
	if root.IsSSO() {
		return SessionOf(root.SSO), true
	}
	return identitycenter.Session{}, false
}

// SSOSessionNamed is the Identity Center sign-in a user names: an
// [sso-session NAME], else an SSO profile (its session, or its legacy
// keys). With no name, the config's only sso-session.
func SSOSessionNamed(f *awsconfig.File, name string) (identitycenter.Session, error) {
	names := f.SSOSessionNames()
	if name == "" {
		if len(names) == 1 {
			name = names[0]
		} else {
			h := "name one: stscred sso login NAME (the config has " + strings.Join(names, ", ") + ")"
			if len(names) == 0 {
				h = "add an [sso-session NAME] section with sso_start_url and sso_region to " + f.Path
			}
			return identitycenter.Session{}, hint.With(fmt.Errorf("which IAM Identity Center session? %s has %d sso-session sections", f.Path, len(names)), h)
		}
	}
	if slices.Contains(names, name) {
		s, err := f.SSOSession(name)
		if err != nil {
			return identitycenter.Session{}, err
		}
		return SessionOf(s), nil
	}
	if f.Has(name) {
		p, err := f.Resolve(name)
		if err != nil {
			return identitycenter.Session{}, err
		}
		if s, ok := ssoSessionOf(p); ok {
			return s, nil
		}
		return identitycenter.Session{}, hint.With(fmt.Errorf("profile %s does not sign in through IAM Identity Center", name),
			"name an [sso-session NAME] of "+f.Path+", or a profile with sso_session")
	}
	if strings.HasPrefix(name, "https://") {
		// A legacy profile's session is named by its start URL (that is
		// what its messages say to sign in to).
		for _, pn := range f.ProfileNames() {
			if p, err := f.Resolve(pn); err == nil && p.IsSSO() && p.SSO.Session == "" &&
				strings.TrimSuffix(p.SSO.StartURL, "/") == strings.TrimSuffix(name, "/") {
				return SessionOf(p.SSO), nil
			}
		}
		return identitycenter.Session{}, hint.With(fmt.Errorf("no profile of %s signs in at %s with sso_start_url", f.Path, name),
			"name an [sso-session NAME] or an SSO profile")
	}
	_, err := f.SSOSession(name) // the not-found error, with its suggestions
	return identitycenter.Session{}, err
}

// SSOSessions are the Identity Center sessions of the config: its
// [sso-session] sections, and the legacy start URLs of its profiles, each
// once.
func SSOSessions(m *profile.Model) []identitycenter.Session {
	seen := map[string]bool{}
	var out []identitycenter.Session
	add := func(s identitycenter.Session) {
		if !seen[s.ID()] {
			seen[s.ID()] = true
			out = append(out, s)
		}
	}
	for _, name := range m.File.SSOSessionNames() {
		if s, err := m.File.SSOSession(name); err == nil {
			add(SessionOf(s))
		}
	}
	for _, name := range m.File.ProfileNames() {
		if p, err := m.Get(name); err == nil && p.Kind == profile.SSO && p.SSO.Session == "" {
			add(SessionOf(p.SSO))
		}
	}
	return out
}

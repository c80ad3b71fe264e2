package app

import (
	"errors"
	"fmt"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/session/resolve"
)

// SSOSession is the Identity Center session name names (an
// [sso-session NAME], an SSO profile, or "" for the config's only one),
// and the client that signs in to it.
func SSOSession(s *Services, name string) (identitycenter.Session, *identitycenter.Client, error) {
	f, err := s.Config()
	if err != nil {
		return identitycenter.Session{}, nil, err
	}
	sess, err := resolve.SSOSessionNamed(f, name)
	if err != nil {
		return identitycenter.Session{}, nil, err
	}
	ic, err := s.IdentityCenter()
	return sess, ic, err
}

// SSOLogout signs out of session name and drops the credentials cached
// from it.
func SSOLogout(p *Process, svc *Services, name string) error {
	s, ic, err := SSOSession(svc, name)
	if err != nil {
		return err
	}
	st, err := ic.Status(s)
	if err != nil {
		return err
	}
	// The credentials cached from the session go even when the portal
	// cannot be told: signing out must not leave them usable here.
	logoutErr := ic.Logout(p.Context(), s)
	ch, err := svc.Cache()
	if err != nil {
		return errors.Join(logoutErr, err)
	}
	n, err := ch.DeleteWhere(func(h cache.Header) bool { return h.SSOSession == s.ID() })
	if err != nil {
		return errors.Join(logoutErr, err)
	}
	dropped := ""
	if n > 0 {
		dropped = fmt.Sprintf("; removed %d cached session%s", n, human.Plural(n, "", "s"))
	}
	if logoutErr != nil {
		if dropped != "" {
			fmt.Fprintf(p.Stderr, "stscred: %s\n", dropped[2:])
		}
		return logoutErr
	}
	if st.SignedIn || dropped != "" {
		fmt.Fprintf(p.Stderr, "stscred: signed out of %s%s\n", s.Label(), dropped)
	}
	return nil
}

package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/ops/listing"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/shell"
)

// ProfileNames lists the profile names of a kind for
// `stscred completion --profiles KIND`, in the config file's order, as the
// profile model classifies them: role = the kinds `stscred role` takes,
// keyholder = IAM users' profiles with a stored key, any = all.
func ProfileNames(m *profile.Model, kind shell.ProfileKind) []string {
	switch kind {
	case shell.RoleProfile:
		return m.Names(profile.Role, profile.WebIdentity, profile.SAML, profile.SSO)
	case shell.KeyHolderProfile:
		return m.Names(profile.KeyHolder)
	case shell.SSOProfile:
		return append(m.File.SSOSessionNames(), m.Names(profile.SSO)...)
	case shell.LoginProfile:
		return m.Names(profile.Login, profile.KeyHolder)
	}
	return m.Names()
}

// List shows profiles, stored keys and cached sessions (package listing),
// as a table or as JSON. It never shows a secret.
func List(p *Process, s *Services, asJSON bool) error {
	m, err := s.Model()
	if err != nil {
		return err
	}
	ch, err := s.Cache()
	if err != nil {
		return err
	}
	headers, err := ch.List()
	if err != nil {
		return err
	}
	l := listing.Build(m, headers, s.Keys(), p.Now())
	ic, err := s.IdentityCenter()
	if err != nil {
		return err
	}
	l.AddSSO(m, ic.Status)
	l.AddLogin(m, func(pr *awsconfig.Profile) signin.Session { return resolve.LoginSessionFor(s.Settings(), pr) },
		func(sess signin.Session) (signin.Status, error) {
			c, err := s.Login()
			if err != nil {
				return signin.Status{}, err
			}
			return c.Status(sess)
		})
	if l.KeysErr != nil {
		p.Warnf("could not read stored keys: %v", l.KeysErr)
	}
	for _, name := range l.Unnamed {
		_, err := m.File.Resolve(name)
		meant := ""
		if dym := awsconfig.DidYouMean(err); len(dym) > 0 {
			meant = " (" + strings.Join(dym, "; ") + ")"
		}
		p.Notef("the key stored for %s belongs to no profile of %s%s: add %s there, or if the name is a typo: stscred remove %s, then stscred add the right one",
			name, m.File.Path, meant, awsconfig.SectionFor(name), name)
	}
	if st := keystore.StrandedOf(s.Keys()); st != nil {
		p.Notef("%s", st.Note())
	}
	if asJSON {
		return l.WriteJSON(p.Stdout)
	}
	if len(l.Rows) == 0 {
		return nothingListed(p, m.File.Path, s.DescribeKeys())
	}
	return l.WriteTable(p.Human(), s.DescribeKeys())
}

// nothingListed says where list looked when it found no profile at all.
func nothingListed(p *Process, path, keys string) error {
	why := path + " has no profiles"
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		why = path + " does not exist"
	}
	if p.Getenv("AWS_CONFIG_FILE") != "" {
		why += " (AWS_CONFIG_FILE)"
	}
	_, err := fmt.Fprintf(p.Human(), "stscred: no profiles: %s, and no key is stored in %s\n"+
		"stscred: hint: describe your IAM user and roles there (see the README), then store the user's key: stscred add NAME\n",
		why, keys)
	return err
}

// Clear drops cached sessions: all, or those of profile name and of roles
// it is the source of (listing.ClearingOf); stored keys stay.
func Clear(p *Process, m *profile.Model, ch *cache.Cache, name string) error {
	headers, err := ch.List()
	if err != nil {
		return err
	}
	clearing, err := listing.ClearingOf(m, headers, name)
	if err != nil {
		return err
	}
	n, err := ch.DeleteWhere(clearing.Match)
	if err != nil {
		return err
	}
	fmt.Fprintf(p.Human(), "stscred: removed %d cached session%s (%s)\n", n, human.Plural(n, "", "s"), clearing.What())
	return nil
}

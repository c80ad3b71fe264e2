package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/ops/listing"
	"github.com/stscred/stscred/shell"
)

// ProfileNames lists the profile names of a kind for
// `stscred completion --profiles KIND`, in the config file's order, as the
// profile model classifies them: role = the kinds `stscred role` takes,
// keyholder = IAM users' profiles with a stored key, any = all.
func (e *Env) ProfileNames(kind shell.ProfileKind) ([]string, error) {
	m, err := e.Model()
	if err != nil {
		return nil, err
	}
	switch kind {
	case shell.RoleProfile:
		return m.Names(profile.Role, profile.WebIdentity, profile.SAML, profile.SSO), nil
	case shell.KeyHolderProfile:
		return m.Names(profile.KeyHolder), nil
	case shell.SSOProfile:
		return append(m.File.SSOSessionNames(), m.Names(profile.SSO)...), nil
	}
	return m.Names(), nil
}

// List shows profiles, stored keys and cached sessions (package listing),
// as a table or as JSON. It never shows a secret.
func (e *Env) List(asJSON bool) error {
	m, err := e.Model()
	if err != nil {
		return err
	}
	ch, err := e.Cache()
	if err != nil {
		return err
	}
	headers, err := ch.List()
	if err != nil {
		return err
	}
	l := listing.Build(m, headers, e.Keys(), e.Now())
	ic, err := e.IdentityCenter("")
	if err != nil {
		return err
	}
	l.AddSSO(m, ic.Status)
	if l.KeysErr != nil {
		e.Warnf("could not read stored keys: %v", l.KeysErr)
	}
	if asJSON {
		return l.WriteJSON(e.Stdout)
	}
	if len(l.Rows) == 0 {
		return e.nothingListed(m.File.Path)
	}
	return l.WriteTable(e.Human(), e.DescribeKeys())
}

// nothingListed says where list looked when it found no profile at all.
func (e *Env) nothingListed(path string) error {
	why := path + " has no profiles"
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		why = path + " does not exist"
	}
	if e.Getenv("AWS_CONFIG_FILE") != "" {
		why += " (AWS_CONFIG_FILE)"
	}
	_, err := fmt.Fprintf(e.Human(), "stscred: no profiles: %s, and no key is stored in %s\n"+
		"stscred: hint: describe your IAM user and roles there (see the README), then store the user's key: stscred add NAME\n",
		why, e.DescribeKeys())
	return err
}

// Clear drops cached sessions: all, or those of profile name and of roles
// it is the source of (listing.ClearingOf); stored keys stay.
func (e *Env) Clear(name string) error {
	ch, err := e.Cache()
	if err != nil {
		return err
	}
	m, err := e.Model()
	if err != nil {
		return err
	}
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
	fmt.Fprintf(e.Human(), "stscred: removed %d cached session%s (%s)\n", n, human.Plural(n, "", "s"), clearing.What())
	return nil
}

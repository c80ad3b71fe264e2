package main

import (
	"github.com/stscred/stscred/profile"
	"github.com/stscred/stscred/shell"
)

// completionProfiles lists the profile names of a kind for
// `stscred completion --profiles KIND`, in the config file's order, as the
// profile model classifies them: role = the kinds `stscred role` takes,
// keyholder = IAM users' profiles with a stored key, any = all.
func completionProfiles(env *Env, kind shell.ProfileKind) ([]string, error) {
	m, err := env.Model()
	if err != nil {
		return nil, err
	}
	switch kind {
	case shell.RoleProfile:
		return m.Names(profile.Role, profile.WebIdentity, profile.SAML, profile.SSO), nil
	case shell.KeyHolderProfile:
		return m.Names(profile.KeyHolder), nil
	}
	return m.Names(), nil
}

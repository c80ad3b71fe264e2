package main

import (
	"github.com/stscred/stscred/shell"
)

// completionProfiles lists the profile names of a kind for
// `stscred completion --profiles KIND`, in the config file's order. It is
// a variable so that the project's one model of a profile can take over
// the classification.
var completionProfiles = configProfiles

// configProfiles classifies the profiles of the AWS config: role = assumes
// a role; keyholder = not a role, and either no credential_process or one
// that runs `stscred session` for the profile itself; any = all. A profile
// that does not resolve (a broken source chain) is listed under any only.
func configProfiles(env *Env, kind shell.ProfileKind) ([]string, error) {
	cfg, err := env.Config()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, name := range cfg.ProfileNames() {
		if kind == shell.AnyProfile {
			out = append(out, name)
			continue
		}
		p, err := cfg.Resolve(name)
		if err != nil {
			continue
		}
		switch kind {
		case shell.RoleProfile:
			if p.IsRole() {
				out = append(out, name)
			}
		case shell.KeyHolderProfile:
			if !p.IsRole() && (p.CredentialProcess == "" || selfCall(p)) {
				out = append(out, name)
			}
		}
	}
	return out, nil
}

package profile

import (
	"errors"
	"fmt"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/credline"
	"github.com/stscred/stscred/internal/sys/proc"
)

// Model answers what profiles are, for one config file.
type Model struct {
	File *awsconfig.File
	// Getenv reads the environment's role (AWS_ROLE_ARN and friends) for
	// a call that names no profile; nil for none.
	Getenv func(string) string
}

// Profile is a resolved profile and what it is to stscred.
type Profile struct {
	*awsconfig.Profile
	Kind Kind
	// Call is the stscred call its credential_process makes, for Tool
	// profiles and KeyHolders that run `stscred session` for themselves.
	Call *credline.Call
}

// Get resolves profile name and classifies it.
func (m *Model) Get(name string) (*Profile, error) {
	p, err := m.File.Resolve(name)
	if err != nil {
		return nil, err
	}
	return m.Classify(p), nil
}

// Classify says what a resolved profile is.
func (m *Model) Classify(p *awsconfig.Profile) *Profile {
	out := &Profile{Profile: p}
	if p.CredentialProcess != "" && !p.IsRole() {
		if c, ok := credline.ParseLine(p.CredentialProcess, m.Getenv); ok {
			out.Call = &c
			out.Kind = Tool
			if c.Err == nil && c.Command == "session" && c.Profile == p.Name && c.RoleARN == "" {
				out.Kind = KeyHolder // the line stscred import writes
			}
			return out
		}
		out.Kind = Foreign
		return out
	}
	switch {
	case p.IsWebIdentity():
		out.Kind = WebIdentity
	case p.IsSAML():
		out.Kind = SAML
	case p.IsRole() && p.SourceProfile == "" && p.CredentialSource != "":
		out.Kind = Unsupported
	case p.IsRole():
		out.Kind = Role
	case p.IsSSO():
		out.Kind = SSO
	case p.IsLogin():
		out.Kind = Login
	default:
		out.Kind = KeyHolder
	}
	return out
}

// Names lists the profiles of the given kinds (every profile when none
// is given), in the config's order, for completion and list.
func (m *Model) Names(kinds ...Kind) []string {
	want := map[Kind]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	var out []string
	for _, name := range m.File.ProfileNames() {
		if len(kinds) == 0 {
			out = append(out, name)
			continue
		}
		kind := Invalid
		if p, err := m.Get(name); err == nil {
			kind = p.Kind
		}
		if want[kind] {
			out = append(out, name)
		}
	}
	return out
}

// Roots are the profiles whose credentials stscred gets without another
// profile's: key holders, and (later) the sources without a stored key.
func (k Kind) root() bool {
	return k == KeyHolder || k == WebIdentity || k == SAML || k == SSO || k == Login
}

// NotAKeyHolder explains why p cannot be used where an IAM user's profile
// with a stored key is needed ("" error when it can).
func NotAKeyHolder(p *Profile) error {
	switch p.Kind {
	case KeyHolder, Login:
		return nil
	case Role, WebIdentity, SAML:
		return hint.With(fmt.Errorf("profile %s is a role (role_arn = %s)", p.Name, p.RoleARN),
			"for its credentials use: stscred role "+p.Name)
	case Tool, Foreign:
		return hint.With(fmt.Errorf("profile %s gets its credentials from credential_process (it runs %s), not from a stored key", p.Name, proc.Program(p.CredentialProcess)),
			"name the IAM user's profile (the one whose key you stored with stscred add)")
	case SSO:
		return hint.With(fmt.Errorf("profile %s signs in through IAM Identity Center, not with a stored key", p.Name),
			"for its credentials use: stscred role "+p.Name)
	}
	return hint.With(fmt.Errorf("profile %s has no key stscred can use", p.Name), "see: stscred doctor --profile "+p.Name)
}

// NotARole explains why p cannot be assumed, pointing at the common mix-up
// of naming the tool profile instead of the role profile.
func NotARole(p *Profile) error {
	if p.Kind.Assumable() {
		return nil
	}
	if p.Kind == Tool || p.Kind == Foreign {
		return hint.With(fmt.Errorf("profile %s has no role_arn: it is a profile tools use (its credential_process runs %s)", p.Name, proc.Program(p.CredentialProcess)),
			"name the role profile, the one with role_arn and source_profile: e.g. stscred role prod-admin")
	}
	return hint.With(fmt.Errorf("profile %s has no role_arn", p.Name),
		"for the IAM user's own session use: stscred session "+p.Name,
		"to assume a role, add a profile with role_arn and source_profile = "+p.Name)
}

// ErrNotStscredCredentials is returned for a tool profile whose stscred
// call prints no credential_process document.
var ErrNotStscredCredentials = errors.New("not a stscred call that prints credentials")

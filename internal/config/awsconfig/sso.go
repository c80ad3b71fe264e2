package awsconfig

import (
	"sort"
	"strconv"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/spell"
)

// SSO is what an IAM Identity Center profile says: the sign-in (an
// [sso-session NAME] section, or the legacy sso_start_url and sso_region
// in the profile itself) and the account and role whose credentials
// GetRoleCredentials gives.
type SSO struct {
	// Session is the sso-session's name; "" for legacy keys.
	Session  string
	StartURL string
	// Region is sso_region: where Identity Center is, not the profile's
	// region.
	Region string
	// Scopes are sso_registration_scopes; nil for legacy keys (their
	// sign-in has no refresh token).
	Scopes []string
	// AccountID and RoleName are sso_account_id and sso_role_name; either
	// may be "" in a profile used only to sign in.
	AccountID, RoleName string
}

// IsSSO reports whether the profile's credentials come from IAM Identity
// Center: SSO keys and no role of its own to assume.
func (p *Profile) IsSSO() bool { return p.SSO != nil && !p.IsRole() && !p.FromIdentityProvider() }

// SSOSession is what an [sso-session NAME] section says.
func (f *File) SSOSession(name string) (*SSO, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ssoSession(name, "", entry{})
}

// SSOSessionNames lists the [sso-session NAME] sections, in file order.
func (f *File) SSOSessionNames() []string {
	var out []string
	for _, s := range f.sections {
		if s.kind == kindSSOSession {
			out = append(out, s.name)
		}
	}
	return out
}

// ssoOf builds p.SSO from the profile's own keys (ents, include_profile
// merged) and the sso-session they name. The caller holds f.mu.
func (f *File) ssoOf(p *Profile, ents []entry) error {
	get := func(k string) (entry, string) {
		e, _ := find(ents, k)
		return e, e.value
	}
	sessEnt, sess := get("sso_session")
	urlEnt, startURL := get("sso_start_url")
	regionEnt, region := get("sso_region")
	_, account := get("sso_account_id")
	_, role := get("sso_role_name")
	if sess == "" && startURL == "" && account == "" && role == "" && region == "" {
		return nil
	}
	s := &SSO{AccountID: account, RoleName: role}
	if sess != "" {
		got, err := f.ssoSession(sess, p.Name, sessEnt)
		if err != nil {
			return err
		}
		// A profile may repeat the session's values (older AWS CLIs wrote
		// both); a different one is a mistake the CLI refuses too.
		if startURL != "" && strings.TrimSuffix(startURL, "/") != strings.TrimSuffix(got.StartURL, "/") {
			return f.valueError(p.Name, urlEnt, "differs from the sso_start_url of [sso-session "+sess+"]; remove it from the profile")
		}
		if region != "" && region != got.Region {
			return f.valueError(p.Name, regionEnt, "differs from the sso_region of [sso-session "+sess+"]; remove it from the profile")
		}
		got.AccountID, got.RoleName = account, role
		s = got
	} else {
		s.StartURL, s.Region = startURL, region
		var missing []string
		if startURL == "" {
			missing = append(missing, "sso_start_url")
		}
		if region == "" {
			missing = append(missing, "sso_region")
		}
		if len(missing) > 0 {
			return hint.With(&ValueError{Path: f.Path, Profile: p.Name, Key: missing[0], Line: p.Line,
				Msg: "an IAM Identity Center profile needs sso_session (or " + strings.Join(missing, " and ") + ")"},
				"add sso_session = <name> to "+SectionFor(p.Name)+" and an [sso-session <name>] section with sso_start_url and sso_region")
		}
	}
	p.SSO = s
	return nil
}

// ssoSession reads [sso-session name]; profile and e say who named it,
// for the error (profile "" when the user named it).
func (f *File) ssoSession(name, profile string, e entry) (*SSO, error) {
	j, ok := f.index[sectionKey{kindSSOSession, name}]
	if !ok {
		return nil, f.noSSOSession(name, profile, e)
	}
	ents, err := f.entries(j)
	if err != nil {
		return nil, err
	}
	s := &SSO{Session: name}
	for _, x := range ents {
		switch x.key {
		case "sso_start_url":
			s.StartURL = x.value
		case "sso_region":
			s.Region = x.value
		case "sso_registration_scopes":
			s.Scopes = splitList(x.value)
		}
	}
	var missing []string
	if s.StartURL == "" {
		missing = append(missing, "sso_start_url")
	}
	if s.Region == "" {
		missing = append(missing, "sso_region")
	}
	if len(missing) > 0 {
		line := f.sections[j].line
		return nil, hint.With(&ValueError{Path: f.Path, Profile: profile, Key: missing[0], Line: line,
			Msg: "[sso-session " + name + "] has no " + strings.Join(missing, " and ")},
			"add "+strings.Join(missing, " and ")+" to [sso-session "+name+"] (line "+itoa(line)+" of "+f.Path+")")
	}
	return s, nil
}

// noSSOSession reports an sso-session that is not in the file, with the
// closest names there are.
func (f *File) noSSOSession(name, profile string, e entry) error {
	names := f.SSOSessionNames()
	var close []string
	for _, n := range names {
		if d := spell.Distance(strings.ToLower(n), strings.ToLower(name), 3); d <= 2 {
			close = append(close, n)
		}
	}
	sort.Strings(close)
	var hints []string
	if len(close) > 0 {
		hints = append(hints, "did you mean "+strings.Join(close, " or ")+"?")
	}
	msg := f.Path + " has no [sso-session " + name + "]"
	if profile != "" {
		msg = "profile " + strconv.Quote(profile) + " has sso_session = " + strconv.Quote(name) + " (line " + itoa(e.line) + "), but " + msg
	}
	switch {
	case len(close) > 0:
	case len(names) > 0:
		hints = append(hints, "the sessions there are: "+strings.Join(names, ", "))
	default:
		hints = append(hints, "add an [sso-session "+name+"] section with sso_start_url and sso_region to "+f.Path)
	}
	return hint.With(&refError{msg: msg, err: ErrBadReference}, hints...)
}

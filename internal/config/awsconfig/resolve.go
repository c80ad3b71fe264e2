package awsconfig

import (
	"slices"
	"strconv"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
)

// Resolve returns profile name resolved: its own keys, then the keys pulled
// in through include_profile (own keys win), its source_profile chain
// resolved down to a root profile (one without role_arn), and Region,
// MFASerial, MFAProcess, the MFA prompt's keys (mfa_prompt,
// ykman_oath_account, ykman_device), STSRegionalEndpoints and EndpointURL inherited
// from that chain when the profile does not set them.
//
// Only the sections the resolution touches are parsed. Errors wrap
// ErrProfileNotFound, ErrBadReference, ErrCycle, ErrNoSource or
// ErrInvalidValue, or are a *ParseError (a duplicate key in a section), and
// carry hints (see package hint).
func (f *File) Resolve(name string) (*Profile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lookupProfile(name) < 0 {
		return nil, f.notFound(name)
	}
	return f.resolve(name, nil)
}

// resolve builds profile name, which exists. chain holds the profiles whose
// source_profile led here, for cycle detection.
func (f *File) resolve(name string, chain []string) (*Profile, error) {
	idx := f.lookupProfile(name)
	own, err := f.entries(idx)
	if err != nil {
		return nil, err
	}
	ents, err := f.merged(name, own, nil)
	if err != nil {
		return nil, err
	}
	p := &Profile{Name: name, Line: f.sections[idx].line, Keys: make(map[string]string, len(ents))}
	var endpointURL string
	for _, e := range ents {
		p.Keys[e.key] = e.value
		for _, n := range e.nested {
			p.Keys[e.key+"."+n.key] = n.value
		}
		if e.value == "" {
			continue // an empty value is the same as no value
		}
		switch e.key {
		case "region":
			p.Region = e.value
		case "role_arn":
			p.RoleARN = e.value
		case "source_profile":
			p.SourceProfile = e.value
		case "mfa_serial":
			p.MFASerial = e.value
		case "mfa_process":
			p.MFAProcess = e.value
			p.MFAProcessFrom = origin(name, e)
		case "mfa_prompt":
			if !slices.Contains(MFAPrompts[:], e.value) {
				return nil, f.valueError(name, e, "must be one of "+strings.Join(MFAPrompts[:], ", ")+found(e.value))
			}
			p.MFAPrompt = e.value
			p.MFAPromptFrom = origin(name, e)
		case "ykman_oath_account":
			p.YkmanAccount = e.value
			p.MFAPromptFrom = origin(name, e)
		case "ykman_device":
			if _, ok := parsePositive(e.value); !ok {
				return nil, f.valueError(name, e, "must be the YubiKey's serial number (as ykman list --serials shows it)"+found(e.value))
			}
			p.YkmanDevice = e.value
			p.MFAPromptFrom = origin(name, e)
		case "external_id":
			p.ExternalID = e.value
		case "role_session_name":
			p.RoleSessionName = e.value
		case "source_identity":
			p.SourceIdentity = e.value
		case "duration_seconds":
			n, ok := parsePositive(e.value)
			if !ok {
				return nil, f.valueError(name, e, "must be a positive whole number of seconds"+found(e.value))
			}
			p.DurationSeconds = n
		case "session_tags":
			tags, msg := parseSessionTags(e.value)
			if msg != "" {
				return nil, f.valueError(name, e, msg)
			}
			p.SessionTags = tags
		case "transitive_session_tags":
			p.TransitiveSessionTags = splitList(e.value)
		case "sts_regional_endpoints":
			if e.value != "regional" && e.value != "legacy" {
				return nil, f.valueError(name, e, `must be "regional" or "legacy"`+found(e.value))
			}
			p.STSRegionalEndpoints = e.value
		case "endpoint_url":
			endpointURL = e.value
		case "services":
			p.Services = e.value
		case "include_profile":
			p.IncludeProfile = e.value
		case "credential_source":
			p.CredentialSource = e.value
		case "web_identity_token_file":
			p.WebIdentityTokenFile = e.value
		case "web_identity_token_process":
			p.WebIdentityTokenProcess = e.value
		case "web_identity_audience":
			p.WebIdentityAudience = e.value
		case "principal_arn":
			p.PrincipalARN = e.value
		case "saml_process":
			p.SAMLProcess = e.value
		case "saml_assertion_file":
			p.SAMLAssertionFile = e.value
		case "login_session":
			p.LoginSession = e.value
		}
	}
	if e, ok := find(own, "credential_process"); ok {
		p.CredentialProcess = e.value
	}
	if p.Services != "" {
		u, err := f.servicesEndpoint(p, "sts")
		if err != nil {
			return nil, err
		}
		p.EndpointURL = u
		if p.SigninEndpointURL, err = f.servicesEndpoint(p, "signin"); err != nil {
			return nil, err
		}
	}
	if p.EndpointURL == "" {
		p.EndpointURL = endpointURL
	}
	if p.SigninEndpointURL == "" {
		p.SigninEndpointURL = endpointURL
	}
	if err := f.ssoOf(p, ents); err != nil {
		return nil, err
	}

	if p.RoleARN != "" || p.IsSAML() {
		switch p.SourceProfile {
		case "":
			if !p.FromIdentityProvider() {
				if !f.Ambient.GitHubOIDC || p.CredentialSource != "" || p.CredentialProcess != "" {
					return nil, f.noSource(p, ents)
				}
				// role_arn alone in a job that may ask the runner for
				// an OIDC token: the session starts from that token.
				p.WebIdentityFromRunner = true
			}
			// A root role: its session starts from the provider's token.
		case name:
			// botocore allows a role profile to name itself as its source
			// (its own credentials assume its own role).
			p.Source = p.rootCopy()
		default:
			chain = append(chain, name)
			for i, n := range chain {
				if n == p.SourceProfile {
					return nil, f.cycle("source_profile", chain[i:], n)
				}
			}
			if f.lookupProfile(p.SourceProfile) < 0 {
				e, _ := find(ents, "source_profile")
				return nil, f.badReference(name, e, p.SourceProfile)
			}
			src, err := f.resolve(p.SourceProfile, chain)
			if err != nil {
				return nil, err
			}
			p.Source = src
		}
	}

	if s := p.Source; s != nil {
		if p.Region == "" {
			p.Region = s.Region
		}
		if p.MFASerial == "" {
			p.MFASerial = s.MFASerial
		}
		if p.MFAProcess == "" {
			p.MFAProcess, p.MFAProcessFrom = s.MFAProcess, s.MFAProcessFrom
		}
		if p.MFAPromptFrom == "" {
			p.MFAPromptFrom = s.MFAPromptFrom
		}
		if p.MFAPrompt == "" {
			p.MFAPrompt = s.MFAPrompt
		}
		if p.YkmanAccount == "" {
			p.YkmanAccount = s.YkmanAccount
		}
		if p.YkmanDevice == "" {
			p.YkmanDevice = s.YkmanDevice
		}
		if p.STSRegionalEndpoints == "" {
			p.STSRegionalEndpoints = s.STSRegionalEndpoints
		}
		if p.EndpointURL == "" {
			p.EndpointURL = s.EndpointURL
		}
	}
	return p, nil
}

// merged returns own followed by the keys include_profile pulls in
// (recursively) that own does not set. incs holds the profiles whose
// include_profile led here.
func (f *File) merged(name string, own []entry, incs []string) ([]entry, error) {
	inc, ok := find(own, "include_profile")
	if !ok || inc.value == "" {
		return own, nil
	}
	incs = append(incs, name)
	for i, n := range incs {
		if n == inc.value {
			return nil, f.cycle("include_profile", incs[i:], n)
		}
	}
	j := f.lookupProfile(inc.value)
	if j < 0 {
		return nil, f.badReference(name, inc, inc.value)
	}
	theirs, err := f.entries(j)
	if err != nil {
		return nil, err
	}
	theirs, err = f.merged(inc.value, theirs, incs)
	if err != nil {
		return nil, err
	}
	out := make([]entry, len(own), len(own)+len(theirs))
	copy(out, own)
next:
	for _, e := range theirs {
		if e.from == "" {
			e.from = inc.value
		}
		for k := range out {
			if out[k].key == e.key {
				if out[k].value == "" && len(out[k].nested) == 0 {
					out[k] = e // an empty own value does not hide the included one
				}
				continue next
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// servicesEndpoint returns the endpoint_url nested under service (sts,
// signin) in the [services NAME] section p names, or "".
func (f *File) servicesEndpoint(p *Profile, service string) (string, error) {
	j, ok := f.index[sectionKey{kindServices, p.Services}]
	if !ok {
		return "", hint.With(&refError{
			msg: "profile " + strconv.Quote(p.Name) + " has services = " + strconv.Quote(p.Services) +
				", but " + f.Path + " has no [services " + p.Services + "]",
			err: ErrBadReference,
		}, "add a [services "+p.Services+"] section to "+f.Path+", or remove the services key from "+SectionFor(p.Name))
	}
	ents, err := f.entries(j)
	if err != nil {
		return "", err
	}
	if svc, ok := find(ents, service); ok {
		if u, ok := find(svc.nested, "endpoint_url"); ok {
			return u.value, nil
		}
	}
	return "", nil
}

// parsePositive parses a positive decimal integer of at most 9 digits.
func parsePositive(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n > 0
}

// isListSep reports the separators of session_tags and
// transitive_session_tags: commas, and the line breaks of a value continued
// on indented lines.
func isListSep(r rune) bool { return r == ',' || r == '\n' }

// parseSessionTags parses "k1=v1,k2=v2" (aws-vault's format). The message,
// when not "", says what is wrong without echoing tag values.
func parseSessionTags(s string) (map[string]string, string) {
	tags := map[string]string{}
	for i, part := range strings.FieldsFunc(s, isListSep) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, "entry " + itoa(i+1) + ` is not "key=value" (the format is key1=value1,key2=value2)`
		}
		k = strings.TrimSpace(k)
		if k == "" {
			return nil, "entry " + itoa(i+1) + " has an empty tag key"
		}
		for seen := range tags {
			if strings.EqualFold(seen, k) {
				return nil, "entry " + itoa(i+1) + " repeats a tag key (tag keys are case-insensitive)"
			}
		}
		tags[k] = strings.TrimSpace(v)
	}
	if len(tags) == 0 {
		return nil, ""
	}
	return tags, ""
}

// splitList parses "k1,k2" into its non-empty trimmed items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.FieldsFunc(s, isListSep) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// origin is the profile whose section holds e: name's own, or the one
// include_profile pulled it in from.
func origin(name string, e entry) string {
	if e.from != "" {
		return e.from
	}
	return name
}

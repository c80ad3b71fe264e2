package awsconfig

// Profile is a resolved profile: its own keys, the keys pulled in through
// include_profile, and the settings inherited from its source chain.
type Profile struct {
	// Name is the profile's name ("default" for [default]).
	Name string
	// Line is the line of its section header.
	Line int

	// Region is the profile's own region, else one inherited through
	// include_profile, else the source profile's.
	Region string

	// RoleARN is the role to assume; "" for a root profile.
	RoleARN string
	// SourceProfile is the value of source_profile, as written.
	SourceProfile string

	// MFASerial is the profile's own mfa_serial, else one inherited through
	// include_profile, else the first one found walking the source chain
	// toward the root.
	MFASerial string
	// MFAProcess is inherited like MFASerial; MFAProcessFrom is the
	// profile whose section holds it, for messages (the line itself is
	// never shown: it may hold a secret).
	MFAProcess, MFAProcessFrom string
	// MFAPrompt is mfa_prompt: where this profile's MFA codes come from
	// when --prompt is auto (one of MFAPrompts); YkmanAccount and
	// YkmanDevice are ykman_oath_account and ykman_device: the YubiKey
	// OATH account that makes the codes, and the serial of the key that
	// holds it. Each is inherited like MFASerial; MFAPromptFrom is the
	// profile whose section holds the nearest of them, for hints.
	MFAPrompt, YkmanAccount, YkmanDevice, MFAPromptFrom string

	// ExternalID, RoleSessionName and SourceIdentity are AssumeRole
	// parameters (own or included).
	ExternalID, RoleSessionName, SourceIdentity string

	// DurationSeconds is 0 when unset, else a positive number of seconds.
	DurationSeconds int

	// SessionTags is parsed from session_tags = k1=v1,k2=v2; nil when unset.
	SessionTags map[string]string
	// TransitiveSessionTags is parsed from transitive_session_tags = k1,k2.
	TransitiveSessionTags []string

	// STSRegionalEndpoints is "", "regional" or "legacy"; inherited like
	// Region.
	STSRegionalEndpoints string

	// EndpointURL is the STS endpoint: the endpoint_url nested under sts in
	// the [services NAME] section the profile names, else the profile's
	// endpoint_url; inherited like Region.
	EndpointURL string
	// SigninEndpointURL is the AWS Sign-In endpoint of a login_session
	// profile: the endpoint_url nested under signin in its [services
	// NAME] section, else its endpoint_url.
	SigninEndpointURL string

	// LoginSession is login_session: the identity (an ARN) an `aws login`
	// or `stscred login` session of this profile signs in as.
	LoginSession string

	// CredentialProcess is the profile's own credential_process (never
	// inherited).
	CredentialProcess string

	// A role without source_profile whose session starts from a token of
	// an identity provider: web identity (OIDC) or SAML. The token and the
	// assertion never come from the config itself.
	WebIdentityTokenFile    string // web_identity_token_file, re-read on every fetch
	WebIdentityTokenProcess string // web_identity_token_process: prints the JWT (stscred's key)
	WebIdentityAudience     string // web_identity_audience: for a token stscred asks for (GitHub Actions)
	PrincipalARN            string // principal_arn: the SAML provider
	SAMLProcess             string // saml_process: prints the base64 SAMLResponse
	SAMLAssertionFile       string // saml_assertion_file: holds it
	// WebIdentityFromRunner is set for a role_arn without a source or a
	// token key resolved where the environment offers a web identity token
	// (File.Ambient: a GitHub Actions job with id-token: write).
	WebIdentityFromRunner bool

	// Diagnostics: recorded, never acted upon.
	CredentialSource string // credential_source
	IncludeProfile   string // include_profile
	Services         string // services

	// Keys holds every raw key of the section after the include_profile
	// merge, lowercased; a nested "parent =" sub-section appears as
	// "parent" (empty) plus "parent.child" keys. Values are as written and
	// may be secrets if the user put keys in the config file: never print
	// them.
	Keys map[string]string

	// SSO is the IAM Identity Center sign-in and role of a profile with
	// sso_* keys; nil for any other.
	SSO *SSO

	// Source is the resolved source profile; nil for a root profile. For a
	// role profile whose source_profile names itself, Source is a copy of
	// the same profile without its role fields.
	Source *Profile
}

// MFAPrompts are the values mfa_prompt takes: the kinds of --prompt.
var MFAPrompts = [...]string{"auto", "tty", "desktop", "process", "ykman", "none"}

// IsRole reports whether the profile assumes a role.
func (p *Profile) IsRole() bool { return p.RoleARN != "" }

// IsWebIdentity reports whether the profile's role is assumed with a web
// identity token (AssumeRoleWithWebIdentity) rather than from a source:
// it names a token file or process, or an audience to ask for a token
// (GitHub Actions), or it is a bare role_arn where the environment offers
// a token (WebIdentityFromRunner).
func (p *Profile) IsWebIdentity() bool {
	return p.SourceProfile == "" && (p.WebIdentityTokenFile != "" || p.WebIdentityTokenProcess != "" || p.WebIdentityAudience != "" || p.WebIdentityFromRunner)
}

// IsSAML reports whether the profile's role is assumed with a SAML
// assertion (AssumeRoleWithSAML).
func (p *Profile) IsSAML() bool {
	return p.SourceProfile == "" && !p.IsWebIdentity() && (p.SAMLProcess != "" || p.SAMLAssertionFile != "")
}

// IsLogin reports a root profile whose credentials come from an AWS
// Sign-In session for local development (login_session): not a role, no
// credential_process, no Identity Center sign-in.
func (p *Profile) IsLogin() bool {
	return p.LoginSession != "" && !p.IsRole() && !p.FromIdentityProvider() && p.SSO == nil && p.CredentialProcess == ""
}

// FromIdentityProvider reports whether the profile's session starts from
// an identity provider's token instead of a source profile.
func (p *Profile) FromIdentityProvider() bool { return p.IsWebIdentity() || p.IsSAML() }

// Root follows Source to the end of the chain.
func (p *Profile) Root() *Profile {
	for p.Source != nil {
		p = p.Source
	}
	return p
}

// Chain returns p, p.Source, ..., the root.
func (p *Profile) Chain() []*Profile {
	var out []*Profile
	for q := p; q != nil; q = q.Source {
		out = append(out, q)
	}
	return out
}

// HasRoleAndProcess reports the mistake of putting role_arn and
// credential_process in one profile: the AWS CLI and SDKs then assume the
// role themselves and never run credential_process.
func (p *Profile) HasRoleAndProcess() bool {
	return p.RoleARN != "" && p.CredentialProcess != ""
}

// rootCopy returns p as the root of its own chain: the same profile
// without the role fields.
func (p *Profile) rootCopy() *Profile {
	c := *p
	c.RoleARN, c.SourceProfile = "", ""
	c.ExternalID, c.RoleSessionName, c.SourceIdentity = "", "", ""
	c.DurationSeconds = 0
	c.SessionTags, c.TransitiveSessionTags = nil, nil
	c.Source = nil
	c.Keys = make(map[string]string, len(p.Keys))
	for k, v := range p.Keys {
		c.Keys[k] = v
	}
	// Keys that only make sense for assuming a role.
	for _, k := range [...]string{
		"role_arn", "source_profile", "external_id", "role_session_name",
		"duration_seconds", "session_tags", "transitive_session_tags", "source_identity",
	} {
		delete(c.Keys, k)
	}
	return &c
}

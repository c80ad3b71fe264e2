// Package profile is stscred's one model of a profile: what kind a profile
// of the AWS config is to stscred (it holds a key, it is a role, the AWS
// tools run stscred for it, it runs a program of its own, ...), how a
// `stscred ...` command line in a credential_process parses, and what a
// call of stscred — from the command line or from such a line — asks for.
// The runtime, doctor, import, list, export and completion all ask it, so
// they cannot disagree.
package profile

// Kind is what a profile is to stscred.
type Kind int

const (
	// Invalid: the profile does not resolve (its error says why).
	Invalid Kind = iota
	// KeyHolder is an IAM user's profile whose long-term key stscred keeps:
	// no credential_process, or one that runs `stscred session` for this
	// very profile (what stscred import writes, so the AWS tools keep
	// working).
	KeyHolder
	// Role is a profile stscred assumes: role_arn with a source_profile.
	Role
	// Tool is a profile the AWS tools use, whose credential_process runs
	// stscred for another profile (`stscred role prod-admin`).
	Tool
	// Foreign is a profile whose credential_process runs another program.
	Foreign
	// WebIdentity is a role assumed with an OIDC token
	// (web_identity_token_file or web_identity_token_process).
	WebIdentity
	// SAML is a role assumed with a SAML assertion (saml_process,
	// saml_assertion_file or principal_arn).
	SAML
	// SSO is an IAM Identity Center profile (sso_session, or the legacy
	// sso_start_url with sso_account_id and sso_role_name).
	SSO
	// Unsupported is a profile whose credentials come from somewhere
	// stscred does not go (credential_source: EC2, ECS, environment).
	Unsupported
	// Login is a profile signed in with AWS Sign-In for local development
	// (login_session, written by `stscred login` or `aws login`): its
	// credentials are renewed with the session's refresh token.
	Login
)

var kindNames = map[Kind]string{
	Invalid: "invalid", KeyHolder: "user", Role: "role", Tool: "tool", Foreign: "process",
	WebIdentity: "web-identity", SAML: "saml", SSO: "sso", Unsupported: "unsupported", Login: "login",
}

// String is the kind as `stscred list` shows it.
func (k Kind) String() string { return kindNames[k] }

// Assumable reports the kinds `stscred role` takes: the role kinds.
func (k Kind) Assumable() bool { return k == Role || k == WebIdentity || k == SAML || k == SSO }

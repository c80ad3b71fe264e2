package ststest

import (
	"fmt"
	"slices"
)

// WebIdentityTrust is a statement of a role's trust policy that lets the
// users of an OpenID Connect provider assume the role with
// AssumeRoleWithWebIdentity:
//
//	{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
//	 "Principal": {"Federated": "arn:aws:iam::ACCOUNT:oidc-provider/ISSUER"},
//	 "Condition": {"StringLike": {"ISSUER:sub": Subjects}, "StringEquals": {"ISSUER:aud": Audiences}}}
type WebIdentityTrust struct {
	// Provider names the IAM OIDC provider: its issuer URL as given to
	// AddOIDCProvider, or its ARN. Required.
	Provider string
	// Subjects, when set, are the values the token's sub may take, as
	// StringLike patterns: * matches any run of characters and ? any one
	// (a value without them must match exactly), e.g.
	// "repo:octo-org/octo-repo:*". Empty allows any subject.
	Subjects []string
	// Audiences, when set, are the values the token's audience may take
	// (StringEquals). Empty allows any client id of the provider.
	Audiences []string
}

// SAMLTrust is a statement of a role's trust policy that lets the users of
// a SAML provider assume the role with AssumeRoleWithSAML.
type SAMLTrust struct {
	// Provider is the IAM SAML provider's ARN,
	// arn:aws:iam::ACCOUNT:saml-provider/NAME. Required.
	Provider string
	// Subjects, when set, are StringLike patterns the assertion's NameID
	// must match (the SAML:sub condition). Empty allows any subject.
	Subjects []string
}

// TrustWebIdentity adds a web-identity statement to the trust policy of
// the role roleARN.
func (s *Server) TrustWebIdentity(roleARN string, t WebIdentityTrust) error {
	if t.Provider == "" {
		return fmt.Errorf("ststest: trust web identity for %s: no provider", roleARN)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	role, ok := s.roles[roleARN]
	if !ok {
		return fmt.Errorf("ststest: trust web identity: no role %s", roleARN)
	}
	role.WebIdentity = append(role.WebIdentity, cloneWebIdentityTrust(t))
	return nil
}

// TrustSAML adds a SAML statement to the trust policy of the role roleARN.
func (s *Server) TrustSAML(roleARN string, t SAMLTrust) error {
	if t.Provider == "" {
		return fmt.Errorf("ststest: trust SAML for %s: no provider", roleARN)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	role, ok := s.roles[roleARN]
	if !ok {
		return fmt.Errorf("ststest: trust SAML: no role %s", roleARN)
	}
	role.SAML = append(role.SAML, SAMLTrust{Provider: t.Provider, Subjects: slices.Clone(t.Subjects)})
	return nil
}

func cloneWebIdentityTrust(t WebIdentityTrust) WebIdentityTrust {
	t.Subjects = slices.Clone(t.Subjects)
	t.Audiences = slices.Clone(t.Audiences)
	return t
}

// trustsWebIdentity reports whether a statement of the role lets the
// verified token in.
func (r *roleRecord) trustsWebIdentity(id *webIdentity) bool {
	for _, t := range r.WebIdentity {
		if !id.provider.named(t.Provider) {
			continue
		}
		if len(t.Subjects) > 0 && !anyLike(t.Subjects, id.subject) {
			continue
		}
		if len(t.Audiences) > 0 && !slices.Contains(t.Audiences, id.audience) {
			continue
		}
		return true
	}
	return false
}

// trustsSAML reports whether a statement of the role lets the verified
// assertion of provider in.
func (r *roleRecord) trustsSAML(providerARN, subject string) bool {
	for _, t := range r.SAML {
		if t.Provider == providerARN && (len(t.Subjects) == 0 || anyLike(t.Subjects, subject)) {
			return true
		}
	}
	return false
}

func anyLike(patterns []string, s string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return like(p, s) })
}

// like matches s against an IAM StringLike pattern: * matches any run of
// characters (none included), ? exactly one, everything else itself.
func like(pattern, s string) bool {
	p, v := []rune(pattern), []rune(s)
	pi, vi := 0, 0
	star, mark := -1, 0 // last * seen in p, and where in v it started matching
	for vi < len(v) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == v[vi]) && p[pi] != '*':
			pi++
			vi++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, vi
			pi++
		case star >= 0:
			// Let the last * swallow one more character.
			pi = star + 1
			mark++
			vi = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// identityProviders are the server's IAM OIDC and SAML providers, by ARN.
// They are kept under Server.mu.
type identityProviders struct {
	oidc map[string]*oidcProviderRecord
	saml map[string]*samlProviderRecord
}

func newIdentityProviders() identityProviders {
	return identityProviders{oidc: map[string]*oidcProviderRecord{}, saml: map[string]*samlProviderRecord{}}
}

package resolve

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/session/cache"
)

// providerID names where a root role's token comes from, for its cache
// key, and — for a token or assertion file — whom the token in it is for:
// the cached credentials are tied to that identity (a web identity
// token's issuer, subject and audiences; an assertion's issuer, subject
// and the role it is used for), never to the token itself, so a rotated
// token of the same holder still hits, while a token for another subject
// misses and fetches, and a file that is gone or holds no token fails as
// the fetch would. The file is read (and the token decoded, not
// verified) once per call, hits included; what was read is kept in c for
// the fetch, so the credentials are got with the very token whose
// identity keys them. A token command (or GitHub Actions' endpoint) is
// not run for the key: that would cost a hit a command or a network
// call, so its entries are keyed by the source alone.
func (r *Resolver) providerID(ctx context.Context, p *awsconfig.Profile, c *call) (string, error) {
	if p.IsSAML() {
		src, err := r.Tokens().SAML(p)
		if err != nil {
			return "", err
		}
		id := "saml:" + src.ID()
		if src.Kind != "file" {
			return id, nil
		}
		got := c.providedFor(p)
		if got == nil {
			read, err := readAssertion(ctx, p, src)
			if err != nil {
				return "", err
			}
			got = &read
			c.provided = got
		}
		return id + "\x00" + got.assertion.Identity(got.pair), nil
	}
	src, err := r.Tokens().WebIdentity(p)
	if err != nil {
		return "", err
	}
	id := "web-identity:" + src.ID()
	if src.Kind != "file" {
		return id, nil
	}
	got := c.providedFor(p)
	if got == nil {
		tok, err := src.Token(ctx)
		if err != nil {
			return "", err
		}
		got = &provided{profile: p, token: tok}
		c.provided = got
	}
	claims, err := idtoken.Decode(got.token)
	if err != nil {
		return "", err // Token checked that it decodes
	}
	return id + "\x00" + claims.Identity(), nil
}

// provided is a token or assertion read for a cache key, kept for the
// fetch of the same call.
type provided struct {
	profile   *awsconfig.Profile
	token     string // a web identity token
	raw       string // a SAML assertion, as read
	assertion idtoken.Assertion
	pair      idtoken.RolePair
}

// providedFor is what c read for p's key, if anything.
func (c *call) providedFor(p *awsconfig.Profile) *provided {
	if c.provided != nil && c.provided.profile == p {
		return c.provided
	}
	return nil
}

// readAssertion gets p's assertion now and picks the role it is used for.
func readAssertion(ctx context.Context, p *awsconfig.Profile, src idtoken.SAMLSource) (provided, error) {
	raw, a, err := src.Assertion(ctx)
	if err != nil {
		return provided{}, err
	}
	pair, err := samlPair(p, a)
	if err != nil {
		return provided{}, err
	}
	return provided{profile: p, raw: raw, assertion: a, pair: pair}, nil
}

// fetchWebIdentity assumes a web identity profile's role with a token
// read now (AssumeRoleWithWebIdentity, unsigned: no stored key).
func (r *Resolver) fetchWebIdentity(ctx context.Context, p *awsconfig.Profile, c *call) (cache.Entry, error) {
	src, err := r.Tokens().WebIdentity(p)
	if err != nil {
		return cache.Entry{}, err
	}
	var tok string
	if got := c.providedFor(p); got != nil {
		tok = got.token
	} else {
		c.doing("reading the web identity token (" + src.What() + ")")
		if tok, err = src.Token(ctx); err != nil {
			return cache.Entry{}, err
		}
	}
	role := r.roleInput(p)
	api, ep := r.sts(p, c)
	c.doing("calling STS at " + ep.String() + " (AssumeRoleWithWebIdentity " + p.RoleARN + ")")
	cr, err := api.AssumeRoleWithWebIdentity(ctx, awsapi.WebIdentityInput{RoleARN: p.RoleARN, SessionName: role.SessionName, Token: tok, Duration: role.Duration})
	if err != nil {
		return cache.Entry{}, explainWebIdentity(err, p, src, tok)
	}
	e := r.entry(cache.KindRole, p, false, cr)
	e.Creds.AccountID = accountOfARN(p.RoleARN)
	return e, nil
}

// explainWebIdentity explains STS's refusal of a web identity token in
// terms of its claims (not secret), never showing the token.
func explainWebIdentity(err error, p *awsconfig.Profile, src idtoken.Source, tok string) error {
	if h := awsapi.Explain(err); h != nil {
		return h
	}
	var ae *awsapi.APIError
	if !errors.As(err, &ae) {
		return err
	}
	msg := strings.ReplaceAll(ae.Message, tok, "<token>")
	cl, _ := idtoken.Decode(tok)
	// The claims are the identity provider's words: one line each.
	cl.Issuer, cl.Subject = textsafe.Escape(cl.Issuer), textsafe.Escape(cl.Subject)
	for i, a := range cl.Audience {
		cl.Audience[i] = textsafe.Escape(a)
	}
	claims := fmt.Sprintf("iss %s, sub %s, aud %s", orNone(cl.Issuer), orNone(cl.Subject), orNone(strings.Join(cl.Audience, ",")))
	what := fmt.Sprintf("STS refused the web identity token for profile %s (%s; %s): %s: %s", p.Name, src.What(), claims, ae.Code, msg)
	switch ae.Code {
	case "InvalidIdentityToken":
		return hint.With(errors.New(what),
			"the role's account needs an IAM OIDC provider whose URL is the token's issuer ("+orNone(cl.Issuer)+") and whose client IDs include its audience; check the provider's URL and thumbprint")
	case "ExpiredTokenException", "ExpiredToken":
		return hint.With(errors.New(what),
			"the token has expired: the CI system must write a fresh one ("+src.What()+" is read again on every fetch)")
	case "IDPRejectedClaim":
		return hint.With(errors.New(what), "the identity provider rejected a claim of the token: check the provider's configuration for this issuer")
	case "IDPCommunicationError":
		return hint.With(errors.New(what+" (after retries)"), "STS could not reach the issuer's discovery document or keys: they must be reachable from AWS; try again later")
	case "AccessDenied":
		return hint.With(errors.New(what),
			"the trust policy of "+p.RoleARN+" does not allow this token: check its Principal (the OIDC provider) and its Condition on the issuer's :sub ("+orNone(cl.Subject)+") and :aud ("+orNone(strings.Join(cl.Audience, ","))+")")
	case "ValidationError":
		return hint.With(errors.New(what), "check duration_seconds and role_session_name in [profile "+p.Name+"]")
	}
	return hint.With(errors.New(what), "check profile "+p.Name+" in your AWS config")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// fetchSAML assumes a SAML profile's role with an assertion got now
// (AssumeRoleWithSAML, unsigned). The role and provider are the
// profile's, else the assertion's one Role pair; the duration is
// duration_seconds, else the assertion's SessionDuration.
func (r *Resolver) fetchSAML(ctx context.Context, p *awsconfig.Profile, c *call) (cache.Entry, error) {
	src, err := r.Tokens().SAML(p)
	if err != nil {
		return cache.Entry{}, err
	}
	got := c.providedFor(p)
	if got == nil {
		c.doing("getting the SAML assertion (" + src.What() + ")")
		read, err := readAssertion(ctx, p, src)
		if err != nil {
			return cache.Entry{}, err
		}
		got = &read
	}
	raw, a, pair := got.raw, got.assertion, got.pair
	d := time.Duration(p.DurationSeconds) * time.Second
	if d == 0 {
		d = a.SessionDuration
	}
	api, ep := r.sts(p, c)
	c.doing("calling STS at " + ep.String() + " (AssumeRoleWithSAML " + pair.Role + ")")
	cr, err := api.AssumeRoleWithSAML(ctx, awsapi.SAMLInput{RoleARN: pair.Role, PrincipalARN: pair.Provider, Assertion: raw, Duration: d})
	if err != nil {
		return cache.Entry{}, explainSAML(err, p, src, pair, raw)
	}
	e := r.entry(cache.KindRole, p, false, cr)
	e.Creds.AccountID = accountOfARN(pair.Role)
	return e, nil
}

// samlPair picks the role to assume from what the profile names and what
// the assertion offers.
func samlPair(p *awsconfig.Profile, a idtoken.Assertion) (idtoken.RolePair, error) {
	if p.RoleARN != "" && p.PrincipalARN != "" {
		return idtoken.RolePair{Role: p.RoleARN, Provider: p.PrincipalARN}, nil
	}
	var fits []idtoken.RolePair
	for _, pair := range a.Roles {
		if (p.RoleARN == "" || pair.Role == p.RoleARN) && (p.PrincipalARN == "" || pair.Provider == p.PrincipalARN) {
			fits = append(fits, pair)
		}
	}
	if len(fits) == 1 {
		return fits[0], nil
	}
	var offered []string
	for _, pair := range a.Roles {
		offered = append(offered, textsafe.Escape(pair.Role)+" (provider "+textsafe.Escape(pair.Provider)+")")
	}
	list := "none"
	if len(offered) > 0 {
		list = strings.Join(offered, "; ")
	}
	if len(fits) == 0 {
		return idtoken.RolePair{}, hint.With(fmt.Errorf("the SAML assertion for profile %s offers no role that fits it; it offers: %s", p.Name, list),
			"set role_arn and principal_arn in [profile "+p.Name+"] to one of those, or ask the identity provider's admin to grant the role")
	}
	return idtoken.RolePair{}, hint.With(fmt.Errorf("the SAML assertion for profile %s offers %d roles: %s", p.Name, len(fits), list),
		"say which: set role_arn (and principal_arn) in [profile "+p.Name+"]")
}

// explainSAML explains STS's refusal of an assertion, never showing it.
func explainSAML(err error, p *awsconfig.Profile, src idtoken.SAMLSource, pair idtoken.RolePair, raw string) error {
	if h := awsapi.Explain(err); h != nil {
		return h
	}
	// The role pair may be the assertion's words: one line each.
	pair.Role, pair.Provider = textsafe.Escape(pair.Role), textsafe.Escape(pair.Provider)
	var ae *awsapi.APIError
	if !errors.As(err, &ae) {
		return err
	}
	what := fmt.Sprintf("STS refused the SAML assertion for profile %s (%s; role %s, provider %s): %s: %s",
		p.Name, src.What(), pair.Role, pair.Provider, ae.Code, strings.ReplaceAll(ae.Message, raw, "<assertion>"))
	switch ae.Code {
	case "InvalidIdentityToken":
		return hint.With(errors.New(what), "the SAML provider "+pair.Provider+" must hold the metadata (certificate) of the identity provider that signed the assertion")
	case "ExpiredTokenException", "ExpiredToken":
		return hint.With(errors.New(what), "the assertion has expired (NotOnOrAfter): get a fresh one from the identity provider")
	case "AccessDenied":
		return hint.With(errors.New(what), "the trust policy of "+pair.Role+" must allow sts:AssumeRoleWithSAML for "+pair.Provider+" (with SAML:aud = https://signin.aws.amazon.com/saml)")
	case "ValidationError":
		return hint.With(errors.New(what), "check duration_seconds in [profile "+p.Name+"]: it must be within the role's maximum session")
	}
	return hint.With(errors.New(what), "check profile "+p.Name+" in your AWS config")
}

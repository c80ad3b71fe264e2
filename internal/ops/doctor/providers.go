package doctor

import (
	"fmt"
	"strings"

	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/sys/proc"
)

// checkWebIdentity checks a web identity profile's token: readable, a
// JWT, not expired, for the audience the IAM OIDC provider expects. The
// token is decoded, never shown; a token command is not run.
func (d *doctor) checkWebIdentity(p *profile.Profile) {
	src, err := d.s.Tokens.WebIdentity(p.Profile)
	if err != nil {
		d.add(IDWebIdentity, p.Name, Fail, err.Error(), hint.Of(err)...)
		return
	}
	if src.Kind == "process" {
		d.checkProgram(IDWebIdentity, p.Name, src.Line, "it must print the identity provider's token (a JWT) on stdout")
		return
	}
	tok, err := src.Token(d.ctx)
	if err != nil {
		d.add(IDWebIdentity, p.Name, Fail, "profile "+p.Name+": "+err.Error(), hint.Of(err)...)
		return
	}
	c, _ := idtoken.Decode(tok)
	now := d.s.Now()
	about := fmt.Sprintf("iss %s, sub %s, aud %s", c.Issuer, c.Subject, strings.Join(c.Audience, ","))
	want := p.WebIdentityAudience
	if want == "" {
		want = idtoken.DefaultAudience
	}
	switch {
	case !c.Expires.IsZero() && !now.Before(c.Expires):
		d.add(IDWebIdentity, p.Name, Fail, fmt.Sprintf("profile %s: the token in %s expired %s ago (%s)", p.Name, src.What(), human.Age(c.Expires, now), about),
			"the CI system must write a fresh token there before stscred runs (it reads it again on every fetch)")
	case !c.HasAudience(want):
		d.add(IDWebIdentity, p.Name, Warn, fmt.Sprintf("profile %s: the token in %s is for audience %s, not %s (%s)", p.Name, src.What(), strings.Join(c.Audience, ","), want, about),
			"the IAM OIDC provider's client IDs must include the token's audience; set web_identity_audience in [profile "+p.Name+"] if yours is another")
	default:
		left := ""
		if !c.Expires.IsZero() {
			left = ", " + human.Left(c.Expires, now)
		}
		d.add(IDWebIdentity, p.Name, Pass, fmt.Sprintf("profile %s: web identity token from %s (%s%s)", p.Name, src.What(), about, left))
	}
}

// checkSAML checks a SAML profile's assertion source; a file's assertion
// is read (its roles and expiry), a command is not run.
func (d *doctor) checkSAML(p *profile.Profile) {
	src, err := d.s.Tokens.SAML(p.Profile)
	if err != nil {
		d.add(IDSAML, p.Name, Fail, err.Error(), hint.Of(err)...)
		return
	}
	if src.Kind == "process" {
		d.checkProgram(IDSAML, p.Name, src.Line, "it must print the base64 SAMLResponse on stdout")
		return
	}
	_, a, err := src.Assertion(d.ctx)
	if err != nil {
		d.add(IDSAML, p.Name, Fail, "profile "+p.Name+": "+err.Error(), hint.Of(err)...)
		return
	}
	now := d.s.Now()
	var roles []string
	for _, r := range a.Roles {
		roles = append(roles, r.Role)
	}
	switch {
	case !a.NotOnOrAfter.IsZero() && !now.Before(a.NotOnOrAfter):
		d.add(IDSAML, p.Name, Warn, fmt.Sprintf("profile %s: the assertion in %s expired %s ago: the next fetch needs a fresh one", p.Name, src.What(), human.Age(a.NotOnOrAfter, now)),
			"get a new assertion from the identity provider (cached sessions still serve until they expire)")
	case len(roles) == 0:
		d.add(IDSAML, p.Name, Fail, fmt.Sprintf("profile %s: the assertion in %s offers no role (no %s attribute)", p.Name, src.What(), idtoken.RoleAttribute),
			"the identity provider must send the Role attribute with role and provider ARNs")
	default:
		d.add(IDSAML, p.Name, Pass, fmt.Sprintf("profile %s: SAML assertion in %s offers %s", p.Name, src.What(), strings.Join(roles, ", ")))
	}
}

// checkProgram checks that a command line's program can be found, without
// running it (it may open a browser or cost a login).
func (d *doctor) checkProgram(id, name string, l proc.Line, what string) {
	prog := proc.Executable(l.Text)
	if prog == "" {
		d.add(id, name, Warn, "profile "+name+": cannot tell which program "+l.Key+" runs; not checked", "run it yourself: "+what)
		return
	}
	if quotedWhole(prog) {
		d.add(id, name, Fail, "profile "+name+": "+l.Key+" is quoted as a whole (program "+l.Program()+"): the shell would look for a program named by the whole line",
			"remove the quotes around the whole "+l.Key+" line in [profile "+name+"]; quote only an argument that needs it")
		return
	}
	if _, err := d.findProgram(prog); err != nil {
		d.add(id, name, Fail, "profile "+name+": "+l.Key+" program "+prog+" "+err.Error(), "install it, or fix "+l.Key+" in [profile "+name+"]")
		return
	}
	d.add(id, name, Pass, "profile "+name+": "+l.Key+" program "+prog+" found (not run)")
}

package ststest_test

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stscred/stscred/internal/testkit/samltest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

const (
	samlRoleARN     = "arn:aws:iam::222222222222:role/SAMLAdmin"
	samlProviderARN = "arn:aws:iam::222222222222:saml-provider/Corp"
	samlEntityID    = "https://idp.corp.example/saml"
	samlSubject     = "alice@corp.example"
	msgNotAuthSAML  = "Not authorized to perform sts:AssumeRoleWithSAML"
)

// samlWorld is a world with a SAML IdP registered as the IAM SAML provider
// Corp of the role account, and the role SAMLAdmin (4h) trusting it.
type samlWorld struct {
	*world
	idp  *samltest.IdP
	role ststest.Role
}

func newSAMLWorld(t *testing.T) *samlWorld {
	t.Helper()
	w := &samlWorld{world: newWorld(t)}
	w.idp = samltest.New(samltest.Options{EntityID: samlEntityID, Now: w.clock.Now})
	w.srv.AddSAMLProvider(ststest.SAMLProvider{ARN: samlProviderARN, Issuer: samlEntityID, Certificates: []*x509.Certificate{w.idp.Certificate()}})
	w.role = w.srv.AddRole(ststest.Role{ARN: samlRoleARN, MaxSessionDuration: 4 * time.Hour, SAML: []ststest.SAMLTrust{{Provider: samlProviderARN}}})
	return w
}

// assertion is a good assertion for alice and SAMLAdmin, changed by mods.
func (w *samlWorld) assertion(mods ...func(*samltest.Assertion)) samltest.Assertion {
	a := samltest.Assertion{Subject: samlSubject, Roles: []samltest.Role{{RoleARN: samlRoleARN, ProviderARN: samlProviderARN}}}
	for _, m := range mods {
		m(&a)
	}
	return a
}

func assumeSAML(t *testing.T, c *sts.Client, role, principal, assertion string, optFns ...func(*sts.AssumeRoleWithSAMLInput)) (*sts.AssumeRoleWithSAMLOutput, error) {
	t.Helper()
	in := &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(role), PrincipalArn: aws.String(principal), SAMLAssertion: aws.String(assertion)}
	for _, f := range optFns {
		f(in)
	}
	return c.AssumeRoleWithSAML(t.Context(), in)
}

func samlCreds(out *sts.AssumeRoleWithSAMLOutput) stsCreds {
	return stsCreds{aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken)}
}

// wantLasts checks that credentials expire d after start, within 2s.
func wantLasts(t *testing.T, exp *time.Time, start time.Time, d time.Duration) {
	t.Helper()
	if got := aws.ToTime(exp).Sub(start); got < d-2*time.Second || got > d+2*time.Second {
		t.Errorf("session lasts %v, want %v", got, d)
	}
}

func TestAssumeRoleWithSAML(t *testing.T) {
	w := newSAMLWorld(t)
	before := w.clock.Now()
	resp := w.idp.Response(w.assertion(func(a *samltest.Assertion) {
		// The pair asked for is the second, and written provider first.
		a.Roles = []samltest.Role{
			{RoleARN: "arn:aws:iam::222222222222:role/Other", ProviderARN: samlProviderARN},
			{RoleARN: samlProviderARN, ProviderARN: samlRoleARN},
		}
		a.SessionDuration = 2 * time.Hour
		a.SourceIdentity = "alice"
	}))
	out, err := assumeSAML(t, anonClient(w.url), samlRoleARN, samlProviderARN, resp)
	if err != nil {
		t.Fatal(err)
	}
	wantARN := "arn:aws:sts::222222222222:assumed-role/SAMLAdmin/" + samlSubject
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != wantARN {
		t.Errorf("assumed role ARN %s, want %s", got, wantARN)
	}
	if got := aws.ToString(out.AssumedRoleUser.AssumedRoleId); got != w.role.ID+":"+samlSubject {
		t.Errorf("assumed role id %s", got)
	}
	sum := sha1.Sum([]byte(samlEntityID + roleAccount + "/Corp"))
	for name, got := range map[string][2]string{
		"Subject":        {aws.ToString(out.Subject), samlSubject},
		"SubjectType":    {aws.ToString(out.SubjectType), "persistent"},
		"Issuer":         {aws.ToString(out.Issuer), samlEntityID},
		"Audience":       {aws.ToString(out.Audience), "https://signin.aws.amazon.com/saml"},
		"NameQualifier":  {aws.ToString(out.NameQualifier), base64.StdEncoding.EncodeToString(sum[:])},
		"SourceIdentity": {aws.ToString(out.SourceIdentity), "alice"},
	} {
		if got[0] != got[1] {
			t.Errorf("%s %q, want %q", name, got[0], got[1])
		}
	}
	if out.PackedPolicySize != nil {
		t.Errorf("PackedPolicySize %d without session policies", *out.PackedPolicySize)
	}
	// No DurationSeconds: the SessionDuration attribute.
	wantLasts(t, out.Credentials.Expiration, before, 2*time.Hour)

	s := w.srv.Sessions()
	if len(s) != 1 || s[0].Action != "AssumeRoleWithSAML" || s[0].ARN != wantARN || s[0].UserARN != "" || s[0].RoleARN != samlRoleARN ||
		s[0].ProviderARN != samlProviderARN || s[0].Issuer != samlEntityID || s[0].Subject != samlSubject || s[0].SubjectType != "persistent" ||
		s[0].Audience != "https://signin.aws.amazon.com/saml" || s[0].SourceIdentity != "alice" {
		t.Errorf("sessions %+v", s)
	}
	if r := w.srv.Requests(); len(r) != 1 || r[0].AccessKeyID != "" || r[0].Status != 200 {
		t.Errorf("requests %+v", r)
	}

	// The credentials sign; chaining carries the source identity and is
	// capped at one hour.
	c := samlCreds(out)
	id, err := w.with(c).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != wantARN || aws.ToString(id.UserId) != w.role.ID+":"+samlSubject || aws.ToString(id.Account) != roleAccount {
		t.Errorf("identity %s %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId), aws.ToString(id.Account))
	}
	_, err = assume(t, w.with(c), readOnlyARN, "chained", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(3601) })
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	chained, err := assume(t, w.with(c), readOnlyARN, "chained")
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(chained.SourceIdentity) != "alice" {
		t.Errorf("chained source identity %q", aws.ToString(chained.SourceIdentity))
	}
	id, err = w.with(credsOf(t, chained)).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::222222222222:assumed-role/ReadOnly/chained" {
		t.Errorf("chained identity %v %v", aws.ToString(id.Arn), err)
	}
	if c, s := w.srv.Calls("AssumeRoleWithSAML"), w.srv.Successes("AssumeRoleWithSAML"); c != 1 || s != 1 {
		t.Errorf("calls %d successes %d", c, s)
	}
}

func TestSAMLSessionDuration(t *testing.T) {
	w := newSAMLWorld(t)
	for _, tc := range []struct {
		name  string
		param int32 // DurationSeconds; 0: not sent
		mod   func(*samltest.Assertion)
		want  time.Duration
	}{
		{name: "default", want: time.Hour},
		{name: "attribute", mod: func(a *samltest.Assertion) { a.SessionDuration = 3 * time.Hour }, want: 3 * time.Hour},
		{name: "attribute capped by the role", mod: func(a *samltest.Assertion) { a.SessionDuration = 12 * time.Hour }, want: 4 * time.Hour},
		{name: "parameter over attribute", param: 900, mod: func(a *samltest.Assertion) { a.SessionDuration = 3 * time.Hour }, want: 15 * time.Minute},
		{name: "SessionNotOnOrAfter", param: 7200, mod: func(a *samltest.Assertion) {
			a.SessionNotOnOrAfter = w.clock.Now().Add(30 * time.Minute)
		}, want: 30 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mods []func(*samltest.Assertion)
			if tc.mod != nil {
				mods = append(mods, tc.mod)
			}
			before := w.clock.Now()
			out, err := assumeSAML(t, anonClient(w.url), samlRoleARN, samlProviderARN, w.idp.Response(w.assertion(mods...)), func(in *sts.AssumeRoleWithSAMLInput) {
				if tc.param != 0 {
					in.DurationSeconds = aws.Int32(tc.param)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			wantLasts(t, out.Credentials.Expiration, before, tc.want)
		})
	}
}

func TestSAMLProviderFromMetadata(t *testing.T) {
	w := newWorld(t)
	idp := samltest.New(samltest.Options{EntityID: "https://sso.example.org", Now: w.clock.Now})
	p, err := w.srv.AddSAMLProviderMetadata("arn:aws:iam::222222222222:saml-provider/Meta", idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	if p.Issuer != "https://sso.example.org" || len(p.Certificates) != 1 || !p.Certificates[0].Equal(idp.Certificate()) {
		t.Fatalf("provider %+v", p)
	}
	if _, err := w.srv.AddSAMLProviderMetadata("arn:aws:iam::222222222222:saml-provider/Meta", idp.Metadata()); err == nil {
		t.Error("a duplicate provider was added")
	}
	if _, err := w.srv.AddSAMLProviderMetadata("arn:aws:iam::222222222222:saml-provider/Bad", []byte("<x/>")); err == nil {
		t.Error("metadata without an EntityDescriptor was taken")
	}
	w.srv.AddRole(ststest.Role{ARN: "arn:aws:iam::222222222222:role/Meta", SAML: []ststest.SAMLTrust{{Provider: p.ARN}}})
	resp := idp.Response(samltest.Assertion{Subject: "bob", NameIDFormat: samltest.NameIDTransient,
		Roles: []samltest.Role{{RoleARN: "arn:aws:iam::222222222222:role/Meta", ProviderARN: p.ARN}}})
	out, err := assumeSAML(t, anonClient(w.url), "arn:aws:iam::222222222222:role/Meta", p.ARN, resp)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.SubjectType) != "transient" || aws.ToString(out.Issuer) != "https://sso.example.org" {
		t.Errorf("subject type %q issuer %q", aws.ToString(out.SubjectType), aws.ToString(out.Issuer))
	}
}

func TestSAMLRefusals(t *testing.T) {
	w := newSAMLWorld(t)
	// Another provider of the account, and a role trusting only it.
	other := samltest.New(samltest.Options{EntityID: "https://other.example/saml", Now: w.clock.Now})
	const otherProvider = "arn:aws:iam::222222222222:saml-provider/Other"
	w.srv.AddSAMLProvider(ststest.SAMLProvider{ARN: otherProvider, Certificates: []*x509.Certificate{other.Certificate()}})
	const otherRole = "arn:aws:iam::222222222222:role/OtherSAML"
	w.srv.AddRole(ststest.Role{ARN: otherRole, SAML: []ststest.SAMLTrust{{Provider: otherProvider}}})
	const corpOnly = "arn:aws:iam::222222222222:role/CorpOnly"
	w.srv.AddRole(ststest.Role{ARN: corpOnly, SAML: []ststest.SAMLTrust{{Provider: samlProviderARN, Subjects: []string{"*@corp.example"}}}})

	good := w.assertion()
	withRoles := func(role, provider string) func(*samltest.Assertion) {
		return func(a *samltest.Assertion) { a.Roles = []samltest.Role{{RoleARN: role, ProviderARN: provider}} }
	}
	b64 := base64.StdEncoding.EncodeToString
	for _, tc := range []struct {
		name, role, principal, response string
		in                              func(*sts.AssumeRoleWithSAMLInput)
		code                            string
		status                          int
		msg                             string
	}{
		{name: "signed by another key", response: w.idp.BadResponse(samltest.OtherKey, good), code: "InvalidIdentityToken", status: 400, msg: "Response signature invalid"},
		{name: "signed by another IdP", response: w.idp.BadResponse(samltest.OtherIdP, good), code: "InvalidIdentityToken", status: 400, msg: "Response signature invalid"},
		{name: "tampered", response: w.idp.BadResponse(samltest.Tampered, good), code: "InvalidIdentityToken", status: 400, msg: "Response signature invalid"},
		{name: "unsigned", response: w.idp.BadResponse(samltest.Unsigned, good), code: "InvalidIdentityToken", status: 400, msg: "Response signature invalid"},
		{name: "expired", response: w.idp.BadResponse(samltest.Expired, good), code: "ExpiredTokenException", status: 400, msg: "Response has expired"},
		{name: "issued more than 5 minutes ago", response: w.idp.Response(w.assertion(func(a *samltest.Assertion) {
			a.IssueInstant = w.clock.Now().Add(-6 * time.Minute)
			a.NotOnOrAfter = w.clock.Now().Add(time.Hour)
		})), code: "ExpiredTokenException", status: 400, msg: "Token must be redeemed within 5 minutes of issuance"},
		{name: "not yet valid", response: w.idp.Response(w.assertion(func(a *samltest.Assertion) { a.NotBefore = w.clock.Now().Add(time.Minute) })),
			code: "InvalidIdentityToken", status: 400, msg: "Response is not yet valid"},
		{name: "wrong audience", response: w.idp.BadResponse(samltest.WrongAudience, good), code: "InvalidIdentityToken", status: 400, msg: "Response does not contain the required audience."},
		{name: "wrong recipient", response: w.idp.Response(w.assertion(func(a *samltest.Assertion) { a.Recipient = "https://example.com/acs" })),
			code: "InvalidIdentityToken", status: 400, msg: "Response does not contain the required audience."},
		{name: "issuer not the provider's", response: w.idp.Response(w.assertion(func(a *samltest.Assertion) { a.Issuer = "https://evil.example" })),
			code: "InvalidIdentityToken", status: 400, msg: "Issuer not present in specified provider"},
		{name: "role not in the assertion", response: w.idp.Response(w.assertion(withRoles("arn:aws:iam::222222222222:role/Other", samlProviderARN))),
			code: "AccessDenied", status: 403, msg: msgNotAuthSAML},
		{name: "role paired with another provider", response: w.idp.Response(w.assertion(withRoles(samlRoleARN, otherProvider))),
			code: "AccessDenied", status: 403, msg: msgNotAuthSAML},
		{name: "no Role attribute", response: w.idp.Response(w.assertion(func(a *samltest.Assertion) { a.Roles = nil })),
			code: "InvalidIdentityToken", status: 400, msg: "Your request included an invalid SAML response."},
		{name: "no RoleSessionName", response: w.idp.Response(w.assertion(func(a *samltest.Assertion) { a.OmitRoleSessionName = true })),
			code: "InvalidIdentityToken", status: 400, msg: "RoleSessionName is required in AuthnResponse"},
		{name: "bad RoleSessionName", response: w.idp.Response(w.assertion(func(a *samltest.Assertion) { a.RoleSessionName = "Alice Smith" })),
			code: "InvalidIdentityToken", status: 400, msg: "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"},
		{name: "bad SourceIdentity", response: w.idp.Response(w.assertion(func(a *samltest.Assertion) { a.SourceIdentity = "aws:alice" })),
			code: "InvalidIdentityToken", status: 400, msg: `Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"`},
		{name: "role that does not trust the provider", role: otherRole, response: w.idp.Response(w.assertion(withRoles(otherRole, samlProviderARN))),
			code: "AccessDenied", status: 403, msg: msgNotAuthSAML},
		{name: "subject the role does not trust", role: corpOnly, response: w.idp.Response(w.assertion(withRoles(corpOnly, samlProviderARN), func(a *samltest.Assertion) {
			a.Subject, a.RoleSessionName = "bob@other.example", "bob"
		})), code: "AccessDenied", status: 403, msg: msgNotAuthSAML},
		{name: "no such role", role: "arn:aws:iam::222222222222:role/Missing", response: w.idp.Response(w.assertion(withRoles("arn:aws:iam::222222222222:role/Missing", samlProviderARN))),
			code: "AccessDenied", status: 403, msg: msgNotAuthSAML},
		{name: "no such provider", principal: "arn:aws:iam::222222222222:saml-provider/Nope", response: w.idp.Response(w.assertion(withRoles(samlRoleARN, "arn:aws:iam::222222222222:saml-provider/Nope"))),
			code: "InvalidIdentityToken", status: 400, msg: "Specified provider doesn't exist."},
		{name: "provider of another account", principal: "arn:aws:iam::111111111111:saml-provider/Corp", response: w.idp.Response(good),
			code: "ValidationError", status: 400, msg: "Principal exists outside the account of the Role being assumed."},
		{name: "principal that is no provider ARN", principal: "arn:aws:iam::222222222222:role/SAMLAdmin", response: w.idp.Response(good),
			code: "ValidationError", status: 400, msg: "Request ARN is invalid"},
		{name: "duration beyond the role's maximum", response: w.idp.Response(good),
			in:   func(in *sts.AssumeRoleWithSAMLInput) { in.DurationSeconds = aws.Int32(5 * 3600) },
			code: "ValidationError", status: 400, msg: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{name: "malformed policy", response: w.idp.Response(good),
			in:   func(in *sts.AssumeRoleWithSAMLInput) { in.Policy = aws.String("not json") },
			code: "MalformedPolicyDocument", status: 400, msg: "The policy is not in the valid JSON format."},
		{name: "not base64", response: "!!!! not base64 !!!!", code: "InvalidIdentityToken", status: 400, msg: "Your request included an invalid SAML response."},
		{name: "not XML", response: b64([]byte("hello, world")), code: "InvalidIdentityToken", status: 400, msg: "Your request included an invalid SAML response."},
		{name: "not a Response", response: b64([]byte(`<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`)),
			code: "InvalidIdentityToken", status: 400, msg: "Your request included an invalid SAML response."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			role, principal := tc.role, tc.principal
			if role == "" {
				role = samlRoleARN
			}
			if principal == "" {
				principal = samlProviderARN
			}
			var opts []func(*sts.AssumeRoleWithSAMLInput)
			if tc.in != nil {
				opts = append(opts, tc.in)
			}
			_, err := assumeSAML(t, anonClient(w.url), role, principal, tc.response, opts...)
			wantAPIError(t, err, tc.code, tc.status, tc.msg)
		})
	}
	// An assertion over the limit goes as a plain form POST (postRefused).
	t.Run("assertion too long", func(t *testing.T) {
		long := strings.Repeat("A", 100004)
		e := postRefused(t, w.url, url.Values{
			"Action": {"AssumeRoleWithSAML"}, "Version": {"2011-06-15"},
			"RoleArn": {samlRoleARN}, "PrincipalArn": {samlProviderARN}, "SAMLAssertion": {long},
		})
		want := "1 validation error detected: Value '" + long + "' at 'sAMLAssertion' failed to satisfy constraint: Member must have length less than or equal to 100000"
		if e.Code != "ValidationError" || e.Type != "Sender" || e.Message != want {
			t.Fatalf("error %s/%s %.120q..., want Sender/ValidationError %.120q...", e.Type, e.Code, e.Message, want)
		}
	})
	if n := len(w.srv.Sessions()); n != 0 {
		t.Errorf("%d sessions issued by refused calls", n)
	}
	// The controls: the good assertion, and the subject condition let in.
	if _, err := assumeSAML(t, anonClient(w.url), samlRoleARN, samlProviderARN, w.idp.Response(good)); err != nil {
		t.Fatal(err)
	}
	if _, err := assumeSAML(t, anonClient(w.url), corpOnly, samlProviderARN, w.idp.Response(w.assertion(withRoles(corpOnly, samlProviderARN)))); err != nil {
		t.Fatal(err)
	}
}

// TestSAMLSignatureCoversTheAssertion: an IdP may sign the response
// instead of the assertion; an unsigned assertion beside a signed one is
// refused.
func TestSAMLSignatureCoversTheAssertion(t *testing.T) {
	w := newSAMLWorld(t)
	whole := w.idp.ResponseXML(w.assertion(func(a *samltest.Assertion) { a.SignResponse = true }))
	if strings.Count(string(whole), "<ds:Signature xmlns") != 1 || !regexp.MustCompile(`(?s)<saml:Issuer[^>]*>[^<]*</saml:Issuer><ds:Signature.*<saml:Assertion`).Match(whole) {
		t.Fatalf("the response, not the assertion, should carry the signature:\n%s", whole)
	}
	if _, err := assumeSAML(t, anonClient(w.url), samlRoleARN, samlProviderARN, base64.StdEncoding.EncodeToString(whole)); err != nil {
		t.Fatalf("whole response signed: %v", err)
	}
	tampered := strings.Replace(string(whole), samlSubject, "mallory@corp.example", 1)
	_, err := assumeSAML(t, anonClient(w.url), samlRoleARN, samlProviderARN, base64.StdEncoding.EncodeToString([]byte(tampered)))
	wantAPIError(t, err, "InvalidIdentityToken", 400, "Response signature invalid")

	raw := string(w.idp.ResponseXML(w.assertion()))
	// A second, unsigned assertion next to the signed one.
	evil := regexp.MustCompile(`(?s)<saml:Assertion .*</saml:Assertion>`).FindString(raw)
	if evil == "" {
		t.Fatalf("no assertion in %s", raw)
	}
	doubled := strings.Replace(raw, evil, evil+strings.Replace(evil, samlSubject, "mallory@corp.example", 1), 1)
	_, err = assumeSAML(t, anonClient(w.url), samlRoleARN, samlProviderARN, base64.StdEncoding.EncodeToString([]byte(doubled)))
	wantAPIError(t, err, "InvalidIdentityToken", 400, "Your request included an invalid SAML response.")
}

func TestSAMLInjectedFaults(t *testing.T) {
	w := newSAMLWorld(t)
	for _, tc := range []struct {
		code   string
		status int
		msg    string
	}{
		{"IDPRejectedClaim", 403, "The identity provider rejected the claim of the token"},
		{"AccessDenied", 403, msgNotAuthSAML},
		{"ServiceUnavailable", 503, ""},
	} {
		if err := w.srv.Fail("AssumeRoleWithSAML", tc.code, 1); err != nil {
			t.Fatal(err)
		}
		_, err := assumeSAML(t, anonClient(w.url), samlRoleARN, samlProviderARN, w.idp.Response(w.assertion()))
		wantAPIError(t, err, tc.code, tc.status, tc.msg)
	}
	if _, err := assumeSAML(t, anonClient(w.url), samlRoleARN, samlProviderARN, w.idp.Response(w.assertion())); err != nil {
		t.Fatal(err)
	}
}

package samltest_test

import (
	"crypto/x509"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"

	"github.com/stscred/stscred/internal/testkit/samltest"
)

var now = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

const (
	roleARN     = "arn:aws:iam::222222222222:role/SAMLAdmin"
	providerARN = "arn:aws:iam::222222222222:saml-provider/Corp"
)

// parse decodes a SAMLResponse and returns the response and its assertion.
func parse(t *testing.T, response string) (*etree.Element, *etree.Element) {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(response)
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		t.Fatal(err)
	}
	resp := doc.Root()
	if resp == nil || resp.Tag != "Response" || resp.NamespaceURI() != samltest.NSProtocol {
		t.Fatalf("root %v is not a samlp:Response", resp)
	}
	as := resp.SelectElement("Assertion")
	if as == nil || as.NamespaceURI() != samltest.NSAssertion {
		t.Fatal("no saml:Assertion")
	}
	return resp, as
}

// validate checks the assertion's signature as a service provider does,
// with the certificates it trusts, and returns the signed assertion.
func validate(as *etree.Element, trusted ...*x509.Certificate) (*etree.Element, error) {
	ctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: trusted})
	ctx.Clock = dsig.NewFakeClockAt(now)
	nsCtx, err := etreeutils.NSBuildParentContext(as)
	if err != nil {
		return nil, err
	}
	detached, err := etreeutils.NSDetatch(nsCtx, as)
	if err != nil {
		return nil, err
	}
	return ctx.Validate(detached)
}

func text(el *etree.Element, path string) string {
	if e := el.FindElement(path); e != nil {
		return e.Text()
	}
	return ""
}

func TestSignedResponse(t *testing.T) {
	idp := samltest.New(samltest.Options{Now: func() time.Time { return now }})
	resp := idp.Response(samltest.Assertion{
		Subject:         "alice",
		Roles:           []samltest.Role{{RoleARN: roleARN, ProviderARN: providerARN}, {RoleARN: "arn:aws:iam::222222222222:role/Other", ProviderARN: providerARN}},
		SessionDuration: 2 * time.Hour,
		SourceIdentity:  "alice",
	})
	r, as := parse(t, resp)
	signed, err := validate(as, idp.Certificate())
	if err != nil {
		t.Fatalf("the IdP's own response does not validate: %v", err)
	}
	if got := text(r, "./Issuer"); got != idp.EntityID() {
		t.Errorf("response issuer %q", got)
	}
	if r.SelectAttrValue("Destination", "") != samltest.AWSAudience {
		t.Errorf("destination %q", r.SelectAttrValue("Destination", ""))
	}
	for path, want := range map[string]string{
		"./Issuer":         idp.EntityID(),
		"./Subject/NameID": "alice",
		"./Conditions/AudienceRestriction/Audience":                                                        samltest.AWSAudience,
		"./Subject/SubjectConfirmation/SubjectConfirmationData[@Recipient='" + samltest.AWSAudience + "']": "",
	} {
		if signed.FindElement(path) == nil || text(signed, path) != want {
			t.Errorf("%s = %q, want %q", path, text(signed, path), want)
		}
	}
	if f := signed.FindElement("./Subject/NameID").SelectAttrValue("Format", ""); f != samltest.NameIDPersistent {
		t.Errorf("NameID format %q", f)
	}
	if nb := signed.FindElement("./Conditions").SelectAttrValue("NotOnOrAfter", ""); nb != "2026-11-24T10:05:00.000Z" {
		t.Errorf("NotOnOrAfter %q", nb)
	}
	attr := func(name string) []string {
		var out []string
		for _, v := range signed.FindElements("./AttributeStatement/Attribute[@Name='" + name + "']/AttributeValue") {
			out = append(out, v.Text())
		}
		return out
	}
	if got := attr(samltest.AttributeRole); !slices.Equal(got, []string{roleARN + "," + providerARN, "arn:aws:iam::222222222222:role/Other," + providerARN}) {
		t.Errorf("Role attribute %v", got)
	}
	if got := attr(samltest.AttributeRoleSessionName); !slices.Equal(got, []string{"alice"}) {
		t.Errorf("RoleSessionName %v", got)
	}
	if got := attr(samltest.AttributeSessionDuration); !slices.Equal(got, []string{"7200"}) {
		t.Errorf("SessionDuration %v", got)
	}
	if got := attr(samltest.AttributeSourceIdentity); !slices.Equal(got, []string{"alice"}) {
		t.Errorf("SourceIdentity %v", got)
	}
	// Signed by the IdP means nothing to one who trusts another.
	if _, err := validate(as, samltest.New(samltest.Options{}).Certificate()); err == nil {
		t.Error("validated against another IdP's certificate")
	}
}

func TestBadResponses(t *testing.T) {
	idp := samltest.New(samltest.Options{Now: func() time.Time { return now }})
	a := samltest.Assertion{Subject: "alice", Roles: []samltest.Role{{RoleARN: roleARN, ProviderARN: providerARN}}}
	for _, kind := range []samltest.BadKind{samltest.OtherKey, samltest.OtherIdP, samltest.Tampered, samltest.Unsigned} {
		_, as := parse(t, idp.BadResponse(kind, a))
		if _, err := validate(as, idp.Certificate()); err == nil {
			t.Errorf("%v: the signature validated", kind)
		}
	}
	// Well signed, but wrong in what they say.
	_, as := parse(t, idp.BadResponse(samltest.Expired, a))
	signed, err := validate(as, idp.Certificate())
	if err != nil {
		t.Fatalf("Expired: %v", err)
	}
	if got := signed.FindElement("./Conditions").SelectAttrValue("NotOnOrAfter", ""); got != "2026-11-24T09:59:00.000Z" {
		t.Errorf("Expired: NotOnOrAfter %s", got)
	}
	_, as = parse(t, idp.BadResponse(samltest.WrongAudience, a))
	signed, err = validate(as, idp.Certificate())
	if err != nil {
		t.Fatalf("WrongAudience: %v", err)
	}
	if got := text(signed, "./Conditions/AudienceRestriction/Audience"); got == samltest.AWSAudience {
		t.Errorf("WrongAudience: audience %s", got)
	}
}

func TestMetadata(t *testing.T) {
	idp := samltest.New(samltest.Options{EntityID: "https://corp.example.com/idp"})
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(idp.Metadata()); err != nil {
		t.Fatal(err)
	}
	ed := doc.Root()
	if ed.Tag != "EntityDescriptor" || ed.SelectAttrValue("entityID", "") != "https://corp.example.com/idp" {
		t.Fatalf("root %s entityID %q", ed.Tag, ed.SelectAttrValue("entityID", ""))
	}
	c := ed.FindElement("./IDPSSODescriptor/KeyDescriptor[@use='signing']/KeyInfo/X509Data/X509Certificate")
	if c == nil {
		t.Fatal("no signing certificate")
	}
	der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(c.Text()))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil || !cert.Equal(idp.Certificate()) {
		t.Errorf("metadata certificate %v (err %v) is not the IdP's", cert.Subject, err)
	}
	if !strings.Contains(string(idp.CertificatePEM()), "BEGIN CERTIFICATE") {
		t.Error("CertificatePEM")
	}
}

func TestSignResponse(t *testing.T) {
	idp := samltest.New(samltest.Options{Now: func() time.Time { return now }})
	r, as := parse(t, idp.Response(samltest.Assertion{SignResponse: true}))
	if _, err := validate(as, idp.Certificate()); err == nil {
		t.Error("the assertion carries a signature of its own")
	}
	signed, err := validate(r, idp.Certificate())
	if err != nil {
		t.Fatalf("the response's signature: %v", err)
	}
	if got := text(signed, "./Assertion/Subject/NameID"); got != "alice@example.com" {
		t.Errorf("signed response's NameID %q", got)
	}
}

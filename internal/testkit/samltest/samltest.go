// Package samltest is a SAML 2.0 identity provider for tests: it makes a
// self-signed certificate and key and builds base64 SAMLResponse documents
// whose Assertion is signed (enveloped XML signature, exclusive
// canonicalization, RSA-SHA256) with github.com/russellhaering/goxmldsig,
// carrying the attributes AWS reads: https://aws.amazon.com/SAML/Attributes/Role
// ("<role arn>,<provider arn>" pairs), .../RoleSessionName,
// .../SessionDuration and .../SourceIdentity. BadResponse makes the
// responses a service provider must refuse.
//
//	idp := samltest.New(samltest.Options{Now: clock.Now})
//	srv.AddSAMLProvider(ststest.SAMLProvider{ARN: providerARN, Issuer: idp.EntityID(), Certificates: []*x509.Certificate{idp.Certificate()}})
//	resp := idp.Response(samltest.Assertion{Subject: "alice", Roles: []samltest.Role{{RoleARN: roleARN, ProviderARN: providerARN}}})
//	// resp is what AssumeRoleWithSAML takes as SAMLAssertion.
package samltest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// XML namespaces and the values AWS expects.
const (
	NSAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	NSProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	NSMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
	NSDSig      = "http://www.w3.org/2000/09/xmldsig#"

	// AWSAudience is the audience (and recipient) of assertions for AWS.
	AWSAudience = "https://signin.aws.amazon.com/saml"

	AttributeRole            = "https://aws.amazon.com/SAML/Attributes/Role"
	AttributeRoleSessionName = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	AttributeSessionDuration = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	AttributeSourceIdentity  = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"

	NameIDPersistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
	NameIDTransient  = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"

	statusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success"
	timeFormat    = "2006-01-02T15:04:05.000Z"
)

// Options configure an IdP. The zero value is usable.
type Options struct {
	// EntityID is the IdP's entity id, the Issuer of its responses.
	// Default "https://idp.example.com/saml".
	EntityID string
	// Now is the clock of the assertions' times and of the certificate's
	// validity (from a day before to ten years after New). Default
	// time.Now.
	Now func() time.Time
}

// IdP is a SAML identity provider with a signing key and its self-signed
// certificate. Its methods are safe for concurrent use.
type IdP struct {
	opts Options
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

// New returns an IdP with a new RSA key and certificate. It panics if it
// cannot make them.
func New(opts Options) *IdP {
	if opts.EntityID == "" {
		opts.EntityID = "https://idp.example.com/saml"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	key, cert := newKeyPair(opts.EntityID, opts.Now())
	return &IdP{opts: opts, key: key, cert: cert}
}

func newKeyPair(name string, now time.Time) (*rsa.PrivateKey, *x509.Certificate) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(fmt.Sprintf("samltest: generating an RSA key: %v", err))
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(fmt.Sprintf("samltest: serial number: %v", err))
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(fmt.Sprintf("samltest: making a certificate: %v", err))
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(fmt.Sprintf("samltest: parsing the certificate: %v", err))
	}
	return key, cert
}

// EntityID is the IdP's entity id, the Issuer of its responses.
func (i *IdP) EntityID() string { return i.opts.EntityID }

// Certificate is the IdP's signing certificate.
func (i *IdP) Certificate() *x509.Certificate { return i.cert }

// CertificatePEM is the signing certificate in PEM.
func (i *IdP) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: i.cert.Raw})
}

// Metadata is the IdP's SAML metadata document (an EntityDescriptor with
// its signing certificate), as IAM's CreateSAMLProvider takes it.
func (i *IdP) Metadata() []byte {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	ed := doc.CreateElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", NSMetadata)
	ed.CreateAttr("entityID", i.opts.EntityID)
	sso := ed.CreateElement("md:IDPSSODescriptor")
	sso.CreateAttr("protocolSupportEnumeration", NSProtocol)
	kd := sso.CreateElement("md:KeyDescriptor")
	kd.CreateAttr("use", "signing")
	ki := kd.CreateElement("ds:KeyInfo")
	ki.CreateAttr("xmlns:ds", NSDSig)
	ki.CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").SetText(base64.StdEncoding.EncodeToString(i.cert.Raw))
	sso.CreateElement("md:NameIDFormat").SetText(NameIDPersistent)
	loc := sso.CreateElement("md:SingleSignOnService")
	loc.CreateAttr("Binding", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")
	loc.CreateAttr("Location", i.opts.EntityID+"/sso")
	doc.Indent(2)
	b, err := doc.WriteToBytes()
	if err != nil {
		panic(fmt.Sprintf("samltest: writing metadata: %v", err))
	}
	return b
}

// Role is one value of the Role attribute: a role and the IAM SAML
// provider its users come through.
type Role struct {
	RoleARN     string
	ProviderARN string
}

// Assertion is what a response asserts. Zero fields get defaults.
type Assertion struct {
	// Subject is the NameID. Default "alice@example.com".
	Subject string
	// NameIDFormat is the NameID's Format. Default NameIDPersistent.
	NameIDFormat string
	// Issuer is the Issuer of the response and the assertion. Default the
	// IdP's entity id.
	Issuer string
	// Audience is the AudienceRestriction's audience, Recipient the
	// SubjectConfirmationData's (and the response's Destination). Default
	// AWSAudience for both.
	Audience, Recipient string
	// IssueInstant is when the response was made. Default now.
	IssueInstant time.Time
	// NotBefore and NotOnOrAfter bound the assertion's validity
	// (Conditions and SubjectConfirmationData). Default now and five
	// minutes later.
	NotBefore, NotOnOrAfter time.Time
	// Roles are the values of the Role attribute, sent as
	// "<role arn>,<provider arn>". None: the attribute is left out.
	Roles []Role
	// RoleSessionName is the RoleSessionName attribute. Default Subject,
	// unless OmitRoleSessionName.
	RoleSessionName     string
	OmitRoleSessionName bool
	// SessionDuration, when set, is the SessionDuration attribute (in
	// seconds on the wire).
	SessionDuration time.Duration
	// SessionNotOnOrAfter, when set, is the AuthnStatement's.
	SessionNotOnOrAfter time.Time
	// SourceIdentity, when set, is the SourceIdentity attribute.
	SourceIdentity string
	// Attributes are more attributes, by name.
	Attributes map[string][]string
	// SignResponse signs the whole Response instead of the Assertion, as
	// some IdPs do.
	SignResponse bool
}

// Response returns the base64 SAMLResponse for a, with the assertion
// signed by the IdP's key.
func (i *IdP) Response(a Assertion) string {
	return base64.StdEncoding.EncodeToString(i.ResponseXML(a))
}

// ResponseXML is the XML of Response, before base64.
func (i *IdP) ResponseXML(a Assertion) []byte {
	if a.SignResponse {
		return i.buildResponse(a, func(*etree.Element) {}, func(r *etree.Element) { i.sign(r, i.key, i.cert) })
	}
	return i.build(a, func(as *etree.Element) { i.sign(as, i.key, i.cert) })
}

// BadKind is a kind of response a service provider must refuse.
type BadKind int

const (
	// OtherKey is signed by a key that is not the IdP's, with the IdP's
	// certificate in KeyInfo: only the signature itself tells.
	OtherKey BadKind = iota
	// OtherIdP is signed by another IdP, with that IdP's certificate.
	OtherIdP
	// Tampered had its NameID changed after signing.
	Tampered
	// Expired has NotOnOrAfter a minute in the past.
	Expired
	// WrongAudience is for "https://example.com/not-aws".
	WrongAudience
	// Unsigned has no signature at all.
	Unsigned
)

func (k BadKind) String() string {
	switch k {
	case OtherKey:
		return "OtherKey"
	case OtherIdP:
		return "OtherIdP"
	case Tampered:
		return "Tampered"
	case Expired:
		return "Expired"
	case WrongAudience:
		return "WrongAudience"
	case Unsigned:
		return "Unsigned"
	}
	return fmt.Sprintf("BadKind(%d)", int(k))
}

// BadResponse returns a base64 SAMLResponse of the given kind for a.
func (i *IdP) BadResponse(kind BadKind, a Assertion) string {
	var b []byte
	switch kind {
	case OtherKey:
		other, _ := newKeyPair(i.opts.EntityID, i.opts.Now())
		b = i.build(a, func(as *etree.Element) { i.sign(as, other, i.cert) })
	case OtherIdP:
		otherKey, otherCert := newKeyPair(i.opts.EntityID, i.opts.Now())
		b = i.build(a, func(as *etree.Element) { i.sign(as, otherKey, otherCert) })
	case Tampered:
		b = i.build(a, func(as *etree.Element) {
			i.sign(as, i.key, i.cert)
			as.FindElement("./Subject/NameID").SetText("mallory@example.com")
		})
	case Expired:
		now := i.opts.Now()
		a.IssueInstant = now.Add(-6 * time.Minute)
		a.NotBefore = a.IssueInstant
		a.NotOnOrAfter = now.Add(-time.Minute)
		b = i.ResponseXML(a)
	case WrongAudience:
		a.Audience = "https://example.com/not-aws"
		b = i.ResponseXML(a)
	case Unsigned:
		b = i.build(a, func(*etree.Element) {})
	default:
		panic(fmt.Sprintf("samltest: BadResponse: unknown kind %v", kind))
	}
	return base64.StdEncoding.EncodeToString(b)
}

// build writes the response for a; finish signs (or spoils) the assertion
// before it goes into the response.
func (i *IdP) build(a Assertion, finish func(assertion *etree.Element)) []byte {
	return i.buildResponse(a, finish, func(*etree.Element) {})
}

// buildResponse is build with a last step on the whole response.
func (i *IdP) buildResponse(a Assertion, finish, finishResponse func(*etree.Element)) []byte {
	now := i.opts.Now()
	if a.Subject == "" {
		a.Subject = "alice@example.com"
	}
	if a.NameIDFormat == "" {
		a.NameIDFormat = NameIDPersistent
	}
	if a.Issuer == "" {
		a.Issuer = i.opts.EntityID
	}
	if a.Audience == "" {
		a.Audience = AWSAudience
	}
	if a.Recipient == "" {
		a.Recipient = AWSAudience
	}
	if a.IssueInstant.IsZero() {
		a.IssueInstant = now
	}
	if a.NotBefore.IsZero() {
		a.NotBefore = now
	}
	if a.NotOnOrAfter.IsZero() {
		a.NotOnOrAfter = now.Add(5 * time.Minute)
	}
	if a.RoleSessionName == "" && !a.OmitRoleSessionName {
		a.RoleSessionName = a.Subject
	}

	// The assertion declares its namespace itself, so that it can be
	// signed on its own and moved into the response unchanged.
	as := etree.NewElement("saml:Assertion")
	as.CreateAttr("xmlns:saml", NSAssertion)
	as.CreateAttr("ID", newID())
	as.CreateAttr("Version", "2.0")
	as.CreateAttr("IssueInstant", a.IssueInstant.UTC().Format(timeFormat))
	as.CreateElement("saml:Issuer").SetText(a.Issuer)
	subj := as.CreateElement("saml:Subject")
	nameID := subj.CreateElement("saml:NameID")
	nameID.CreateAttr("Format", a.NameIDFormat)
	nameID.SetText(a.Subject)
	sc := subj.CreateElement("saml:SubjectConfirmation")
	sc.CreateAttr("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer")
	scd := sc.CreateElement("saml:SubjectConfirmationData")
	scd.CreateAttr("NotOnOrAfter", a.NotOnOrAfter.UTC().Format(timeFormat))
	scd.CreateAttr("Recipient", a.Recipient)
	cond := as.CreateElement("saml:Conditions")
	cond.CreateAttr("NotBefore", a.NotBefore.UTC().Format(timeFormat))
	cond.CreateAttr("NotOnOrAfter", a.NotOnOrAfter.UTC().Format(timeFormat))
	cond.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText(a.Audience)
	authn := as.CreateElement("saml:AuthnStatement")
	authn.CreateAttr("AuthnInstant", a.IssueInstant.UTC().Format(timeFormat))
	authn.CreateAttr("SessionIndex", newID())
	if !a.SessionNotOnOrAfter.IsZero() {
		authn.CreateAttr("SessionNotOnOrAfter", a.SessionNotOnOrAfter.UTC().Format(timeFormat))
	}
	authn.CreateElement("saml:AuthnContext").CreateElement("saml:AuthnContextClassRef").
		SetText("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")

	attrs := as.CreateElement("saml:AttributeStatement")
	addAttr := func(name string, values ...string) {
		at := attrs.CreateElement("saml:Attribute")
		at.CreateAttr("Name", name)
		at.CreateAttr("NameFormat", "urn:oasis:names:tc:SAML:2.0:attrname-format:uri")
		for _, v := range values {
			at.CreateElement("saml:AttributeValue").SetText(v)
		}
	}
	if len(a.Roles) > 0 {
		var values []string
		for _, r := range a.Roles {
			values = append(values, r.RoleARN+","+r.ProviderARN)
		}
		addAttr(AttributeRole, values...)
	}
	if !a.OmitRoleSessionName {
		addAttr(AttributeRoleSessionName, a.RoleSessionName)
	}
	if a.SessionDuration > 0 {
		addAttr(AttributeSessionDuration, strconv.Itoa(int(a.SessionDuration/time.Second)))
	}
	if a.SourceIdentity != "" {
		addAttr(AttributeSourceIdentity, a.SourceIdentity)
	}
	for name, values := range a.Attributes {
		addAttr(name, values...)
	}
	finish(as)

	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	resp := doc.CreateElement("samlp:Response")
	resp.CreateAttr("xmlns:samlp", NSProtocol)
	resp.CreateAttr("ID", newID())
	resp.CreateAttr("Version", "2.0")
	resp.CreateAttr("IssueInstant", a.IssueInstant.UTC().Format(timeFormat))
	resp.CreateAttr("Destination", a.Recipient)
	iss := resp.CreateElement("saml:Issuer")
	iss.CreateAttr("xmlns:saml", NSAssertion)
	iss.SetText(a.Issuer)
	resp.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", statusSuccess)
	resp.AddChild(as)
	finishResponse(resp)
	b, err := doc.WriteToBytes()
	if err != nil {
		panic(fmt.Sprintf("samltest: writing the response: %v", err))
	}
	return b
}

// sign adds an enveloped signature of the assertion (or response) by key,
// with cert in KeyInfo, after its Issuer (where the schema puts it).
func (i *IdP) sign(as *etree.Element, key *rsa.PrivateKey, cert *x509.Certificate) {
	ctx, err := dsig.NewSigningContext(key, [][]byte{cert.Raw})
	if err != nil {
		panic(fmt.Sprintf("samltest: signing context: %v", err))
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if err := ctx.SetSignatureMethod(dsig.RSASHA256SignatureMethod); err != nil {
		panic(fmt.Sprintf("samltest: signature method: %v", err))
	}
	sig, err := ctx.ConstructSignature(as, true)
	if err != nil {
		panic(fmt.Sprintf("samltest: signing the assertion: %v", err))
	}
	as.InsertChildAt(as.SelectElement("Issuer").Index()+1, sig)
}

func newID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("samltest: reading random bytes: %v", err))
	}
	return fmt.Sprintf("_%x", b)
}

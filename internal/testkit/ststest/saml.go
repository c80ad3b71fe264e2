package ststest

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// IAM SAML providers and AssumeRoleWithSAML.

// SAML namespaces and the attributes AWS reads.
const (
	nsSAMLAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsSAMLProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsSAMLMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
	nsXMLDSig       = "http://www.w3.org/2000/09/xmldsig#"

	samlStatusSuccess   = "urn:oasis:names:tc:SAML:2.0:status:Success"
	samlNameIDPrefix    = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
	samlAttrRole        = "https://aws.amazon.com/SAML/Attributes/Role"
	samlAttrSessionName = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	samlAttrDuration    = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	samlAttrSourceID    = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"

	// samlRedeemWindow is how soon after its IssueInstant a response must
	// be used.
	samlRedeemWindow = 5 * time.Minute
)

// samlAudience matches the audiences AWS takes: the global and regional
// sign-in endpoints (aws, aws-cn and aws-us-gov) and the URN.
var samlAudience = regexp.MustCompile(`^(urn:amazon:webservices|https://([a-z0-9-]+\.)?signin\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)/saml)$`)

// Messages of AssumeRoleWithSAML; "seen" as in webidentity.go.
const (
	// Seen (IAM's SAML troubleshooting guide), InvalidIdentityToken.
	msgSAMLSignature   = "Response signature invalid"
	msgSAMLIssuer      = "Issuer not present in specified provider"
	msgSAMLNoProvider  = "Specified provider doesn't exist."
	msgSAMLAudience    = "Response does not contain the required audience."
	msgSAMLNoSession   = "RoleSessionName is required in AuthnResponse"
	msgSAMLBadSession  = "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"
	msgSAMLInvalid     = "Your request included an invalid SAML response."
	msgSAMLOutsideRole = "Principal exists outside the account of the Role being assumed."
	// Seen (users' reports), ExpiredTokenException.
	msgSAMLExpired = "Response has expired"
	msgSAMLTooOld  = "Token must be redeemed within 5 minutes of issuance"
	// Not found.
	msgSAMLNotYet      = "Response is not yet valid"
	msgSAMLNoSubject   = "Response does not contain a NameID"
	msgSAMLBadDuration = "SessionDuration in AuthnResponse must be a number of seconds from 900 to 43200"
)

// SAMLProvider describes an IAM SAML provider of the server.
type SAMLProvider struct {
	// ARN is arn:aws:iam::<account>:saml-provider/<name>. Required.
	ARN string
	// Issuer, when set, is the IdP's entity id (its metadata's entityID):
	// assertions must name it as their Issuer. Empty: any issuer.
	Issuer string
	// Certificates are the IdP's signing certificates; an assertion signed
	// by the key of any of them verifies. At least one is required.
	Certificates []*x509.Certificate
}

type samlProviderRecord struct {
	SAMLProvider
	account string
	name    string
}

// AddSAMLProvider creates an IAM SAML provider and returns it. It panics
// on a malformed ARN, no certificate, or a duplicate.
func (s *Server) AddSAMLProvider(p SAMLProvider) SAMLProvider {
	p, err := s.addSAMLProvider(p)
	if err != nil {
		panic("ststest: AddSAMLProvider: " + err.Error())
	}
	return p
}

func (s *Server) addSAMLProvider(p SAMLProvider) (SAMLProvider, error) {
	_, account, name, err := parseSAMLProviderARN(p.ARN)
	if err != nil {
		return SAMLProvider{}, err
	}
	if len(p.Certificates) == 0 || slices.Contains(p.Certificates, nil) {
		return SAMLProvider{}, fmt.Errorf("%s: no signing certificate", p.ARN)
	}
	p.Certificates = slices.Clone(p.Certificates)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.idps.saml[p.ARN]; dup {
		return SAMLProvider{}, fmt.Errorf("%s already exists", p.ARN)
	}
	s.idps.saml[p.ARN] = &samlProviderRecord{SAMLProvider: p, account: account, name: name}
	return p, nil
}

// AddSAMLProviderMetadata creates an IAM SAML provider from an IdP's
// metadata document (as IAM's CreateSAMLProvider does): its entityID is
// the issuer assertions must name, its signing certificates those that
// verify them. A PEM certificate (or several) is taken too, with no issuer.
func (s *Server) AddSAMLProviderMetadata(arn string, metadata []byte) (SAMLProvider, error) {
	if _, _, _, err := parseSAMLProviderARN(arn); err != nil {
		return SAMLProvider{}, fmt.Errorf("ststest: add SAML provider: %w", err)
	}
	issuer, certs, err := parseSAMLMetadata(metadata)
	if err != nil {
		return SAMLProvider{}, fmt.Errorf("ststest: add SAML provider %s: %w", arn, err)
	}
	p, err := s.addSAMLProvider(SAMLProvider{ARN: arn, Issuer: issuer, Certificates: certs})
	if err != nil {
		return SAMLProvider{}, fmt.Errorf("ststest: add SAML provider: %w", err)
	}
	return p, nil
}

// SAMLProviders lists the server's IAM SAML providers, by ARN.
func (s *Server) SAMLProviders() []SAMLProvider {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SAMLProvider
	for _, arn := range slices.Sorted(maps.Keys(s.idps.saml)) {
		p := s.idps.saml[arn].SAMLProvider
		p.Certificates = slices.Clone(p.Certificates)
		out = append(out, p)
	}
	return out
}

// parseSAMLProviderARN splits arn:<partition>:iam::<account>:saml-provider/<name>.
func parseSAMLProviderARN(arn string) (partition, account, name string, err error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] != "iam" || parts[3] != "" || !isAccountID(parts[4]) {
		return "", "", "", fmt.Errorf("SAML provider ARN %q is not arn:<partition>:iam::<account>:saml-provider/<name>", arn)
	}
	name, ok := strings.CutPrefix(parts[5], "saml-provider/")
	if !ok || name == "" || len(name) > 128 || !allowedChars(name, ".-") {
		return "", "", "", fmt.Errorf("SAML provider ARN %q: resource is not saml-provider/<name>", arn)
	}
	return parts[1], parts[4], name, nil
}

// parseSAMLMetadata reads the entityID and signing certificates of an IdP's
// metadata document, or the certificates of PEM input.
func parseSAMLMetadata(b []byte) (issuer string, certs []*x509.Certificate, err error) {
	if block, _ := pem.Decode(b); block != nil {
		for rest := b; ; {
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return "", nil, fmt.Errorf("PEM certificate: %w", err)
			}
			certs = append(certs, c)
		}
		return "", certs, nil
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		return "", nil, fmt.Errorf("metadata is neither PEM nor XML: %w", err)
	}
	ed := doc.Root()
	if ed == nil || ed.Tag != "EntityDescriptor" || ed.NamespaceURI() != nsSAMLMetadata {
		return "", nil, errors.New("metadata has no md:EntityDescriptor")
	}
	issuer = ed.SelectAttrValue("entityID", "")
	for _, kd := range ed.FindElements("./IDPSSODescriptor/KeyDescriptor") {
		if use := kd.SelectAttrValue("use", "signing"); use != "signing" {
			continue
		}
		for _, el := range kd.FindElements("./KeyInfo/X509Data/X509Certificate") {
			der, err := base64.StdEncoding.DecodeString(stripSpace(el.Text()))
			if err != nil {
				return "", nil, fmt.Errorf("metadata certificate: %w", err)
			}
			c, err := x509.ParseCertificate(der)
			if err != nil {
				return "", nil, fmt.Errorf("metadata certificate: %w", err)
			}
			certs = append(certs, c)
		}
	}
	if issuer == "" || len(certs) == 0 {
		return "", nil, errors.New("metadata names no entityID or no signing certificate")
	}
	return issuer, certs, nil
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
}

// samlIdentity is what a verified assertion says.
type samlIdentity struct {
	provider            *samlProviderRecord
	issuer              string
	subject             string
	subjectType         string
	audience            string      // the Recipient, else the audience that matched
	rolePairs           [][2]string // the Role attribute's values, split at the comma
	sessionName         string
	sessionDuration     int // seconds; 0 when the attribute is absent
	sessionNotOnOrAfter time.Time
	sourceIdentity      string
}

type assumeRoleWithSAMLResult struct {
	XMLName          xml.Name `xml:"AssumeRoleWithSAMLResult"`
	Credentials      credentialsXML
	AssumedRoleUser  assumedRoleUserXML
	PackedPolicySize int `xml:",omitempty"`
	Subject          string
	SubjectType      string
	Issuer           string
	Audience         string
	NameQualifier    string
	SourceIdentity   string `xml:",omitempty"`
}

func (s *Server) assumeRoleWithSAML(c *call) (any, *apiError) {
	v := validator{params: c.params}
	p := federationCommon(&v)
	principal, _ := v.str("PrincipalArn", "principalArn", true, 20, 2048, "", "")
	assertion, _ := v.str("SAMLAssertion", "sAMLAssertion", true, 4, 100000, "", "")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	_, principalAccount, _, err := parseSAMLProviderARN(principal)
	if err != nil {
		return nil, newError(codeValidationError, "%s", msgRequestARN)
	}
	if principalAccount != p.roleAccount {
		return nil, newError(codeValidationError, "%s", msgSAMLOutsideRole)
	}
	id, aerr := s.verifySAMLResponse(c.now, principal, assertion)
	if aerr != nil {
		return nil, aerr
	}
	if !slices.ContainsFunc(id.rolePairs, func(pair [2]string) bool {
		return (pair[0] == p.roleARN && pair[1] == principal) || (pair[1] == p.roleARN && pair[0] == principal)
	}) {
		return nil, notAuthorized(c.action)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	role := s.roles[p.roleARN]
	if role == nil || !role.trustsSAML(principal, id.subject) {
		return nil, notAuthorized(c.action)
	}
	d := time.Duration(p.duration) * time.Second
	switch {
	case p.durationSet:
		if d > role.MaxSessionDuration {
			return nil, newError(codeValidationError, "%s", msgRoleDuration)
		}
	case id.sessionDuration > 0:
		d = min(time.Duration(id.sessionDuration)*time.Second, role.MaxSessionDuration)
	}
	// The session ends at the assertion's SessionNotOnOrAfter at the
	// latest.
	if !id.sessionNotOnOrAfter.IsZero() {
		if until := id.sessionNotOnOrAfter.Sub(c.now); until < d {
			d = until
		}
	}
	rec := s.issueFederatedSession(Session{
		Action:          c.action,
		RoleSessionName: id.sessionName,
		SourceIdentity:  id.sourceIdentity,
		PolicyArns:      p.policyArns,
		Policy:          p.policy,
		ProviderARN:     principal,
		Issuer:          id.issuer,
		Subject:         id.subject,
		SubjectType:     id.subjectType,
		Audience:        id.audience,
	}, role, c.now, d)
	return assumeRoleWithSAMLResult{
		Credentials:      credentialsOf(rec),
		AssumedRoleUser:  assumedRoleUserOf(rec),
		PackedPolicySize: p.packedPolicyPct,
		Subject:          id.subject,
		SubjectType:      id.subjectType,
		Issuer:           id.issuer,
		Audience:         id.audience,
		NameQualifier:    nameQualifier(id.issuer, id.provider.account, id.provider.name),
		SourceIdentity:   id.sourceIdentity,
	}, nil
}

// nameQualifier is the documented BASE64(SHA1(issuer + account + "/" +
// provider name)).
func nameQualifier(issuer, account, providerName string) string {
	sum := sha1.Sum([]byte(issuer + account + "/" + providerName))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func samlError(code, msg string) *apiError { return newError(code, "%s", msg) }

// verifySAMLResponse checks a base64 SAMLResponse as STS does: a
// successful response from the provider principalARN, its assertion (or
// the whole response) signed by a key of the provider's certificates, from
// the provider's issuer, for AWS, valid now. Everything it returns comes
// from the signed element. It runs without s.mu held.
func (s *Server) verifySAMLResponse(now time.Time, principalARN, b64 string) (*samlIdentity, *apiError) {
	s.mu.Lock()
	provider := s.idps.saml[principalARN]
	s.mu.Unlock()
	if provider == nil {
		return nil, samlError(codeInvalidIdentityToken, msgSAMLNoProvider)
	}
	raw, err := base64.StdEncoding.DecodeString(stripSpace(b64))
	if err != nil {
		return nil, samlError(codeInvalidIdentityToken, msgSAMLInvalid)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		return nil, samlError(codeInvalidIdentityToken, msgSAMLInvalid)
	}
	resp := doc.Root()
	if resp == nil || resp.Tag != "Response" || resp.NamespaceURI() != nsSAMLProtocol {
		return nil, samlError(codeInvalidIdentityToken, msgSAMLInvalid)
	}
	if st := resp.FindElement("./Status/StatusCode"); st == nil || st.SelectAttrValue("Value", "") != samlStatusSuccess {
		return nil, samlError(codeInvalidIdentityToken, msgSAMLInvalid)
	}
	assertions := childrenNS(resp, nsSAMLAssertion, "Assertion")
	if len(assertions) != 1 {
		return nil, samlError(codeInvalidIdentityToken, msgSAMLInvalid)
	}

	vctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: provider.Certificates})
	vctx.Clock = dsig.NewFakeClockAt(now)
	var signed *etree.Element
	if len(childrenNS(resp, nsXMLDSig, "Signature")) > 0 {
		// The whole response is signed: the assertion is the one inside
		// the signed copy.
		r, err := validateDetached(vctx, resp)
		if err != nil {
			return nil, samlError(codeInvalidIdentityToken, msgSAMLSignature)
		}
		if as := childrenNS(r, nsSAMLAssertion, "Assertion"); len(as) == 1 {
			signed = as[0]
		}
	} else if as, err := validateDetached(vctx, assertions[0]); err == nil {
		signed = as
	}
	if signed == nil {
		return nil, samlError(codeInvalidIdentityToken, msgSAMLSignature)
	}
	return readAssertion(signed, provider, now)
}

// validateDetached validates el's enveloped signature, el taken out of its
// document with the namespaces it inherits.
func validateDetached(vctx *dsig.ValidationContext, el *etree.Element) (*etree.Element, error) {
	nsCtx, err := etreeutils.NSBuildParentContext(el)
	if err != nil {
		return nil, err
	}
	detached, err := etreeutils.NSDetatch(nsCtx, el)
	if err != nil {
		return nil, err
	}
	return vctx.Validate(detached)
}

// childrenNS are el's child elements named tag in namespace ns.
func childrenNS(el *etree.Element, ns, tag string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == ns {
			out = append(out, c)
		}
	}
	return out
}

// readAssertion checks what the signed assertion as says and returns it.
func readAssertion(as *etree.Element, provider *samlProviderRecord, now time.Time) (*samlIdentity, *apiError) {
	id := &samlIdentity{provider: provider}
	if iss := as.FindElement("./Issuer"); iss != nil {
		id.issuer = strings.TrimSpace(iss.Text())
	}
	if provider.Issuer != "" && id.issuer != provider.Issuer {
		return nil, samlError(codeInvalidIdentityToken, msgSAMLIssuer)
	}

	// Times: the Conditions' and the bearer confirmation's, and the
	// redemption window after IssueInstant.
	issued, err := samlTime(as.SelectAttrValue("IssueInstant", ""), true)
	if err != nil {
		return nil, samlError(codeInvalidIdentityToken, msgSAMLInvalid)
	}
	cond := as.FindElement("./Conditions")
	scd := as.FindElement("./Subject/SubjectConfirmation/SubjectConfirmationData")
	for _, el := range []*etree.Element{cond, scd} {
		if el == nil {
			continue
		}
		notAfter, err1 := samlTime(el.SelectAttrValue("NotOnOrAfter", ""), false)
		notBefore, err2 := samlTime(el.SelectAttrValue("NotBefore", ""), false)
		switch {
		case err1 != nil || err2 != nil:
			return nil, samlError(codeInvalidIdentityToken, msgSAMLInvalid)
		case !notAfter.IsZero() && !now.Before(notAfter):
			return nil, samlError(codeExpiredTokenException, msgSAMLExpired)
		case !notBefore.IsZero() && now.Before(notBefore):
			return nil, samlError(codeInvalidIdentityToken, msgSAMLNotYet)
		}
	}
	if now.Sub(issued) > samlRedeemWindow {
		return nil, samlError(codeExpiredTokenException, msgSAMLTooOld)
	}

	// Audience.
	var matched string
	if cond != nil {
		for _, a := range cond.FindElements("./AudienceRestriction/Audience") {
			if aud := strings.TrimSpace(a.Text()); samlAudience.MatchString(aud) {
				matched = aud
				break
			}
		}
	}
	if matched == "" {
		return nil, samlError(codeInvalidIdentityToken, msgSAMLAudience)
	}
	id.audience = matched
	if scd != nil {
		if r := scd.SelectAttrValue("Recipient", ""); r != "" {
			if !samlAudience.MatchString(r) {
				return nil, samlError(codeInvalidIdentityToken, msgSAMLAudience)
			}
			id.audience = r
		}
	}

	// Subject.
	nameID := as.FindElement("./Subject/NameID")
	if nameID == nil || strings.TrimSpace(nameID.Text()) == "" {
		return nil, samlError(codeInvalidIdentityToken, msgSAMLNoSubject)
	}
	id.subject = strings.TrimSpace(nameID.Text())
	id.subjectType = strings.TrimPrefix(nameID.SelectAttrValue("Format", ""), samlNameIDPrefix)

	// The AWS attributes.
	attrs := map[string][]string{}
	for _, at := range as.FindElements("./AttributeStatement/Attribute") {
		name := at.SelectAttrValue("Name", "")
		for _, v := range at.FindElements("./AttributeValue") {
			attrs[name] = append(attrs[name], strings.TrimSpace(v.Text()))
		}
	}
	if len(attrs[samlAttrRole]) == 0 {
		return nil, samlError(codeInvalidIdentityToken, msgSAMLInvalid)
	}
	for _, v := range attrs[samlAttrRole] {
		a, b, ok := strings.Cut(v, ",")
		if ok {
			id.rolePairs = append(id.rolePairs, [2]string{strings.TrimSpace(a), strings.TrimSpace(b)})
		}
	}
	switch names := attrs[samlAttrSessionName]; {
	case len(names) == 0:
		return nil, samlError(codeInvalidIdentityToken, msgSAMLNoSession)
	case len(names[0]) < 2 || len(names[0]) > 64 || !allowedChars(names[0], "+=,.@-"):
		return nil, samlError(codeInvalidIdentityToken, msgSAMLBadSession)
	default:
		id.sessionName = names[0]
	}
	if ds := attrs[samlAttrDuration]; len(ds) > 0 {
		n, err := strconv.Atoi(ds[0])
		if err != nil || n < 900 || n > 43200 {
			return nil, samlError(codeInvalidIdentityToken, msgSAMLBadDuration)
		}
		id.sessionDuration = n
	}
	if si := attrs[samlAttrSourceID]; len(si) > 0 {
		if !validSourceIdentity(si[0]) {
			return nil, samlError(codeInvalidIdentityToken, msgBadSourceIdentity)
		}
		id.sourceIdentity = si[0]
	}
	if authn := as.FindElement("./AuthnStatement"); authn != nil {
		t, err := samlTime(authn.SelectAttrValue("SessionNotOnOrAfter", ""), false)
		if err != nil {
			return nil, samlError(codeInvalidIdentityToken, msgSAMLInvalid)
		}
		if !t.IsZero() && !now.Before(t) {
			return nil, samlError(codeExpiredTokenException, msgSAMLExpired)
		}
		id.sessionNotOnOrAfter = t
	}
	return id, nil
}

// samlTime parses an xs:dateTime; an empty one is the zero time, unless
// required.
func samlTime(v string, required bool) (time.Time, error) {
	if v == "" {
		if required {
			return time.Time{}, errors.New("missing time")
		}
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, v)
}

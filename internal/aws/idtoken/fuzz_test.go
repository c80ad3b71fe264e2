package idtoken

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/oidctest"
	"github.com/stscred/stscred/internal/testkit/samltest"
)

// FuzzDecode reads a JWT's claims as a web identity token file, a token
// command or GitHub's token endpoint hands them: any payload (placed in a
// token, so the fuzzer works on the JSON) and any token text. It holds: no
// panic; a time claim is absent or a time RFC 3339 can show (years 1970 to
// 9999), since doctor and whoami print them.
func FuzzDecode(f *testing.F) {
	idp := oidctest.New(oidctest.Options{})
	exp := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for _, c := range []oidctest.Claims{
		{Issuer: "https://token.actions.githubusercontent.com", Subject: "repo:corp/app:ref:refs/heads/main", Audience: []string{"sts.amazonaws.com"}, Expiry: exp},
		{Subject: "system:serviceaccount:default:app", Audience: []string{"sts.amazonaws.com", "other"}, Expiry: exp},
		{Subject: "alice", Audience: []string{"sts.amazonaws.com"}, AudienceList: true, Extra: map[string]any{"nbf": nil, "exp": 1.7e9, "email": "a@example.com"}},
		{Issuer: "https://evil.example\n stscred: hint: run rm -rf ~", Subject: "x\u202ey", Extra: map[string]any{"iat": "soon"}},
	} {
		tok := idp.Token(c)
		payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
		f.Add(payload, tok)
	}
	for _, p := range []string{`{}`, `{"aud":[1,"a",null]}`, `{"exp":"1"}`, `[]`, `null`, `{"iss":{"a":1}}`} {
		f.Add([]byte(p), "a.b.c")
	}
	f.Fuzz(func(t *testing.T, payload []byte, raw string) {
		hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"k1","typ":"JWT"}`))
		for _, tok := range []string{hdr + "." + base64.RawURLEncoding.EncodeToString(payload) + ".c2ln", raw} {
			c, err := Decode(tok)
			if err != nil {
				continue
			}
			for _, tm := range []time.Time{c.Expires, c.NotBefore, c.IssuedAt} {
				if tm.IsZero() {
					continue
				}
				if y := tm.Year(); y < 1970 || y > 9999 {
					t.Fatalf("a time claim decoded to %v (from %q)", tm, payload)
				}
				if back, err := time.Parse(time.RFC3339, tm.Format(time.RFC3339)); err != nil || !back.Equal(tm) {
					t.Fatalf("a time claim %v does not survive RFC 3339: %v", tm, err)
				}
			}
		}
	})
}

// FuzzReadAssertion reads a SAML response as saml_process or
// saml_assertion_file hands it (base64 of the XML; the fuzzer works on the
// XML, and on the text as given). It holds: no panic; every role pair it
// finds names a role and a SAML provider; SessionDuration is not
// negative (a huge value must not wrap); NotOnOrAfter shows in RFC 3339.
func FuzzReadAssertion(f *testing.F) {
	idp := samltest.New(samltest.Options{Now: func() time.Time { return time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) }})
	const admin, reader, prov = "arn:aws:iam::222222222222:role/Admin", "arn:aws:iam::222222222222:role/Reader", "arn:aws:iam::222222222222:saml-provider/Corp"
	for _, a := range []samltest.Assertion{
		{Roles: []samltest.Role{{RoleARN: admin, ProviderARN: prov}, {RoleARN: reader, ProviderARN: prov}}, SessionDuration: 90 * time.Minute},
		{Roles: []samltest.Role{{RoleARN: admin, ProviderARN: prov}}},
		{},
	} {
		f.Add(idp.ResponseXML(a), "")
	}
	for _, doc := range []string{
		`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:Assertion>` +
			`<saml:Subject><saml:SubjectConfirmation><saml:SubjectConfirmationData NotOnOrAfter="2026-11-24T10:05:00Z"/></saml:SubjectConfirmation></saml:Subject>` +
			`<saml:Conditions NotOnOrAfter="2026-11-24T10:05:00.000Z"/><saml:AttributeStatement>` +
			`<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>` + prov + `,` + admin + `</saml:AttributeValue></saml:Attribute>` +
			`<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"><saml:AttributeValue>5400</saml:AttributeValue></saml:Attribute>` +
			`</saml:AttributeStatement></saml:Assertion></samlp:Response>`,
		`<Response><Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><AttributeValue>arn:aws:iam::1:role/a
,arn:aws:iam::1:saml-provider/p</AttributeValue><AttributeValue><!-- c -->x</AttributeValue></Attribute></Response>`,
		`<!DOCTYPE r [<!ENTITY a "aaaa">]><Response>&a;</Response>`,
	} {
		f.Add([]byte(doc), "")
	}
	f.Add([]byte(nil), "PHNhbWxwOlJlc3BvbnNlLz4=")
	f.Fuzz(func(t *testing.T, doc []byte, raw string) {
		for _, b64 := range []string{base64.StdEncoding.EncodeToString(doc), raw} {
			a, err := ReadAssertion(b64)
			if err != nil {
				continue
			}
			for _, p := range a.Roles {
				if !strings.Contains(p.Role, ":role/") || !strings.Contains(p.Provider, ":saml-provider/") {
					t.Fatalf("role pair %+v", p)
				}
			}
			if a.SessionDuration < 0 {
				t.Fatalf("SessionDuration %v is negative", a.SessionDuration)
			}
			if tm := a.NotOnOrAfter; !tm.IsZero() {
				if back, err := time.Parse(time.RFC3339, tm.Format(time.RFC3339)); err != nil || !back.Equal(tm.Truncate(time.Second)) {
					t.Fatalf("NotOnOrAfter %v does not survive RFC 3339: %v", tm, err)
				}
			}
		}
	})
}

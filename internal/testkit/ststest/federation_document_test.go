package ststest_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

// TestFederationResponseDocuments checks the XML on the wire of both
// actions, element by element, against the API reference's shapes.
func TestFederationResponseDocuments(t *testing.T) {
	w := newWebWorld(t)
	type credsXML struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	type roleUserXML struct {
		Arn           string
		AssumedRoleID string `xml:"AssumedRoleId"`
	}
	expRE := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

	t.Run("AssumeRoleWithWebIdentity", func(t *testing.T) {
		var doc struct {
			XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ AssumeRoleWithWebIdentityResponse"`
			Result  struct {
				SubjectFromWebIdentityToken string
				Audience                    string
				AssumedRoleUser             roleUserXML
				Credentials                 credsXML
				Provider                    string
				PackedPolicySize            *int
			} `xml:"AssumeRoleWithWebIdentityResult"`
			RequestID string `xml:"ResponseMetadata>RequestId"`
		}
		body := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {deployARN},
			"RoleSessionName": {"doc"}, "WebIdentityToken": {w.token(deploySub)}}.Encode()
		resp, out := do(t, mustRequest(t, http.MethodPost, w.url+"/", body))
		if err := xml.Unmarshal([]byte(out), &doc); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%d %v\n%s", resp.StatusCode, err, out)
		}
		r := doc.Result
		if r.SubjectFromWebIdentityToken != deploySub || r.Audience != stsAudience || r.Provider != w.providerARN ||
			r.AssumedRoleUser.Arn == "" || r.AssumedRoleUser.AssumedRoleID == "" || !expRE.MatchString(r.Credentials.Expiration) ||
			len(r.Credentials.AccessKeyID) != 20 || r.PackedPolicySize != nil || !uuidRE.MatchString(doc.RequestID) {
			t.Errorf("document %s", out)
		}
		if regexp.MustCompile(`<SourceIdentity>`).MatchString(out) {
			t.Errorf("SourceIdentity sent without one: %s", out)
		}
	})

	t.Run("AssumeRoleWithSAML", func(t *testing.T) {
		sw := newSAMLWorld(t)
		var doc struct {
			XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ AssumeRoleWithSAMLResponse"`
			Result  struct {
				Credentials     credsXML
				AssumedRoleUser roleUserXML
				Subject         string
				SubjectType     string
				Issuer          string
				Audience        string
				NameQualifier   string
			} `xml:"AssumeRoleWithSAMLResult"`
			RequestID string `xml:"ResponseMetadata>RequestId"`
		}
		body := url.Values{"Action": {"AssumeRoleWithSAML"}, "Version": {"2011-06-15"}, "RoleArn": {samlRoleARN},
			"PrincipalArn": {samlProviderARN}, "SAMLAssertion": {sw.idp.Response(sw.assertion())}}.Encode()
		resp, out := do(t, mustRequest(t, http.MethodPost, sw.url+"/", body))
		if err := xml.Unmarshal([]byte(out), &doc); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%d %v\n%s", resp.StatusCode, err, out)
		}
		r := doc.Result
		if r.Subject != samlSubject || r.SubjectType != "persistent" || r.Issuer != samlEntityID || r.Audience == "" ||
			len(r.NameQualifier) != 28 || r.AssumedRoleUser.Arn == "" || !expRE.MatchString(r.Credentials.Expiration) || !uuidRE.MatchString(doc.RequestID) {
			t.Errorf("document %s", out)
		}
	})

	t.Run("error", func(t *testing.T) {
		body := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {deployARN},
			"RoleSessionName": {"doc"}, "WebIdentityToken": {"garbage-token"}}.Encode()
		resp, out := do(t, mustRequest(t, http.MethodPost, w.url+"/", body))
		if e := parseError(t, out); resp.StatusCode != 400 || e.Type != "Sender" || e.Code != "InvalidIdentityToken" || !uuidRE.MatchString(e.ReqID) {
			t.Errorf("error document %d %s", resp.StatusCode, out)
		}
	})
}

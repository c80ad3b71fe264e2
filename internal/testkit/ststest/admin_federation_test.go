package ststest_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/oidctest"
	"github.com/stscred/stscred/internal/testkit/samltest"
)

// adminPost POSTs body to an admin route and returns status and body.
func adminPost(t *testing.T, w *world, path string, query url.Values, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, w.url+"/_ststest/"+path+"?"+query.Encode(), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestAdminFederation sets web identity and SAML up through the admin API
// alone, as an out-of-process test would, on the world's existing role
// ReadOnly, which stays assumable by IAM users.
func TestAdminFederation(t *testing.T) {
	w := newWorld(t)
	if st, body := admin(t, w, "GET", "", nil); st != 200 || !strings.Contains(body, "/_ststest/oidc-provider") || !strings.Contains(body, "/_ststest/trust-saml") {
		t.Errorf("index: %d %s", st, body)
	}
	idp := oidctest.New(oidctest.Options{Now: w.clock.Now})
	idp.Start()
	t.Cleanup(idp.Close)

	st, body := adminPost(t, w, "oidc-provider", url.Values{"account": {roleAccount}, "url": {idp.URL()}, "client-id": {stsAudience, "other"}}, nil)
	oidcARN := strings.TrimSpace(body)
	if st != 200 || oidcARN != "arn:aws:iam::222222222222:oidc-provider/"+strings.TrimPrefix(idp.URL(), "http://") {
		t.Fatalf("oidc-provider: %d %q", st, body)
	}
	if st, body := adminPost(t, w, "oidc-provider", url.Values{"account": {roleAccount}, "url": {idp.URL()}}, nil); st != 400 || !strings.Contains(body, "already exists") {
		t.Errorf("duplicate oidc-provider: %d %s", st, body)
	}
	if st, _ := adminPost(t, w, "oidc-provider", url.Values{"account": {"12"}, "url": {idp.URL()}}, nil); st != 400 {
		t.Errorf("oidc-provider with a bad account: %d", st)
	}
	if st, body := adminPost(t, w, "trust-web-identity", url.Values{"role": {readOnlyARN}, "provider": {oidcARN}, "sub": {"ci:*"}, "aud": {stsAudience}}, nil); st != 200 {
		t.Fatalf("trust-web-identity: %d %s", st, body)
	}
	if st, _ := adminPost(t, w, "trust-web-identity", url.Values{"role": {"arn:aws:iam::222222222222:role/Missing"}, "provider": {oidcARN}}, nil); st != 400 {
		t.Errorf("trust-web-identity for a missing role: %d", st)
	}

	saml := samltest.New(samltest.Options{EntityID: samlEntityID, Now: w.clock.Now})
	const provider = "arn:aws:iam::222222222222:saml-provider/Corp"
	if st, body := adminPost(t, w, "saml-provider", url.Values{"arn": {provider}}, saml.Metadata()); st != 200 || strings.TrimSpace(body) != provider {
		t.Fatalf("saml-provider: %d %s", st, body)
	}
	if st, _ := adminPost(t, w, "saml-provider", url.Values{"arn": {"arn:aws:iam::222222222222:saml-provider/Pem"}}, saml.CertificatePEM()); st != 200 {
		t.Errorf("saml-provider from PEM: %d", st)
	}
	if st, _ := adminPost(t, w, "saml-provider", url.Values{"arn": {"arn:aws:iam::222222222222:saml-provider/Junk"}}, []byte("junk")); st != 400 {
		t.Errorf("saml-provider from junk: %d", st)
	}
	if st, body := adminPost(t, w, "trust-saml", url.Values{"role": {readOnlyARN}, "provider": {provider}}, nil); st != 200 {
		t.Fatalf("trust-saml: %d %s", st, body)
	}

	var providers struct {
		OIDC []struct {
			ARN, Account, URL string
			ClientIDs         []string
		}
		SAML []struct {
			ARN, Issuer       string
			CertificateSha256 []string
		}
	}
	st, body = admin(t, w, "GET", "providers", nil)
	decodeJSON(t, body, &providers)
	sum := sha256.Sum256(saml.Certificate().Raw)
	if st != 200 || len(providers.OIDC) != 1 || providers.OIDC[0].URL != idp.URL() || len(providers.OIDC[0].ClientIDs) != 2 ||
		len(providers.SAML) != 2 || providers.SAML[0].ARN != provider || providers.SAML[0].Issuer != samlEntityID ||
		len(providers.SAML[0].CertificateSha256) != 1 || providers.SAML[0].CertificateSha256[0] != hex.EncodeToString(sum[:]) {
		t.Errorf("providers: %d %s", st, body)
	}

	// Both work now, and ReadOnly still takes IAM users.
	if _, err := assumeWeb(t, anonClient(w.url), readOnlyARN, "web", idp.Token(oidctest.Claims{Subject: "ci:build", Audience: []string{stsAudience}})); err != nil {
		t.Errorf("web identity: %v", err)
	}
	_, err := assumeWeb(t, anonClient(w.url), readOnlyARN, "web", idp.Token(oidctest.Claims{Subject: "ci:build", Audience: []string{"other"}}))
	wantAPIError(t, err, "AccessDenied", 403, msgNotAuthorizedWeb)
	resp := saml.Response(samltest.Assertion{Roles: []samltest.Role{{RoleARN: readOnlyARN, ProviderARN: provider}}})
	if _, err := assumeSAML(t, anonClient(w.url), readOnlyARN, provider, resp); err != nil {
		t.Errorf("SAML: %v", err)
	}
	if _, err := assume(t, w.aliceClient(), readOnlyARN, "alice"); err != nil {
		t.Errorf("AssumeRole by alice after the federated statements: %v", err)
	}
}

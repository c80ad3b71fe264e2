package ststest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// adminFederationIndex documents the admin API's routes for web identity
// and SAML; adminIndex includes it.
const adminFederationIndex = `GET  /_ststest/providers                      IAM OIDC and SAML providers (JSON)
POST /_ststest/oidc-provider?account=A&url=U[&client-id=C...]   add an IAM OIDC provider for issuer U; answers its ARN
POST /_ststest/saml-provider?arn=ARN          add an IAM SAML provider; body: the IdP's metadata XML, or PEM certificates
POST /_ststest/trust-web-identity?role=R&provider=P[&sub=PATTERN...][&aud=A...]   let P's tokens assume role R
POST /_ststest/trust-saml?role=R&provider=ARN[&sub=PATTERN...]                     let P's assertions assume role R
`

// samlProviderJSON is how the admin API shows a SAML provider: its
// certificates by SHA-256 fingerprint.
type samlProviderJSON struct {
	ARN          string   `json:"arn"`
	Issuer       string   `json:"issuer,omitempty"`
	Certificates []string `json:"certificateSha256"`
}

func (s *Server) federationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_ststest/providers", func(w http.ResponseWriter, r *http.Request) {
		oidc := s.OIDCProviders()
		if oidc == nil {
			oidc = []OIDCProvider{}
		}
		saml := []samlProviderJSON{}
		for _, p := range s.SAMLProviders() {
			j := samlProviderJSON{ARN: p.ARN, Issuer: p.Issuer}
			for _, c := range p.Certificates {
				sum := sha256.Sum256(c.Raw)
				j.Certificates = append(j.Certificates, hex.EncodeToString(sum[:]))
			}
			saml = append(saml, j)
		}
		testsrv.WriteJSON(w, map[string]any{"oidc": oidc, "saml": saml})
	})
	mux.HandleFunc("POST /_ststest/oidc-provider", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		arn, err := s.addOIDCProvider(q.Get("account"), q.Get("url"), q["client-id"])
		if err != nil {
			testsrv.WriteText(w, http.StatusBadRequest, err.Error()+"\n")
			return
		}
		testsrv.WriteText(w, http.StatusOK, arn+"\n")
	})
	mux.HandleFunc("POST /_ststest/saml-provider", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, testsrv.MaxBodySize))
		if err != nil {
			testsrv.WriteText(w, http.StatusBadRequest, fmt.Sprintf("reading the metadata: %v\n", err))
			return
		}
		p, err := s.AddSAMLProviderMetadata(r.URL.Query().Get("arn"), body)
		if err != nil {
			testsrv.WriteText(w, http.StatusBadRequest, err.Error()+"\n")
			return
		}
		testsrv.WriteText(w, http.StatusOK, p.ARN+"\n")
	})
	mux.HandleFunc("POST /_ststest/trust-web-identity", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		err := s.TrustWebIdentity(q.Get("role"), WebIdentityTrust{Provider: q.Get("provider"), Subjects: q["sub"], Audiences: q["aud"]})
		adminResult(w, err)
	})
	mux.HandleFunc("POST /_ststest/trust-saml", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		adminResult(w, s.TrustSAML(q.Get("role"), SAMLTrust{Provider: q.Get("provider"), Subjects: q["sub"]}))
	})
}

func adminResult(w http.ResponseWriter, err error) {
	if err != nil {
		testsrv.WriteText(w, http.StatusBadRequest, err.Error()+"\n")
		return
	}
	testsrv.WriteText(w, http.StatusOK, "ok\n")
}

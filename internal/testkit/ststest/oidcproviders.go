package ststest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// IAM OpenID Connect providers, and the keys STS fetches from them.

const (
	// oidcFetchTimeout bounds one fetch of a discovery document or JWKS
	// when Options.OIDCHTTPClient is not set.
	oidcFetchTimeout = 5 * time.Second
	// maxOIDCDocument bounds a discovery document or JWKS.
	maxOIDCDocument = 1 << 20
)

// OIDCProvider describes an IAM OpenID Connect provider of the server.
type OIDCProvider struct {
	// ARN is arn:aws:iam::<account>:oidc-provider/<issuer without scheme>.
	ARN     string `json:"arn"`
	Account string `json:"account"`
	// URL is the issuer URL, which tokens must name in iss.
	URL string `json:"url"`
	// ClientIDs are the audiences tokens may be for.
	ClientIDs []string `json:"clientIds"`
}

type oidcProviderRecord struct {
	OIDCProvider
	// keys is the JWKS last fetched (nil before the first fetch); STS keeps
	// it until a token names a key id it does not hold, then fetches again,
	// which is how a key rotation at the IdP reaches it.
	keys *jose.JSONWebKeySet
}

// named reports whether name (an issuer URL or an ARN) names the provider.
func (p *oidcProviderRecord) named(name string) bool {
	return name == p.ARN || issuerKey(name) == issuerKey(p.URL)
}

// issuerKey is an issuer URL as IAM compares them: without the scheme and
// any trailing slash ("token.actions.githubusercontent.com").
func issuerKey(u string) string {
	u = strings.TrimSuffix(u, "/")
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	return u
}

// AddOIDCProvider creates an IAM OIDC provider in account (12 digits) for
// the issuer issuerURL, whose tokens may be for clientIDs (the audiences,
// e.g. "sts.amazonaws.com"), and returns its ARN. Tokens whose iss is
// issuerURL are verified against the keys its discovery document names,
// fetched over HTTP. IAM wants https URLs; http ones are allowed here, for
// providers on loopback. It panics on a malformed URL or account, or a
// provider the account already has for that URL.
func (s *Server) AddOIDCProvider(account, issuerURL string, clientIDs ...string) string {
	arn, err := s.addOIDCProvider(account, issuerURL, clientIDs)
	if err != nil {
		panic("ststest: AddOIDCProvider: " + err.Error())
	}
	return arn
}

func (s *Server) addOIDCProvider(account, issuerURL string, clientIDs []string) (string, error) {
	if !isAccountID(account) {
		return "", fmt.Errorf("account %q is not 12 digits", account)
	}
	u, err := url.Parse(issuerURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("issuer %q is not an http(s) URL without query or fragment", issuerURL)
	}
	p := &oidcProviderRecord{OIDCProvider: OIDCProvider{
		ARN:       "arn:aws:iam::" + account + ":oidc-provider/" + issuerKey(issuerURL),
		Account:   account,
		URL:       strings.TrimSuffix(issuerURL, "/"),
		ClientIDs: slices.Clone(clientIDs),
	}}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.idps.oidc[p.ARN]; dup {
		return "", fmt.Errorf("%s already exists", p.ARN)
	}
	s.idps.oidc[p.ARN] = p
	return p.ARN, nil
}

// OIDCProviders lists the server's IAM OIDC providers, by ARN.
func (s *Server) OIDCProviders() []OIDCProvider {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []OIDCProvider
	for _, arn := range slices.Sorted(maps.Keys(s.idps.oidc)) {
		p := s.idps.oidc[arn].OIDCProvider
		p.ClientIDs = slices.Clone(p.ClientIDs)
		out = append(out, p)
	}
	return out
}

// oidcProviderFor finds the provider of account for the issuer iss.
// Callers hold s.mu.
func (s *Server) oidcProviderFor(account, iss string) *oidcProviderRecord {
	for _, p := range s.idps.oidc {
		if p.Account == account && issuerKey(p.URL) == issuerKey(iss) {
			return p
		}
	}
	return nil
}

// verificationKeys returns the provider's keys that may have signed a
// token naming kid (every key when kid is empty), fetching the JWKS when
// none is cached or the cached one lacks kid. It must be called without
// s.mu held.
func (s *Server) verificationKeys(ctx context.Context, p *oidcProviderRecord, kid string) ([]jose.JSONWebKey, *apiError) {
	s.mu.Lock()
	cached := p.keys
	s.mu.Unlock()
	if keys := keysFor(cached, kid); len(keys) > 0 {
		return keys, nil
	}
	set, err := s.fetchJWKS(ctx, p.URL)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	p.keys = set
	s.mu.Unlock()
	if keys := keysFor(set, kid); len(keys) > 0 {
		return keys, nil
	}
	return nil, newError(codeInvalidIdentityToken, "%s", msgNoVerificationKey)
}

func keysFor(set *jose.JSONWebKeySet, kid string) []jose.JSONWebKey {
	if set == nil {
		return nil
	}
	if kid == "" {
		return set.Keys
	}
	return set.Key(kid)
}

// errIDPUnreachable marks a fetch that failed for reasons that pass
// (network, timeouts, 5xx, 429): STS's IDPCommunicationError.
var errIDPUnreachable = errors.New("identity provider unreachable")

// fetchJWKS fetches the issuer's discovery document, then the JWKS it
// names. A failure that may pass is IDPCommunicationError, which clients
// retry; a document that is missing or wrong is InvalidIdentityToken.
func (s *Server) fetchJWKS(ctx context.Context, issuer string) (*jose.JSONWebKeySet, *apiError) {
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := s.fetchJSON(ctx, issuer+"/.well-known/openid-configuration", &disc); err != nil {
		return nil, fetchError(issuer, err)
	}
	if issuerKey(disc.Issuer) != issuerKey(issuer) || disc.JWKSURI == "" {
		return nil, newError(codeInvalidIdentityToken, "%s", msgNoVerificationKey)
	}
	var set jose.JSONWebKeySet
	if err := s.fetchJSON(ctx, disc.JWKSURI, &set); err != nil {
		return nil, fetchError(issuer, err)
	}
	return &set, nil
}

func fetchError(issuer string, err error) *apiError {
	if errors.Is(err, errIDPUnreachable) {
		return newError(codeIDPCommunication, "%s", idpUnreachable(issuer))
	}
	return newError(codeInvalidIdentityToken, "%s", msgNoVerificationKey)
}

// idpUnreachable is the message of IDPCommunicationError. The real
// service's wording was not found; this one names the provider, as its
// IDPRejectedClaim messages do ("graph.facebook.com: graph.facebook.com
// responded with ...").
func idpUnreachable(issuer string) string {
	if issuer == "" {
		return "The identity provider could not be reached to verify the token"
	}
	return issuerKey(issuer) + ": the identity provider could not be reached to verify the token"
}

// unverifiedIssuer is the iss claim of a token, unverified, or "".
func unverifiedIssuer(token string) string {
	tok, err := jwt.ParseSigned(token, webIdentityAlgorithms)
	if err != nil {
		return ""
	}
	var claims jwt.Claims
	if tok.UnsafeClaimsWithoutVerification(&claims) != nil {
		return ""
	}
	return claims.Issuer
}

func (s *Server) fetchJSON(ctx context.Context, u string, v any) error {
	client := s.opts.OIDCHTTPClient
	if client == nil {
		client = &http.Client{Timeout: oidcFetchTimeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %v", errIDPUnreachable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxOIDCDocument))
	switch {
	case err != nil:
		return fmt.Errorf("%w: reading %s: %v", errIDPUnreachable, u, err)
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("%w: %s answered %s", errIDPUnreachable, u, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("%s answered %s", u, resp.Status)
	}
	return json.Unmarshal(body, v)
}

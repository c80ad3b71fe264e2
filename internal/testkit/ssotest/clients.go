package ssotest

import (
	"crypto/subtle"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Grant types of CreateToken and RegisterClient's grantTypes.
const (
	GrantDeviceCode        = "urn:ietf:params:oauth:grant-type:device_code"
	GrantAuthorizationCode = "authorization_code"
	GrantRefreshToken      = "refresh_token"
)

// Client is a client registration, as RegisterClient made it.
type Client struct {
	ID     string `json:"clientId"`
	Secret string `json:"-"` // kept for tests (leak scans); no API serves it again
	Name   string `json:"clientName"`
	// Scopes, GrantTypes and RedirectURIs as registered. A client
	// registered with scopes gets refresh tokens (unless its grant types
	// leave refresh_token out); one registered without gets none, as the
	// AWS CLI's legacy profiles do.
	Scopes       []string  `json:"scopes,omitempty"`
	GrantTypes   []string  `json:"grantTypes,omitempty"`
	RedirectURIs []string  `json:"redirectUris,omitempty"`
	IssuerURL    string    `json:"issuerUrl,omitempty"`
	Issued       time.Time `json:"issued"`
	Expires      time.Time `json:"expires"`
	// Live is false once Expires has passed (server clock).
	Live bool `json:"live"`
}

type clientRecord struct {
	Client
	seq int
}

// allows reports whether the client may use a grant type: any of the
// three when it registered no grant types, else only those it did.
func (c *clientRecord) allows(grant string) bool {
	if len(c.GrantTypes) == 0 {
		return grant != GrantAuthorizationCode // the code grant needs redirect URIs registered
	}
	return slices.Contains(c.GrantTypes, grant)
}

// refreshable reports whether tokens issued to the client come with a
// refresh token.
func (c *clientRecord) refreshable() bool {
	return len(c.Scopes) > 0 && (len(c.GrantTypes) == 0 || slices.Contains(c.GrantTypes, GrantRefreshToken))
}

type registerClientRequest struct {
	ClientName             string   `json:"clientName"`
	ClientType             string   `json:"clientType"`
	Scopes                 []string `json:"scopes"`
	RedirectURIs           []string `json:"redirectUris"`
	GrantTypes             []string `json:"grantTypes"`
	IssuerURL              string   `json:"issuerUrl"`
	EntitledApplicationArn string   `json:"entitledApplicationArn"`
}

type registerClientResponse struct {
	ClientID              string `json:"clientId"`
	ClientSecret          string `json:"clientSecret"`
	ClientIDIssuedAt      int64  `json:"clientIdIssuedAt"`
	ClientSecretExpiresAt int64  `json:"clientSecretExpiresAt"`
}

func (s *Server) registerClient(c *call) (any, *apiError) {
	var req registerClientRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	switch {
	case req.ClientName == "":
		return nil, newError(InvalidRequestException, "clientName is required")
	case req.ClientType == "":
		return nil, newError(InvalidRequestException, "clientType is required")
	case req.ClientType != "public":
		return nil, newError(InvalidClientMetadataException, "Invalid client type: %s", req.ClientType)
	}
	for _, g := range req.GrantTypes {
		if g != GrantDeviceCode && g != GrantAuthorizationCode && g != GrantRefreshToken {
			return nil, newError(UnsupportedGrantTypeException, "Unsupported grant type: %s", g)
		}
	}
	for _, sc := range req.Scopes {
		if sc == "" || strings.ContainsAny(sc, " \t\r\n") {
			return nil, newError(InvalidScopeException, "Invalid scope: %q", sc)
		}
	}
	for _, u := range req.RedirectURIs {
		if !validRedirectURI(u) {
			return nil, newError(InvalidRedirectURIException, "Invalid redirect URI: %s", u)
		}
	}
	if slices.Contains(req.GrantTypes, GrantAuthorizationCode) && len(req.RedirectURIs) == 0 {
		return nil, newError(InvalidRequestException, "redirectUris are required for the authorization_code grant")
	}
	if req.IssuerURL != "" {
		if u, err := url.Parse(req.IssuerURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, newError(InvalidRequestException, "Invalid issuer URL: %s", req.IssuerURL)
		}
	}
	rec := &clientRecord{Client: Client{
		ID:           newClientID(s.opts.Region),
		Secret:       newJWTLike("client-secret", 400),
		Name:         req.ClientName,
		Scopes:       slices.Clone(req.Scopes),
		GrantTypes:   slices.Clone(req.GrantTypes),
		RedirectURIs: slices.Clone(req.RedirectURIs),
		IssuerURL:    req.IssuerURL,
		Issued:       c.now.Truncate(time.Second),
		Expires:      c.now.Add(s.opts.ClientLifetime).Truncate(time.Second),
	}, seq: s.nextSeq()}
	s.clients[rec.ID] = rec
	return registerClientResponse{
		ClientID:              rec.ID,
		ClientSecret:          rec.Secret,
		ClientIDIssuedAt:      rec.Issued.Unix(),
		ClientSecretExpiresAt: rec.Expires.Unix(),
	}, nil
}

// authenticateClient checks a client id and secret. Callers hold s.mu.
func (s *Server) authenticateClient(id, secret string, now time.Time) (*clientRecord, *apiError) {
	cl := s.clients[id]
	if cl == nil || subtle.ConstantTimeCompare([]byte(secret), []byte(cl.Secret)) != 1 {
		return nil, newError(InvalidClientException, "%s", msgInvalidClient)
	}
	if !now.Before(cl.Expires) {
		return nil, newError(InvalidClientException, "%s", msgClientExpired)
	}
	return cl, nil
}

// validRedirectURI accepts an absolute https URI, or http on a loopback
// address (RFC 8252 native apps), without a fragment.
func validRedirectURI(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Fragment != "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return isLoopback(u.Hostname())
	}
	return false
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redirectAllowed reports whether the redirect_uri of an authorization
// request matches one the client registered: exactly, or, for http on a
// loopback IP address, with any port (RFC 8252 section 7.3: the AWS CLI
// registers http://127.0.0.1/oauth/callback and sends
// http://127.0.0.1:<port>/oauth/callback).
func redirectAllowed(registered []string, requested string) bool {
	req, err := url.Parse(requested)
	if err != nil || req.Fragment != "" {
		return false
	}
	for _, r := range registered {
		if r == requested {
			return true
		}
		reg, err := url.Parse(r)
		if err != nil {
			continue
		}
		if req.Scheme == "http" && reg.Scheme == "http" && isLoopback(req.Hostname()) &&
			reg.Hostname() == req.Hostname() && reg.Path == req.Path && reg.RawQuery == req.RawQuery &&
			(reg.Port() == "" || reg.Port() == req.Port()) {
			return true
		}
	}
	return false
}

// Clients returns every client registration, oldest first.
func (s *Server) Clients() []Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	recs := sortedBySeq(s.clients, func(c *clientRecord) int { return c.seq })
	out := make([]Client, 0, len(recs))
	for _, r := range recs {
		c := r.Client
		c.Scopes, c.GrantTypes, c.RedirectURIs = slices.Clone(c.Scopes), slices.Clone(c.GrantTypes), slices.Clone(c.RedirectURIs)
		c.Live = now.Before(c.Expires)
		out = append(out, c)
	}
	return out
}

// ExpireClient makes a client registration expire now: its id and secret
// are refused with InvalidClientException from then on.
func (s *Server) ExpireClient(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clients[id]
	if c == nil {
		return errorf("expire client %s: no such client", id)
	}
	c.Expires = s.now()
	return nil
}

// ExpireClients makes every client registration expire now.
func (s *Server) ExpireClients() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, c := range s.clients {
		c.Expires = now
	}
}

package oidctest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// DiscoveryPath is where every OpenID provider serves its discovery document.
const DiscoveryPath = "/.well-known/openid-configuration"

// keyBits is the size of the RSA signing keys, the common size of real IdPs'.
const keyBits = 2048

// Options configure a Provider. The zero value is usable.
type Options struct {
	// Now is the clock for the iat, nbf and exp claims. Default time.Now.
	Now func() time.Time
	// TokenLifetime is how long a token is valid when Claims.Expiry is
	// zero. Default one hour.
	TokenLifetime time.Duration
	// JWKSPath is where the key set is served (the discovery document's
	// jwks_uri). Default "/jwks".
	JWKSPath string
}

// Endpoint names what a Provider serves, for Fail and Requests.
type Endpoint string

const (
	// Discovery is /.well-known/openid-configuration.
	Discovery Endpoint = "discovery"
	// JWKS is the key set named by the discovery document's jwks_uri.
	JWKS Endpoint = "jwks"
)

// Provider is an OpenID provider for tests. Create it with New, serve it
// with Start (or as an http.Handler, after SetIssuer). All methods are safe
// for concurrent use.
type Provider struct {
	opts Options

	mu       sync.Mutex
	keys     []signingKey // published in the JWKS; the last one signs
	issuer   string
	faults   map[Endpoint][]fault
	requests map[Endpoint]int

	listenMu sync.Mutex
	httpSrv  *http.Server
	served   chan struct{}
}

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

type fault struct {
	status    int
	remaining int
}

// New returns a provider holding one signing key. Like httptest it panics
// if it cannot make a key.
func New(opts Options) *Provider {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = time.Hour
	}
	if opts.JWKSPath == "" {
		opts.JWKSPath = "/jwks"
	}
	if !strings.HasPrefix(opts.JWKSPath, "/") || opts.JWKSPath == DiscoveryPath {
		panic(fmt.Sprintf("oidctest: JWKSPath %q must start with / and differ from %s", opts.JWKSPath, DiscoveryPath))
	}
	p := &Provider{opts: opts, faults: map[Endpoint][]fault{}, requests: map[Endpoint]int{}}
	p.keys = []signingKey{newSigningKey()}
	return p
}

// newSigningKey makes an RSA key whose key id is its RFC 7638 thumbprint.
func newSigningKey() signingKey {
	k, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		panic(fmt.Sprintf("oidctest: generating an RSA key: %v", err))
	}
	tp, err := (&jose.JSONWebKey{Key: &k.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		panic(fmt.Sprintf("oidctest: key thumbprint: %v", err))
	}
	return signingKey{id: base64.RawURLEncoding.EncodeToString(tp), key: k}
}

// Start serves on a random port of 127.0.0.1 and returns the issuer URL,
// "http://127.0.0.1:PORT". It panics if it cannot listen or was already
// started.
func (p *Provider) Start() string { return p.startWith(p) }

// startWith serves h (the provider, or a handler wrapping it) and makes the
// listener's URL the issuer.
func (p *Provider) startWith(h http.Handler) string {
	p.listenMu.Lock()
	defer p.listenMu.Unlock()
	if p.httpSrv != nil {
		panic("oidctest: Start called twice")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("oidctest: listening on 127.0.0.1: %v", err))
	}
	url := "http://" + ln.Addr().String()
	p.SetIssuer(url)
	p.httpSrv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	p.served = make(chan struct{})
	go func(hs *http.Server, done chan struct{}) {
		defer close(done)
		_ = hs.Serve(ln)
	}(p.httpSrv, p.served)
	return url
}

// SetIssuer sets the issuer URL (iss of the tokens, base of the discovery
// document's URLs), for a provider served by some other server; Start sets
// it to the listener's URL.
func (p *Provider) SetIssuer(url string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.issuer = strings.TrimSuffix(url, "/")
}

// URL is the issuer URL, or "" before Start or SetIssuer.
func (p *Provider) URL() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.issuer
}

// Close stops a provider started with Start. It does nothing otherwise.
func (p *Provider) Close() {
	p.listenMu.Lock()
	defer p.listenMu.Unlock()
	if p.httpSrv == nil {
		return
	}
	_ = p.httpSrv.Close()
	<-p.served
	p.httpSrv = nil
}

// KeyID is the id (kid) of the key that signs tokens now.
func (p *Provider) KeyID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.keys[len(p.keys)-1].id
}

// KeyIDs lists the ids of the keys the JWKS publishes, oldest first.
func (p *Provider) KeyIDs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	ids := make([]string, len(p.keys))
	for i, k := range p.keys {
		ids[i] = k.id
	}
	return ids
}

// RotateKey makes a new signing key, publishes it beside the old ones (as
// an IdP does during a rotation) and signs every later token with it. It
// returns the new key's id.
func (p *Provider) RotateKey() string {
	k := newSigningKey()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = append(p.keys, k)
	return k.id
}

// RetireKey stops publishing the key kid. The current signing key cannot be
// retired: rotate first.
func (p *Provider) RetireKey(kid string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := slices.IndexFunc(p.keys, func(k signingKey) bool { return k.id == kid })
	switch {
	case i < 0:
		return fmt.Errorf("oidctest: retire key %s: no such key", kid)
	case i == len(p.keys)-1:
		return fmt.Errorf("oidctest: retire key %s: it is the current signing key; rotate first", kid)
	}
	p.keys = slices.Delete(p.keys, i, i+1)
	return nil
}

// Fail makes the next count requests to endpoint fail with HTTP status
// (e.g. 503, or 404), for tests of a verifier that cannot fetch the keys.
func (p *Provider) Fail(e Endpoint, status, count int) error {
	if e != Discovery && e != JWKS {
		return fmt.Errorf("oidctest: fail: unknown endpoint %q", e)
	}
	if status < 400 || status > 599 || count < 1 {
		return fmt.Errorf("oidctest: fail %s: status %d must be 4xx or 5xx and count %d at least 1", e, status, count)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults[e] = append(p.faults[e], fault{status: status, remaining: count})
	return nil
}

// Requests is how many requests the endpoint got, failed ones included.
func (p *Provider) Requests(e Endpoint) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests[e]
}

// ServeHTTP serves the discovery document and the JWKS.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var e Endpoint
	switch r.URL.Path {
	case DiscoveryPath:
		e = Discovery
	case p.opts.JWKSPath:
		e = JWKS
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p.mu.Lock()
	p.requests[e]++
	status := p.takeFault(e)
	p.mu.Unlock()
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	if e == Discovery {
		writeJSON(w, http.StatusOK, p.discovery())
		return
	}
	writeJSON(w, http.StatusOK, p.jwks())
}

// takeFault consumes the next injected failure of e. Callers hold p.mu.
func (p *Provider) takeFault(e Endpoint) int {
	q := p.faults[e]
	if len(q) == 0 {
		return 0
	}
	status := q[0].status
	if q[0].remaining--; q[0].remaining == 0 {
		q = q[1:]
	}
	p.faults[e] = q
	return status
}

func (p *Provider) discovery() map[string]any {
	iss := p.URL()
	return map[string]any{
		"issuer":                                iss,
		"jwks_uri":                              iss + p.opts.JWKSPath,
		"response_types_supported":              []string{"id_token"},
		"subject_types_supported":               []string{"public", "pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid"},
		"claims_supported":                      []string{"sub", "aud", "exp", "iat", "iss", "nbf", "jti"},
	}
}

func (p *Provider) jwks() jose.JSONWebKeySet {
	p.mu.Lock()
	defer p.mu.Unlock()
	var set jose.JSONWebKeySet
	for _, k := range p.keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.key.PublicKey, KeyID: k.id, Algorithm: string(jose.RS256), Use: "sig"})
	}
	return set
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

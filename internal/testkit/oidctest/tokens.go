package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Claims are the claims of a token to issue. Zero fields get defaults.
type Claims struct {
	// Issuer is iss; default the provider's URL.
	Issuer string
	// Subject is sub; left out when empty.
	Subject string
	// Audience is aud: one value is sent as a string, several as a list;
	// left out when empty (see AudienceList).
	Audience []string
	// AudienceList sends aud as a list even with a single value.
	AudienceList bool
	// IssuedAt, NotBefore and Expiry are iat, nbf and exp; default now,
	// now and now plus Options.TokenLifetime.
	IssuedAt, NotBefore, Expiry time.Time
	// Extra holds more claims, merged last: they override the claims
	// above, and a nil value removes a claim (e.g. "nbf": nil).
	Extra map[string]any
}

// BadKind is a kind of token a verifier must refuse, for BadToken.
type BadKind int

const (
	// WrongKey is signed by a key the provider does not publish, under the
	// key id of its current key: the signature does not verify.
	WrongKey BadKind = iota
	// UnknownKey is signed by a key the provider does not publish, under
	// a key id it does not publish either.
	UnknownKey
	// Expired has exp ten minutes in the past (beyond the clock-skew
	// leeway of verifiers).
	Expired
	// NotYetValid has nbf an hour in the future.
	NotYetValid
	// WrongAlg is HS256, keyed with the current key's public key (the
	// classic algorithm-confusion token), under the current key id.
	WrongAlg
	// AlgNone is an unsigned token ("alg": "none").
	AlgNone
	// Garbage is not a JWT at all.
	Garbage
)

func (k BadKind) String() string {
	switch k {
	case WrongKey:
		return "WrongKey"
	case UnknownKey:
		return "UnknownKey"
	case Expired:
		return "Expired"
	case NotYetValid:
		return "NotYetValid"
	case WrongAlg:
		return "WrongAlg"
	case AlgNone:
		return "AlgNone"
	case Garbage:
		return "Garbage"
	}
	return fmt.Sprintf("BadKind(%d)", int(k))
}

// Token returns an RS256 JWT with the claims c, signed with the current
// key and naming it in its kid header.
func (p *Provider) Token(c Claims) string {
	p.mu.Lock()
	k := p.keys[len(p.keys)-1]
	p.mu.Unlock()
	return sign(jose.RS256, k.key, k.id, p.claims(c))
}

// BadToken returns a token of the given kind with claims c (for Expired
// and NotYetValid, with the times changed to make it so).
func (p *Provider) BadToken(kind BadKind, c Claims) string {
	now := p.opts.Now()
	p.mu.Lock()
	cur := p.keys[len(p.keys)-1]
	p.mu.Unlock()
	switch kind {
	case WrongKey:
		return sign(jose.RS256, newSigningKey().key, cur.id, p.claims(c))
	case UnknownKey:
		other := newSigningKey()
		return sign(jose.RS256, other.key, other.id, p.claims(c))
	case Expired:
		c.Expiry = now.Add(-10 * time.Minute)
		c.IssuedAt = c.Expiry.Add(-p.opts.TokenLifetime)
		c.NotBefore = c.IssuedAt
		return p.Token(c)
	case NotYetValid:
		c.NotBefore = now.Add(time.Hour)
		c.Expiry = c.NotBefore.Add(p.opts.TokenLifetime)
		return p.Token(c)
	case WrongAlg:
		der, err := x509.MarshalPKIXPublicKey(&cur.key.PublicKey)
		if err != nil {
			panic(fmt.Sprintf("oidctest: encoding a public key: %v", err))
		}
		return sign(jose.HS256, der, cur.id, p.claims(c))
	case AlgNone:
		header, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT", "kid": cur.id})
		payload, err := json.Marshal(p.claims(c))
		if err != nil {
			panic(fmt.Sprintf("oidctest: encoding claims: %v", err))
		}
		return b64(header) + "." + b64(payload) + "."
	case Garbage:
		return "not-a-jwt-" + b64(randomBytes(24))
	}
	panic(fmt.Sprintf("oidctest: BadToken: unknown kind %v", kind))
}

// claims is the claim set of c with the defaults filled in.
func (p *Provider) claims(c Claims) map[string]any {
	now := p.opts.Now()
	if c.Issuer == "" {
		c.Issuer = p.URL()
	}
	if c.IssuedAt.IsZero() {
		c.IssuedAt = now
	}
	if c.NotBefore.IsZero() {
		c.NotBefore = now
	}
	if c.Expiry.IsZero() {
		c.Expiry = now.Add(p.opts.TokenLifetime)
	}
	m := map[string]any{
		"iss": c.Issuer,
		"iat": c.IssuedAt.Unix(),
		"nbf": c.NotBefore.Unix(),
		"exp": c.Expiry.Unix(),
	}
	if c.Subject != "" {
		m["sub"] = c.Subject
	}
	switch {
	case len(c.Audience) == 1 && !c.AudienceList:
		m["aud"] = c.Audience[0]
	case len(c.Audience) > 0:
		m["aud"] = c.Audience
	}
	maps.Copy(m, c.Extra)
	for k, v := range c.Extra {
		if v == nil {
			delete(m, k)
		}
	}
	return m
}

// sign serializes claims as a compact JWS with alg, key and kid.
func sign(alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	if rk, ok := key.(*rsa.PrivateKey); ok {
		key = jose.JSONWebKey{Key: rk, KeyID: kid}
	}
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if _, jwk := key.(jose.JSONWebKey); !jwk {
		opts = opts.WithHeader("kid", kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		panic(fmt.Sprintf("oidctest: making a %s signer: %v", alg, err))
	}
	token, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		panic(fmt.Sprintf("oidctest: signing a token: %v", err))
	}
	return token
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("oidctest: reading random bytes: %v", err))
	}
	return b
}

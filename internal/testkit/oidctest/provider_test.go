package oidctest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/stscred/stscred/internal/testkit/oidctest"
)

var now = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return now }

func start(t *testing.T) *oidctest.Provider {
	t.Helper()
	p := oidctest.New(oidctest.Options{Now: fixedNow})
	p.Start()
	t.Cleanup(p.Close)
	return p
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK && v != nil {
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q", url, ct)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v\n%s", url, err, b)
		}
	}
	return resp.StatusCode
}

// keySet fetches the JWKS the way a relying party does: discovery, then
// jwks_uri.
func keySet(t *testing.T, issuer string) jose.JSONWebKeySet {
	t.Helper()
	var disc struct {
		Issuer  string   `json:"issuer"`
		JWKSURI string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
	}
	if st := getJSON(t, issuer+oidctest.DiscoveryPath, &disc); st != http.StatusOK {
		t.Fatalf("discovery: HTTP %d", st)
	}
	if disc.Issuer != issuer || !strings.HasPrefix(disc.JWKSURI, issuer+"/") || !slices.Contains(disc.Algs, "RS256") {
		t.Fatalf("discovery document %+v for issuer %s", disc, issuer)
	}
	var set jose.JSONWebKeySet
	if st := getJSON(t, disc.JWKSURI, &set); st != http.StatusOK {
		t.Fatalf("jwks: HTTP %d", st)
	}
	return set
}

// verify checks token against the key set as a strict relying party does
// (RS256 only, key by kid) and returns its claims.
func verify(token string, set jose.JSONWebKeySet) (map[string]any, error) {
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, err
	}
	keys := set.Key(tok.Headers[0].KeyID)
	if len(keys) != 1 {
		return nil, errors.New("no key " + tok.Headers[0].KeyID)
	}
	var claims map[string]any
	if err := tok.Claims(keys[0].Key, &claims); err != nil {
		return nil, err
	}
	return claims, nil
}

func TestDiscoveryJWKSAndToken(t *testing.T) {
	p := start(t)
	set := keySet(t, p.URL())
	if len(set.Keys) != 1 || set.Keys[0].KeyID != p.KeyID() || !set.Keys[0].IsPublic() || set.Keys[0].Algorithm != "RS256" || set.Keys[0].Use != "sig" {
		t.Fatalf("key set %+v, want the public key %s", set.Keys, p.KeyID())
	}
	token := p.Token(oidctest.Claims{
		Subject:  "system:serviceaccount:ci:deploy",
		Audience: []string{"sts.amazonaws.com"},
		Extra:    map[string]any{"email": "ci@example.com", "nbf": nil},
	})
	claims, err := verify(token, set)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"iss": p.URL(), "sub": "system:serviceaccount:ci:deploy", "aud": "sts.amazonaws.com",
		"iat": float64(now.Unix()), "exp": float64(now.Add(time.Hour).Unix()), "email": "ci@example.com",
	}
	if len(claims) != len(want) {
		t.Errorf("claims %v, want %v", claims, want)
	}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, claims[k], v)
		}
	}
	tok, _ := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if typ := tok.Headers[0].ExtraHeaders["typ"]; typ != "JWT" {
		t.Errorf("typ header %v", typ)
	}

	// Several audiences, or one forced into a list.
	for _, c := range []oidctest.Claims{
		{Audience: []string{"a", "b"}},
		{Audience: []string{"a"}, AudienceList: true},
	} {
		claims, err := verify(p.Token(c), set)
		if err != nil {
			t.Fatal(err)
		}
		if _, isList := claims["aud"].([]any); !isList {
			t.Errorf("aud %#v for %v, want a list", claims["aud"], c.Audience)
		}
	}
}

func TestRotateAndRetireKeys(t *testing.T) {
	p := start(t)
	old := p.KeyID()
	oldToken := p.Token(oidctest.Claims{Subject: "s"})
	kid := p.RotateKey()
	if kid == old || p.KeyID() != kid || !slices.Equal(p.KeyIDs(), []string{old, kid}) {
		t.Fatalf("after rotation: current %s, published %v (old %s, new %s)", p.KeyID(), p.KeyIDs(), old, kid)
	}
	newToken := p.Token(oidctest.Claims{Subject: "s"})
	set := keySet(t, p.URL())
	for _, tok := range []string{oldToken, newToken} {
		if _, err := verify(tok, set); err != nil {
			t.Errorf("during rotation: %v", err)
		}
	}
	if err := p.RetireKey(kid); err == nil {
		t.Error("retired the current signing key")
	}
	if err := p.RetireKey(old); err != nil {
		t.Fatal(err)
	}
	set = keySet(t, p.URL())
	if _, err := verify(oldToken, set); err == nil {
		t.Error("token of a retired key verified")
	}
	if _, err := verify(newToken, set); err != nil {
		t.Error(err)
	}
}

func TestBadTokens(t *testing.T) {
	p := start(t)
	set := keySet(t, p.URL())
	c := oidctest.Claims{Subject: "s", Audience: []string{"sts.amazonaws.com"}}
	for _, tc := range []struct {
		kind oidctest.BadKind
		// wantTime: the token verifies, but its times are wrong.
		wantTime func(claims jwt.Claims) error
	}{
		{kind: oidctest.WrongKey},
		{kind: oidctest.UnknownKey},
		{kind: oidctest.WrongAlg},
		{kind: oidctest.AlgNone},
		{kind: oidctest.Garbage},
		{kind: oidctest.Expired, wantTime: func(cl jwt.Claims) error { return cl.ValidateWithLeeway(jwt.Expected{Time: now}, 0) }},
		{kind: oidctest.NotYetValid, wantTime: func(cl jwt.Claims) error { return cl.ValidateWithLeeway(jwt.Expected{Time: now}, 0) }},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			token := p.BadToken(tc.kind, c)
			claims, err := verify(token, set)
			if tc.wantTime == nil {
				if err == nil {
					t.Fatalf("verified: %v", claims)
				}
				return
			}
			if err != nil {
				t.Fatalf("a %v token must be well signed: %v", tc.kind, err)
			}
			tok, _ := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
			var std jwt.Claims
			if err := tok.UnsafeClaimsWithoutVerification(&std); err != nil {
				t.Fatal(err)
			}
			wantErr := map[oidctest.BadKind]error{oidctest.Expired: jwt.ErrExpired, oidctest.NotYetValid: jwt.ErrNotValidYet}[tc.kind]
			if err := tc.wantTime(std); !errors.Is(err, wantErr) {
				t.Errorf("time validation: %v, want %v", err, wantErr)
			}
		})
	}
	// The control: a good token verifies and its times are valid.
	good := p.Token(c)
	claims, err := verify(good, set)
	if err != nil || claims["sub"] != "s" {
		t.Fatalf("good token: %v %v", claims, err)
	}
	tok, _ := jwt.ParseSigned(good, []jose.SignatureAlgorithm{jose.RS256})
	var std jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&std); err != nil {
		t.Fatal(err)
	}
	if err := std.ValidateWithLeeway(jwt.Expected{Time: now}, 0); err != nil {
		t.Errorf("good token's times: %v", err)
	}
}

func TestFailAndRequests(t *testing.T) {
	p := start(t)
	if err := p.Fail(oidctest.JWKS, http.StatusServiceUnavailable, 2); err != nil {
		t.Fatal(err)
	}
	if err := p.Fail(oidctest.JWKS, 200, 1); err == nil {
		t.Error("Fail accepted status 200")
	}
	var disc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	getJSON(t, p.URL()+oidctest.DiscoveryPath, &disc)
	for i, want := range []int{503, 503, 200} {
		if st := getJSON(t, disc.JWKSURI, nil); st != want {
			t.Errorf("JWKS request %d: HTTP %d, want %d", i+1, st, want)
		}
	}
	if d, j := p.Requests(oidctest.Discovery), p.Requests(oidctest.JWKS); d != 1 || j != 3 {
		t.Errorf("requests: discovery %d, jwks %d; want 1, 3", d, j)
	}
	if st := getJSON(t, p.URL()+"/other", nil); st != http.StatusNotFound {
		t.Errorf("unknown path: HTTP %d", st)
	}
}

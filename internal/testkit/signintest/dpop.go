package signintest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// A DPoP proof (RFC 9449) comes with every CreateOAuth2Token: a JWS in the
// DPoP header whose protected header is
// {"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x","y"}}
// and whose payload is {"jti","htm":"POST","htu":<the request URL>,"iat"},
// signed with the session's P-256 key (raw r||s, 64 bytes). The server
// checks it as RFC 9449 section 4.3 says and binds the session's refresh
// tokens to the key's RFC 7638 thumbprint.

// coordSize is the size of a P-256 coordinate in bytes.
const coordSize = 32

// proof is a verified DPoP proof.
type proof struct {
	thumbprint string // RFC 7638, SHA-256, base64url
	jti        string
	iat        time.Time
}

// checkProof verifies the DPoP proof of a token request and remembers its
// jti. Callers hold s.mu.
func (s *Server) checkProof(r *http.Request, now time.Time) (*proof, *apiError) {
	values := r.Header.Values("DPoP")
	switch len(values) {
	case 0:
		return nil, invalid("DPoP proof is required")
	case 1:
	default:
		return nil, invalid("Invalid DPoP proof: more than one DPoP header")
	}
	p, key, err := s.verifyProof(values[0])
	if err != nil {
		return nil, invalid("Invalid DPoP proof: %v", err)
	}
	if err := matchRequest(p, r); err != nil {
		return nil, invalid("Invalid DPoP proof: %v", err)
	}
	sec := math.Floor(p.Iat)
	iat := time.Unix(int64(sec), int64((p.Iat-sec)*1e9))
	if d := iat.Sub(now).Abs(); d > s.opts.ProofWindow {
		// What users of the real service with a skewed clock got.
		return nil, denied(TokenExpired, msgTokenExpired)
	}
	tp, err := (&jose.JSONWebKey{Key: key}).Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, invalid("Invalid DPoP proof: %v", err)
	}
	out := &proof{thumbprint: base64.RawURLEncoding.EncodeToString(tp), jti: p.Jti, iat: iat}
	for k, until := range s.jtis {
		if !now.Before(until) {
			delete(s.jtis, k)
		}
	}
	seen := out.thumbprint + " " + out.jti
	if _, replay := s.jtis[seen]; replay {
		return nil, invalid("Invalid DPoP proof: jti %q was used before", p.Jti)
	}
	// A proof stays acceptable while its iat is in the window: remember
	// its jti that long.
	s.jtis[seen] = iat.Add(s.opts.ProofWindow + time.Second)
	return out, nil
}

// proofClaims are the claims of a DPoP proof.
type proofClaims struct {
	Jti string
	Htm string
	Htu string
	Iat float64
}

// verifyProof checks the JWS of a DPoP proof: its header, its key and its
// signature, and returns its claims and key. The signature is verified
// with go-jose, except for a key whose x or y is shorter than 32 bytes
// (the Go SDK sends one for about one key in 128), which go-jose refuses
// to parse: that signature is checked with crypto/ecdsa instead, unless
// Options.StrictJWK refuses such keys.
func (s *Server) verifyProof(token string) (*proofClaims, *ecdsa.PublicKey, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, nil, fmt.Errorf("not a compact JWS")
	}
	rawHeader, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, nil, fmt.Errorf("header is not base64url: %v", err)
	}
	var header struct {
		Typ *string         `json:"typ"`
		Alg *string         `json:"alg"`
		JWK json.RawMessage `json:"jwk"`
	}
	if err := json.Unmarshal(rawHeader, &header); err != nil {
		return nil, nil, fmt.Errorf("header is not a JSON object: %v", err)
	}
	switch {
	case header.Typ == nil || *header.Typ != "dpop+jwt":
		return nil, nil, fmt.Errorf("typ must be dpop+jwt")
	case header.Alg == nil || *header.Alg != string(jose.ES256):
		return nil, nil, fmt.Errorf("alg must be ES256")
	case header.JWK == nil:
		return nil, nil, fmt.Errorf("jwk is missing")
	}
	key, padded, err := s.parseJWK(header.JWK)
	if err != nil {
		return nil, nil, err
	}
	var payload []byte
	if padded {
		payload, err = verifyRaw(parts, key)
	} else {
		payload, err = verifyJOSE(token, key)
	}
	if err != nil {
		return nil, nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(payload, &raw); err != nil {
		return nil, nil, fmt.Errorf("payload is not a JSON object: %v", err)
	}
	var c proofClaims
	for name, dst := range map[string]any{"jti": &c.Jti, "htm": &c.Htm, "htu": &c.Htu, "iat": &c.Iat} {
		v, ok := raw[name]
		if !ok {
			return nil, nil, fmt.Errorf("%s is missing", name)
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return nil, nil, fmt.Errorf("%s has the wrong type", name)
		}
	}
	if c.Jti == "" {
		return nil, nil, fmt.Errorf("jti is empty")
	}
	if math.IsNaN(c.Iat) || c.Iat < 0 || c.Iat > 1e11 {
		return nil, nil, fmt.Errorf("iat is not a time")
	}
	return &c, key, nil
}

// parseJWK reads the public EC P-256 key of a proof's jwk, and reports
// whether a coordinate had to be padded to 32 bytes.
func (s *Server) parseJWK(raw json.RawMessage) (*ecdsa.PublicKey, bool, error) {
	var jwk map[string]json.RawMessage
	if err := json.Unmarshal(raw, &jwk); err != nil {
		return nil, false, fmt.Errorf("jwk is not a JSON object")
	}
	str := func(name string) string {
		var v string
		if json.Unmarshal(jwk[name], &v) != nil {
			return ""
		}
		return v
	}
	if _, private := jwk["d"]; private {
		return nil, false, fmt.Errorf("jwk holds a private key")
	}
	if str("kty") != "EC" || str("crv") != "P-256" {
		return nil, false, fmt.Errorf("jwk must be an EC P-256 key")
	}
	padded := false
	var point [1 + 2*coordSize]byte
	point[0] = 4 // uncompressed
	for i, name := range []string{"x", "y"} {
		b, err := base64.RawURLEncoding.DecodeString(str(name))
		if err != nil || len(b) == 0 || len(b) > coordSize {
			return nil, false, fmt.Errorf("jwk %s is not a base64url coordinate of at most 32 bytes", name)
		}
		if len(b) < coordSize {
			if s.opts.StrictJWK {
				return nil, false, fmt.Errorf("jwk %s has %d bytes, not 32 (RFC 7518 section 6.2.1.2)", name, len(b))
			}
			padded = true
		}
		copy(point[1+i*coordSize+coordSize-len(b):], b)
	}
	key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point[:])
	if err != nil {
		return nil, false, fmt.Errorf("jwk is not a point of P-256")
	}
	return key, padded, nil
}

// verifyJOSE verifies a proof with go-jose against the key its header
// carries.
func verifyJOSE(token string, key *ecdsa.PublicKey) ([]byte, error) {
	obj, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		return nil, fmt.Errorf("%v", err)
	}
	if len(obj.Signatures) != 1 {
		return nil, fmt.Errorf("want one signature")
	}
	jwk := obj.Signatures[0].Protected.JSONWebKey
	if jwk == nil || !jwk.IsPublic() {
		return nil, fmt.Errorf("jwk is not a public key")
	}
	if k, ok := jwk.Key.(*ecdsa.PublicKey); !ok || !k.Equal(key) {
		return nil, fmt.Errorf("jwk is not the key read")
	}
	payload, err := obj.Verify(jwk)
	if err != nil {
		return nil, fmt.Errorf("signature: %v", err)
	}
	return payload, nil
}

// verifyRaw verifies an ES256 JWS by hand: the signature is r||s, 32
// bytes each, over the SHA-256 of header.payload.
func verifyRaw(parts []string, key *ecdsa.PublicKey) ([]byte, error) {
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 2*coordSize {
		return nil, fmt.Errorf("signature: not 64 bytes of base64url")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r := new(big.Int).SetBytes(sig[:coordSize])
	sv := new(big.Int).SetBytes(sig[coordSize:])
	if !ecdsa.Verify(key, digest[:], r, sv) {
		return nil, fmt.Errorf("signature: does not verify")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("payload is not base64url")
	}
	return payload, nil
}

// matchRequest checks htm and htu against the request (RFC 9449 section
// 4.3: the URI without query and fragment, compared after syntax-based
// normalization).
func matchRequest(c *proofClaims, r *http.Request) error {
	if c.Htm != r.Method {
		return fmt.Errorf("htm %q is not %s", c.Htm, r.Method)
	}
	got, err := normalizeHTU(c.Htu)
	if err != nil {
		return fmt.Errorf("htu %q is not a URL", c.Htu)
	}
	want, _ := normalizeHTU(baseURL(r) + r.URL.Path)
	if got != want {
		return fmt.Errorf("htu %q is not the request's URL %s", c.Htu, want)
	}
	return nil
}

// normalizeHTU lower-cases scheme and host, drops a default port, the
// query and the fragment.
func normalizeHTU(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" || u.User != nil {
		return "", fmt.Errorf("not an absolute URL")
	}
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if h, port, ok := strings.Cut(host, ":"); ok && (scheme == "http" && port == "80" || scheme == "https" && port == "443") {
		host = h
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path, nil
}

// NewProof makes the DPoP proof a client sends with a request: a JWS
// signed with key (ES256, go-jose), whose header carries the public key
// (x and y padded to 32 bytes) and whose payload has a fresh random jti,
// htm, htu and iat.
func NewProof(key *ecdsa.PrivateKey, htm, htu string, iat time.Time) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key},
		(&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt"))
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(map[string]any{"jti": newJTI(), "htm": htm, "htu": htu, "iat": iat.Unix()})
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

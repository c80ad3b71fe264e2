package signin

import (
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// proof is a DPoP proof (RFC 9449) for a POST to htu at now, signed with
// key: a JWS with typ dpop+jwt, alg ES256 and the public key as jwk (its
// coordinates padded to 32 bytes), and the claims jti (random, never
// reused), htm, htu and iat.
func proof(key *ecdsa.PrivateKey, htu string, now time.Time) (string, error) {
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	payload, err := json.Marshal(struct {
		JTI string `json:"jti"`
		HTM string `json:"htm"`
		HTU string `json:"htu"`
		IAT int64  `json:"iat"`
	}{base64.RawURLEncoding.EncodeToString(jti), "POST", htu, now.Unix()})
	if err != nil {
		return "", err
	}
	opts := (&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt")
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, opts)
	if err != nil {
		return "", fmt.Errorf("making the proof: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("signing the proof: %w", err)
	}
	return jws.CompactSerialize()
}

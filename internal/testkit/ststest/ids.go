package ststest

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"fmt"
)

const (
	// idAlphabet is what AWS uses after the 4-letter prefix of access key,
	// user and role ids: uppercase letters and the digits 2-7.
	idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	// secretAlphabet is the alphabet of secret access keys (base64).
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	// tokenPrefix starts every session token, like the tokens of the real
	// service: base64 of it is "IQoJb3JpZ2luX2Vj".
	tokenPrefix = "!\n\torigin_ec"
)

// randomBytes fills n bytes from crypto/rand. It panics if the system's
// random source fails, which leaves nothing sensible to do in a test server.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("ststest: reading random bytes: %v", err))
	}
	return b
}

// randomString returns n characters drawn uniformly from alphabet, whose
// length must divide 256.
func randomString(alphabet string, n int) string {
	b := randomBytes(n)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// newID returns prefix followed by n characters of idAlphabet, e.g.
// newID("AKIA", 16) for an access key id.
func newID(prefix string, n int) string { return prefix + randomString(idAlphabet, n) }

// newSecret returns a 40-character secret access key.
func newSecret() string { return randomString(secretAlphabet, 40) }

// newSessionToken returns an unguessable base64 token of realistic length
// (size random bytes after the prefix).
func newSessionToken(size int) string {
	return base64.StdEncoding.EncodeToString(append([]byte(tokenPrefix), randomBytes(size)...))
}

// newTOTPSecret returns a base32 secret of 40 random bytes (64 characters),
// the size of the real service's virtual MFA seeds.
func newTOTPSecret() string {
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(randomBytes(40))
}

// newRequestID returns a random version-4 UUID.
func newRequestID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

package ststest

import (
	"encoding/base32"
	"encoding/base64"

	"github.com/stscred/stscred/internal/testkit/testsrv"
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

// newID returns prefix followed by n characters of idAlphabet, e.g.
// newID("AKIA", 16) for an access key id.
func newID(prefix string, n int) string { return prefix + testsrv.RandomString(idAlphabet, n) }

// newSecret returns a 40-character secret access key.
func newSecret() string { return testsrv.RandomString(secretAlphabet, 40) }

// newSessionToken returns an unguessable base64 token of realistic length
// (size random bytes after the prefix).
func newSessionToken(size int) string {
	return base64.StdEncoding.EncodeToString(append([]byte(tokenPrefix), testsrv.RandomBytes(size)...))
}

// newTOTPSecret returns a base32 secret of 40 random bytes (64 characters),
// the size of the real service's virtual MFA seeds.
func newTOTPSecret() string {
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(testsrv.RandomBytes(40))
}

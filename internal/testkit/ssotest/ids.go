package ssotest

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// randomBytes fills n bytes from crypto/rand. It panics if the system's
// random source fails, which leaves nothing sensible to do in a test server.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("ssotest: reading random bytes: %v", err))
	}
	return b
}

// randomString returns n characters drawn uniformly enough from alphabet
// (its length should divide 256; a small bias does not matter here).
func randomString(alphabet string, n int) string {
	b := randomBytes(n)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// b64 is unpadded base64url, the encoding of every token the service issues.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// newClientID looks like the service's client ids: 16 random bytes, then
// the region, base64url-encoded ("...dXMtZWFzdC0x" for us-east-1).
func newClientID(region string) string {
	return b64(randomBytes(16)) + b64([]byte(region))
}

// newJWTLike returns three base64url segments: client secrets and device
// codes of the real service are JWTs of a few hundred characters.
func newJWTLike(kind string, n int) string {
	header := b64([]byte(`{"kid":"key-` + randomString("0123456789", 10) + `","alg":"HS384"}`))
	payload := b64(append([]byte(`{"serialized":"`+kind+`",`), randomBytes(n)...))
	return header + "." + payload + "." + b64(randomBytes(48))
}

// newAccessToken and newRefreshToken look like the service's: "aoa" and
// "aor" followed by a long base64url string.
func newAccessToken() string  { return "aoa" + b64(randomBytes(300)) }
func newRefreshToken() string { return "aor" + b64(randomBytes(300)) }

// newAuthCode is an authorization code: opaque, single use.
func newAuthCode() string { return b64(randomBytes(64)) }

// userCodeAlphabet has no vowels and no easily confused letters, like the
// codes the service shows ("BFLT-VZRW").
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

func newUserCode() string {
	s := randomString(userCodeAlphabet, 8)
	return s[:4] + "-" + s[4:]
}

// newHex16 is the 16-hex-digit suffix of an AWSReservedSSO_ role name.
func newHex16() string { return fmt.Sprintf("%x", randomBytes(8)) }

// newUUID returns a random version-4 UUID (request ids, user ids).
func newUUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

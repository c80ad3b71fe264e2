package ssotest

import (
	"encoding/base64"
	"fmt"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// b64 is unpadded base64url, the encoding of every token the service issues.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// newClientID looks like the service's client ids: 16 random bytes, then
// the region, base64url-encoded ("...dXMtZWFzdC0x" for us-east-1).
func newClientID(region string) string {
	return b64(testsrv.RandomBytes(16)) + b64([]byte(region))
}

// newJWTLike returns three base64url segments: client secrets and device
// codes of the real service are JWTs of a few hundred characters.
func newJWTLike(kind string, n int) string {
	header := b64([]byte(`{"kid":"key-` + testsrv.RandomString("0123456789", 10) + `","alg":"HS384"}`))
	payload := b64(append([]byte(`{"serialized":"`+kind+`",`), testsrv.RandomBytes(n)...))
	return header + "." + payload + "." + b64(testsrv.RandomBytes(48))
}

// newAccessToken and newRefreshToken look like the service's: "aoa" and
// "aor" followed by a long base64url string.
func newAccessToken() string  { return "aoa" + b64(testsrv.RandomBytes(300)) }
func newRefreshToken() string { return "aor" + b64(testsrv.RandomBytes(300)) }

// newAuthCode is an authorization code: opaque, single use.
func newAuthCode() string { return b64(testsrv.RandomBytes(64)) }

// userCodeAlphabet has no vowels and no easily confused letters, like the
// codes the service shows ("BFLT-VZRW").
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

func newUserCode() string {
	s := testsrv.RandomString(userCodeAlphabet, 8)
	return s[:4] + "-" + s[4:]
}

// newHex16 is the 16-hex-digit suffix of an AWSReservedSSO_ role name.
func newHex16() string { return fmt.Sprintf("%x", testsrv.RandomBytes(8)) }

package signintest

import (
	"encoding/base64"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// b64 is unpadded base64url.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// newAuthCode is an authorization code: opaque, single use.
func newAuthCode() string { return b64(testsrv.RandomBytes(48)) }

// newRefreshToken is an opaque refresh token of a few hundred characters.
func newRefreshToken() string { return b64(testsrv.RandomBytes(256)) }

// newJTI is a DPoP proof's jti: a random UUID, as the SDKs send.
func newJTI() string { return testsrv.UUID() }

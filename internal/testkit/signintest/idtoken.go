package signintest

import (
	"net/http"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// idToken signs the ID token of a code exchange: a JWT (ES256) whose sub
// is the identity's ARN, the login_session the client writes to the
// config. Its other claims are what an OpenID Connect ID token carries: iss
// (the server as the client reached it), aud (the client id), iat, and exp
// (when the first credentials expire). Callers hold s.mu.
func (s *Server) idToken(c *call, sess *session) (string, *apiError) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: s.idKey},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", s.idKeyID))
	if err != nil {
		return "", &apiError{status: http.StatusInternalServerError, typ: InternalServerException, code: ServerError, message: err.Error()}
	}
	claims := jwt.Claims{
		Issuer:   baseURL(c.r),
		Subject:  sess.ARN,
		Audience: jwt.Audience{sess.ClientID},
		IssuedAt: jwt.NewNumericDate(c.now),
		Expiry:   jwt.NewNumericDate(c.now.Add(min(s.opts.CredentialLifetime, sess.Ends.Sub(c.now))).Truncate(time.Second)),
	}
	tok, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", &apiError{status: http.StatusInternalServerError, typ: InternalServerException, code: ServerError, message: err.Error()}
	}
	return tok, nil
}

// IDTokenKey is the public key the ID tokens are signed with, for tests
// that verify them.
func (s *Server) IDTokenKey() jose.JSONWebKey {
	return jose.JSONWebKey{Key: &s.idKey.PublicKey, KeyID: s.idKeyID, Algorithm: string(jose.ES256), Use: "sig"}
}

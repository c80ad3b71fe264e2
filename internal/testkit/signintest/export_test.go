package signintest

import (
	"context"
	"crypto/ecdsa"
)

// SignInWithKey is SignIn with a given DPoP key, for the tests of keys the
// Go SDK's signer sends oddly.
func (s *Server) SignInWithKey(ctx context.Context, key *ecdsa.PrivateKey) (Login, error) {
	return s.signIn(ctx, key)
}

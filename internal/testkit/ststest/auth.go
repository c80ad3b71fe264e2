package ststest

import (
	"crypto/subtle"
	"net/http"
	"time"
)

// authenticate verifies the SigV4 signature of r against the keys and
// sessions the server knows, for a service's scope, and returns who signed.
func (s *Server) authenticate(r *http.Request, body []byte, scope sigV4Scope, now time.Time) (*caller, *apiError) {
	a, err := parseSigV4(r)
	if err != nil {
		return nil, err
	}
	if err := a.checkScope(scope); err != nil {
		return nil, err
	}
	if err := a.checkAge(now); err != nil {
		return nil, err
	}
	s.mu.Lock()
	c, secret, err := s.lookupCredentials(a.accessKeyID, r.Header.Get("X-Amz-Security-Token"), now)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := a.verify(r, body, secret); err != nil {
		return nil, err
	}
	return c, nil
}

// lookupCredentials finds the secret of an access key id and checks the
// session token that must (or must not) come with it. Callers hold s.mu.
func (s *Server) lookupCredentials(keyID, token string, now time.Time) (*caller, string, *apiError) {
	if k, ok := s.keys[keyID]; ok {
		// An inactive key, a key IAM has not propagated yet, or a
		// long-term key sent with a session token.
		if !k.active || now.Before(k.usableAt) || token != "" {
			return nil, "", newError(codeInvalidClientTokenID, "%s", msgInvalidToken)
		}
		return &caller{keyID: keyID, user: k.user}, k.key.Secret, nil
	}
	if sess, ok := s.sessions[keyID]; ok {
		if subtle.ConstantTimeCompare([]byte(token), []byte(sess.token)) != 1 {
			return nil, "", newError(codeInvalidClientTokenID, "%s", msgInvalidToken)
		}
		if !now.Before(sess.Expiration) {
			return nil, "", newError(codeExpiredToken, "%s", msgExpiredToken)
		}
		return &caller{keyID: keyID, user: sess.user, session: sess}, sess.secret, nil
	}
	return nil, "", newError(codeInvalidClientTokenID, "%s", msgInvalidToken)
}

// describeKey returns the ARN and account behind an access key id, or empty
// strings, for the messages of injected faults. Callers hold s.mu.
func (s *Server) describeKey(keyID string) (arn, account string) {
	if k, ok := s.keys[keyID]; ok {
		return k.user.arn(), k.user.account
	}
	if sess, ok := s.sessions[keyID]; ok {
		c := caller{keyID: keyID, user: sess.user, session: sess}
		return c.arn(), c.account()
	}
	return "", ""
}

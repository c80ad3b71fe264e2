package ssotest

import (
	"context"
)

// A test playing the user must act after the client under test started a
// sign-in, without sleeping: WaitUserCode and WaitAuthorization block until
// there is something to decide.

// changed returns a channel closed at the next change of the pending
// device and authorization requests. Callers hold s.mu.
func (s *Server) changed() <-chan struct{} {
	if s.change == nil {
		s.change = make(chan struct{})
	}
	return s.change
}

// notify wakes the waiters. Callers hold s.mu.
func (s *Server) notify() {
	if s.change != nil {
		close(s.change)
		s.change = nil
	}
}

// WaitUserCode returns the oldest user code waiting for the user (see
// PendingUserCodes), waiting for a client to start a device authorization
// if there is none, until ctx is done.
func (s *Server) WaitUserCode(ctx context.Context) (string, error) {
	for {
		s.mu.Lock()
		ch := s.changed()
		s.mu.Unlock()
		if codes := s.PendingUserCodes(); len(codes) > 0 {
			return codes[0], nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return "", errorf("waiting for a device authorization: %v", ctx.Err())
		}
	}
}

// WaitAuthorization returns the oldest /authorize request waiting for a
// decision (BrowserWait, see PendingAuthorizations), waiting for one if
// there is none, until ctx is done.
func (s *Server) WaitAuthorization(ctx context.Context) (Authorization, error) {
	for {
		s.mu.Lock()
		ch := s.changed()
		s.mu.Unlock()
		if p := s.PendingAuthorizations(); len(p) > 0 {
			return p[0], nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return Authorization{}, errorf("waiting for an authorization request: %v", ctx.Err())
		}
	}
}

package signintest

import "context"

// A test playing the user must act after the client under test started a
// sign-in, without sleeping: WaitAuthorization blocks until there is
// something to decide.

// changed returns a channel closed at the next change of the pending
// authorization requests. Callers hold s.mu.
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

// WaitAuthorization returns the oldest /v1/authorize request waiting for a
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

package ststest

import "time"

// Request is one STS or IAM API request, or one request to the federation
// endpoint, as the server saw it.
type Request struct {
	// Service is "sts" or "iam": the API the request went to, by the
	// service its signature's credential scope names (STS when it names
	// none or another); "signin" for the federation endpoint.
	Service string `json:"service"`
	// Action is the Action parameter: an STS or IAM action, or
	// "getSigninToken" or "login".
	Action string `json:"action"`
	// AccessKeyID is the key id named in the Authorization header, whether
	// or not the signature verified; empty when there was none. For the
	// federation endpoint it is the session's: the sessionId sent to
	// getSigninToken, or the one behind the sign-in token of a login.
	AccessKeyID string    `json:"accessKeyId,omitempty"`
	Time        time.Time `json:"time"` // server clock, when received
	Status      int       `json:"status"`
	// Code is the error code sent, empty on success. The federation
	// endpoint sends none: its refusals have the status text here ("Bad
	// Request"), or the injected fault's code, and Message says why
	// ststest refused, which the real endpoint's page does not.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// record counts a request's success and logs it. Callers hold s.mu.
func (s *Server) record(req Request) {
	if req.Code == "" {
		s.log.Record(req, req.Action)
	} else {
		s.log.Record(req)
	}
}

// Calls is how many requests named action (AnyAction: all requests),
// whatever their outcome: injected faults, refused signatures and
// validation errors included. The federation endpoint's actions are
// "getSigninToken" and "login".
func (s *Server) Calls(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Calls(action)
}

// Successes is how many requests for action (AnyAction: for any action)
// succeeded.
func (s *Server) Successes(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Successes(action)
}

// Counts returns the per-action call and success counts.
func (s *Server) Counts() (calls, successes map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Counts()
}

// Requests returns the most recent requests (up to 10000), oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Requests()
}

// ResetCounts zeroes the call and success counts and empties the request
// log, the lists of accepted MFA codes and the list of console sign-ins
// (Logins). It does not forget which codes were used: a used code stays
// refused; nor sign-in tokens, which work until they expire.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log.Reset()
	s.logins = nil
	for _, d := range s.devices {
		d.accepted = nil
	}
}

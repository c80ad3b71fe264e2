package ststest

import (
	"maps"
	"time"
)

// maxLoggedRequests bounds the request log; older entries are dropped.
const maxLoggedRequests = 10000

// Request is one STS or IAM API request as the server saw it.
type Request struct {
	// Service is "sts" or "iam": the API the request went to, by the
	// service its signature's credential scope names (STS when it names
	// none or another).
	Service string `json:"service"`
	Action  string `json:"action"`
	// AccessKeyID is the key id named in the Authorization header, whether
	// or not the signature verified; empty when there was none.
	AccessKeyID string    `json:"accessKeyId,omitempty"`
	Time        time.Time `json:"time"` // server clock, when received
	Status      int       `json:"status"`
	// Code is the error code sent, empty on success.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// record counts a request and logs it. Callers hold s.mu.
func (s *Server) record(req Request) {
	if req.Code == "" {
		s.successes[req.Action]++
	}
	if len(s.requests) >= maxLoggedRequests {
		s.requests = append(s.requests[:0], s.requests[1:]...)
	}
	s.requests = append(s.requests, req)
}

// Calls is how many requests named action (AnyAction: all requests),
// whatever their outcome: injected faults, refused signatures and
// validation errors included.
func (s *Server) Calls(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return countOf(s.calls, action)
}

// Successes is how many requests for action (AnyAction: for any action)
// succeeded.
func (s *Server) Successes(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return countOf(s.successes, action)
}

func countOf(m map[string]int, action string) int {
	if action != AnyAction {
		return m[action]
	}
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}

// Counts returns the per-action call and success counts.
func (s *Server) Counts() (calls, successes map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls), maps.Clone(s.successes)
}

// Requests returns the most recent requests (up to 10000), oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetCounts zeroes the call and success counts and empties the request log
// and the lists of accepted MFA codes. It does not forget which codes were
// used: a used code stays refused.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.calls)
	clear(s.successes)
	s.requests = nil
	for _, d := range s.devices {
		d.accepted = nil
	}
}

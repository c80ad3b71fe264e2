// Package keystoretest is an in-memory keystore.Store for tests: it is
// never linked into stscred itself.
package keystoretest

import (
	"fmt"
	"sync"

	"github.com/stscred/stscred/keystore"
)

// Memory is an in-memory Store for unit tests. Err, when set, is returned
// by every call, to simulate an unreachable keyring; FailSet by Set only
// (a keyring that reads but cannot write).
type Memory struct {
	mu      sync.Mutex
	m       map[string]string
	Err     error
	FailSet error
}

// NewMemory returns an empty Memory store.
func NewMemory() *Memory { return &Memory{m: map[string]string{}} }

func (s *Memory) Get(name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return "", s.Err
	}
	v, ok := s.m[name]
	if !ok {
		return "", fmt.Errorf("%s: %w", name, keystore.ErrNotFound)
	}
	return v, nil
}

func (s *Memory) Set(name, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return s.Err
	}
	if s.FailSet != nil {
		return s.FailSet
	}
	s.m[name] = secret
	return nil
}

func (s *Memory) Delete(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return s.Err
	}
	if _, ok := s.m[name]; !ok {
		return fmt.Errorf("%s: %w", name, keystore.ErrNotFound)
	}
	delete(s.m, name)
	return nil
}

func (s *Memory) Backend() string { return "memory" }

// Len reports how many entries are stored.
func (s *Memory) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

package identitycenter_test

import (
	"bytes"
	"context"
	"regexp"
	"sync"
	"time"

	"github.com/stscred/stscred/internal/testkit/testclock"
)

// syncBuffer is the user's terminal (Out), safe for concurrent use. When
// user is set, it plays the user who reads a URL off the terminal and
// opens it.
type syncBuffer struct {
	mu   sync.Mutex
	b    bytes.Buffer
	user func(url string)
}

var manualURL = regexp.MustCompile(`open this URL in a browser[^:]*: (\S+)`)

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	n, err := s.b.Write(p)
	user := s.user
	s.mu.Unlock()
	if m := manualURL.FindSubmatch(p); m != nil && user != nil {
		go user(string(m[1]))
	}
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// locks is a Lock over in-process mutexes, one per name, that honours
// ctx; it counts who asked.
type locks struct {
	mu    sync.Mutex
	held  map[string]chan struct{}
	calls map[string]int
	asked chan string // every Lock call's doing, when not nil
}

func newLocks() *locks {
	return &locks{held: map[string]chan struct{}{}, calls: map[string]int{}}
}

func (l *locks) Lock(ctx context.Context, name, doing string) (func(), error) {
	l.mu.Lock()
	ch := l.held[name]
	if ch == nil {
		ch = make(chan struct{}, 1)
		l.held[name] = ch
	}
	l.calls[doing]++
	asked := l.asked
	l.mu.Unlock()
	if asked != nil {
		asked <- doing
	}
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// sleeper is the device flow's Sleep: it records the intervals, moves the
// clock on instead of waiting, and then runs after (the user acting
// between polls).
type sleeper struct {
	mu        sync.Mutex
	clock     *testclock.Clock
	intervals []time.Duration
	after     func(n int) // n: how many sleeps so far
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	s.intervals = append(s.intervals, d)
	n, after := len(s.intervals), s.after
	s.mu.Unlock()
	s.clock.Advance(d)
	if after != nil {
		after(n)
	}
	return nil
}

func (s *sleeper) Intervals() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.intervals...)
}

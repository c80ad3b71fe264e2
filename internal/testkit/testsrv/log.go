package testsrv

import (
	"maps"
	"slices"
)

// MaxLoggedRequests bounds the request log; older entries are dropped.
const MaxLoggedRequests = 10000

// Log counts the calls and successes of a server's operations, by name,
// and keeps its most recent requests (of type R). It is not safe for
// concurrent use: a server guards it with the lock of the rest of its
// state.
type Log[R any] struct {
	all      string            // the name that stands for every operation
	summed   func(string) bool // the names all sums; nil: every one
	calls    map[string]int
	success  map[string]int
	requests []R
}

// NewLog returns an empty log. all is the name that stands for every
// operation in Calls and Successes; for it they sum the counts of the
// names summed accepts (nil: of every name), so that a name counting a
// kind of another operation's calls is not counted twice.
func NewLog[R any](all string, summed func(name string) bool) *Log[R] {
	return &Log[R]{all: all, summed: summed, calls: map[string]int{}, success: map[string]int{}}
}

// Called counts a call of each of names.
func (l *Log[R]) Called(names ...string) {
	for _, n := range names {
		l.calls[n]++
	}
}

// Record counts a success of each of succeeded and logs req.
func (l *Log[R]) Record(req R, succeeded ...string) {
	for _, n := range succeeded {
		l.success[n]++
	}
	if len(l.requests) >= MaxLoggedRequests {
		l.requests = append(l.requests[:0], l.requests[1:]...)
	}
	l.requests = append(l.requests, req)
}

// Calls is how many calls name had (the all name: every operation).
func (l *Log[R]) Calls(name string) int { return l.count(l.calls, name) }

// Successes is how many calls of name succeeded (the all name: of every
// operation).
func (l *Log[R]) Successes(name string) int { return l.count(l.success, name) }

func (l *Log[R]) count(m map[string]int, name string) int {
	if name != l.all {
		return m[name]
	}
	n := 0
	for k, c := range m {
		if l.summed == nil || l.summed(k) {
			n += c
		}
	}
	return n
}

// Counts returns copies of the call and success counts by name.
func (l *Log[R]) Counts() (calls, successes map[string]int) {
	return maps.Clone(l.calls), maps.Clone(l.success)
}

// Requests returns the logged requests, oldest first (nil when there are
// none).
func (l *Log[R]) Requests() []R { return slices.Clone(l.requests) }

// Reset zeroes the counts and empties the request log.
func (l *Log[R]) Reset() {
	clear(l.calls)
	clear(l.success)
	l.requests = nil
}

// Package testclock is a clock that tests move by hand, for the servers
// and clients that take their time from an injected clock: it stands
// still at an instant, or runs with the wall clock at an offset, and
// Advance moves it forward either way. Imports nothing of stscred's.
package testclock

import (
	"sync"
	"time"
)

// Clock is safe for concurrent use.
type Clock struct {
	mu   sync.Mutex
	at   time.Time     // the instant a standing clock shows
	wall bool          // runs with the wall clock, off ahead of it
	off  time.Duration // how far Advance has moved it
}

// At is a clock standing still at t.
func At(t time.Time) *Clock { return &Clock{at: t} }

// Wall is a clock running with the wall clock, off ahead of it.
func Wall(off time.Duration) *Clock { return &Clock{wall: true, off: off} }

// Now is the time the clock shows.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.wall {
		return time.Now().Add(c.off)
	}
	return c.at
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
	c.off += d
}

// Follow makes a standing clock run with the wall clock from now on,
// ahead of it by as much as Advance has moved it: for real clients that
// sleep between polls.
func (c *Clock) Follow() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wall = true
}

package testclock

import (
	"testing"
	"time"
)

func TestStandingClock(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	c := At(t0)
	if got := c.Now(); !got.Equal(t0) {
		t.Fatalf("Now = %v, want %v", got, t0)
	}
	c.Advance(90 * time.Second)
	if got := c.Now(); !got.Equal(t0.Add(90 * time.Second)) {
		t.Fatalf("after Advance, Now = %v", got)
	}
	c.Follow()
	if d := time.Until(c.Now()); d < 89*time.Second || d > 91*time.Second {
		t.Fatalf("a followed clock is %v ahead of the wall clock, want 90s", d)
	}
}

func TestWallClock(t *testing.T) {
	c := Wall(-time.Minute)
	c.Advance(3 * time.Minute)
	if d := time.Until(c.Now()); d < 119*time.Second || d > 121*time.Second {
		t.Fatalf("the clock is %v ahead of the wall clock, want 2m", d)
	}
}

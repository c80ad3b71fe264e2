package human

import (
	"testing"
	"time"
)

func TestShort(t *testing.T) {
	for d, want := range map[time.Duration]string{
		9 * time.Second: "9s", 42 * time.Minute: "42m", 2*time.Hour + 5*time.Minute: "2h05m", 50 * time.Hour: "2d",
	} {
		if got := Short(d); got != want {
			t.Errorf("Short(%v) = %q, want %q", d, got, want)
		}
	}
	now := time.Now()
	if Left(now.Add(-time.Second), now) != "expired" || Left(now.Add(42*time.Minute+time.Second), now) != "42m left" {
		t.Error("Left")
	}
}

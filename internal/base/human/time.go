// Package human says things to a person the way stscred's messages do:
// durations (3d, 2h05m, 42m, 9s), times left and clock skews, and English
// word forms.
package human

import (
	"fmt"
	"time"
)

// Short shows d to the largest unit that fits: 3d, 2h05m, 42m, 9s.
func Short(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

// Left says how long something expiring at exp has at now: "42m left",
// or "expired".
func Left(exp, now time.Time) string {
	d := exp.Sub(now)
	if d <= 0 {
		return "expired"
	}
	return Short(d) + " left"
}

// Age is how old something made at t is at now.
func Age(t, now time.Time) string { return Short(now.Sub(t)) }

// Skew shows a clock difference to the second, without its sign: 42s,
// 3m07s.
func Skew(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

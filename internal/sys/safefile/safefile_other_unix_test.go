//go:build !windows && !linux

package safefile_test

// platformChild are the child actions only some systems have: none here.
func platformChild(string) func(args []string) int { return nil }

//go:build !windows

package main

// platform runs the Windows-only commands; elsewhere there are none.
func platform(string, []string) bool { return false }

//go:build !linux && !darwin

package proc

// harden does nothing here: Windows writes no core files unless the user
// sets up Windows Error Reporting dumps, which a program cannot refuse.
func harden() {}

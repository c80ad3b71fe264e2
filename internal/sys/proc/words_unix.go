//go:build !windows

package proc

// Words splits a command line as a POSIX shell would (SplitPosix).
func Words(line string) []string { return SplitPosix(line) }

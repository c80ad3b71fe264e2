package proc

import "golang.org/x/sys/unix"

// harden sets the core size limit to zero. (macOS has no per-process
// dumpable flag; a hardened-runtime signature would refuse debuggers.)
func harden() {
	_ = unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0})
}

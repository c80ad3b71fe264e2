package harden

import "golang.org/x/sys/unix"

// process sets the core size limit to zero. (macOS has no per-process
// dumpable flag; a hardened-runtime signature would refuse debuggers.)
func process() {
	_ = unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0})
}

package proc

import "golang.org/x/sys/unix"

// harden makes the process non-dumpable (no core file; ptrace and
// /proc/PID/mem refused to other processes of the user) and sets the core
// size limit to zero, which children inherit.
func harden() {
	_ = unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	_ = unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0})
}

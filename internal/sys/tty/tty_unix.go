//go:build !windows

package tty

import "os"

// Open opens the controlling terminal, failing when there is none (a
// process started by a GUI app, a CI job, or with setsid).
func Open() (TTY, error) {
	return os.OpenFile("/dev/tty", os.O_RDWR, 0)
}

//go:build !windows

package mfa

import "os"

// OpenTTY opens the controlling terminal, failing when there is none (a
// process started by a GUI app, a CI job, or with setsid).
func OpenTTY() (TTY, error) {
	return os.OpenFile("/dev/tty", os.O_RDWR, 0)
}

//go:build !windows

package tty

import "golang.org/x/sys/unix"

// noEcho turns off echo on the terminal fd, keeping line editing and
// Ctrl-C, and returns how to restore it; ok is false when fd is not a
// terminal.
func noEcho(fd int) (restore func(), ok bool) {
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil, false
	}
	state := *old
	state.Lflag &^= unix.ECHO
	state.Lflag |= unix.ICANON | unix.ISIG
	state.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &state); err != nil {
		return nil, false
	}
	return func() { _ = unix.IoctlSetTermios(fd, ioctlSetTermios, old) }, true
}

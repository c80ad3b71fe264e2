//go:build !windows

package tty

import "os"

// Open opens the controlling terminal, failing when there is none (a
// process started by a GUI app, a CI job, or with setsid).
func Open() (TTY, error) {
	return os.OpenFile("/dev/tty", os.O_RDWR, 0)
}

// OpenFiles opens the controlling terminal as the files a full-screen
// program reads keys from and draws on (in and out are one file here);
// close closes it.
func OpenFiles() (in, out *os.File, close func() error, err error) {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	return f, f, f.Close, nil
}

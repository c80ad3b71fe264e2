// Package tty is the controlling terminal: where stscred asks for MFA
// codes and passphrases, since the AWS CLI captures a credential_process's
// stdout and stderr. It opens /dev/tty (CONIN$/CONOUT$ on Windows), reads
// a line without echo and puts the terminal back whatever happens, and
// tells the user things there.
package tty

import (
	"fmt"
	"io"

	"github.com/stscred/stscred/internal/base/textsafe"
)

// TTY is the controlling terminal: prompts are written to it and codes read
// from it, never through stdout or stderr, which credential_process callers
// capture.
type TTY interface {
	io.ReadWriteCloser
}

// Notify writes a line to the terminal if there is one, and reports
// whether there was; used to tell the user what stscred is doing (e.g.
// waiting for another process).
func Notify(open func() (TTY, error), msg string) bool {
	if open == nil {
		return false
	}
	tty, err := open()
	if err != nil {
		return false
	}
	defer tty.Close()
	fmt.Fprintf(tty, "stscred: %s\n", textsafe.Escape(msg))
	return true
}

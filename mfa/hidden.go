package mfa

import (
	"bufio"
	"strings"

	"golang.org/x/term"
)

// ReadHidden reads a line from the terminal without echoing it.
func ReadHidden(t TTY) (string, error) {
	if f, ok := t.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		return string(b), err
	}
	line, err := bufio.NewReader(t).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}

package tty

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// ErrInterrupted means the user pressed Ctrl-C (or the process got
// SIGTERM or SIGHUP) at a prompt. The terminal is as it was; callers end
// with status 130 and cache nothing.
var ErrInterrupted = errors.New("interrupted")

// ReadHidden writes prompt to the terminal and reads a line without
// echoing it. Echo is turned off before the prompt appears, so that a line
// typed (or pasted) the moment it shows is not echoed either, and it is
// turned back on whatever happens: Ctrl-C, SIGTERM and SIGHUP restore the
// terminal, then ReadHidden returns ErrInterrupted.
func ReadHidden(t TTY, prompt string) (string, error) {
	if f, ok := t.(interface{ Fd() uintptr }); ok {
		if restore, ok := noEcho(int(f.Fd())); ok {
			return readRestoring(t, t, prompt, restore)
		}
	}
	if _, err := io.WriteString(t, prompt); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(t).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}

// ReadHiddenFrom is ReadHidden for a terminal on in (e.g. stdin) with the
// prompt written to out (e.g. stderr).
func ReadHiddenFrom(in *os.File, out io.Writer, prompt string) (string, error) {
	restore, ok := noEcho(int(in.Fd()))
	if !ok {
		if _, err := io.WriteString(out, prompt); err != nil {
			return "", err
		}
		line, err := bufio.NewReader(in).ReadString('\n')
		return strings.TrimRight(line, "\r\n"), err
	}
	return readRestoring(in, out, prompt, restore)
}

func readRestoring(in io.Reader, out io.Writer, prompt string, restore func()) (string, error) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	if _, err := io.WriteString(out, prompt); err != nil {
		restore()
		return "", err
	}
	go func() {
		line, err := readLine(in)
		done <- result{line, err}
	}()
	select {
	case r := <-done:
		restore()
		fmt.Fprintln(out)
		return r.line, r.err
	case <-sigs:
		restore()
		fmt.Fprintln(out)
		return "", ErrInterrupted
	}
}

// readLine reads up to a newline a byte at a time, so that nothing after
// the line is taken from the terminal.
func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return strings.TrimRight(b.String(), "\r"), nil
			}
			b.WriteByte(buf[0])
			continue
		}
		if err != nil {
			if err == io.EOF && b.Len() > 0 {
				return b.String(), nil
			}
			return "", err
		}
	}
}

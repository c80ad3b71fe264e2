package mfa

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/sys/tty"
)

// Terminal prompts on the terminal that Open returns.
type Terminal struct {
	Open func() (tty.TTY, error)
}

func (t Terminal) Name() string      { return "terminal" }
func (t Terminal) Interactive() bool { return true }

func (t Terminal) Code(ctx context.Context, req Request) (string, error) {
	term, err := t.Open()
	if err != nil {
		return "", fmt.Errorf("opening the terminal: %w", err)
	}
	defer term.Close()
	type answer struct {
		code string
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		r := bufio.NewReader(term)
		for try := 0; try < 3; try++ {
			fmt.Fprintf(term, "stscred: MFA code for %s (profile %s): ", textsafe.Escape(req.Serial), textsafe.Escape(req.Profile))
			line, err := r.ReadString('\n')
			code := normalize(line)
			if ValidCode(code) {
				done <- answer{code: code}
				return
			}
			if err != nil {
				fmt.Fprintln(term)
				if errors.Is(err, io.EOF) {
					err = hint.With(errors.New("the terminal's input ended (Ctrl-D) before an MFA code was entered"), "run the command again and type the 6-digit code your device shows")
				}
				done <- answer{err: fmt.Errorf("reading the MFA code from the terminal: %w", err)}
				return
			}
			if strings.TrimSpace(line) != "" {
				fmt.Fprintln(term, "stscred: an MFA code is 6 digits")
			}
		}
		done <- answer{err: hint.With(errors.New("no valid MFA code entered (three tries)"), "an MFA code is the 6 digits your device shows now; run the command again")}
	}()
	// Ctrl-C at the prompt ends the command at once: no second prompt,
	// nothing cached.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	select {
	case a := <-done:
		return a.code, a.err
	case <-sigs:
		fmt.Fprintln(term)
		return "", tty.ErrInterrupted
	case <-ctx.Done():
		return "", fmt.Errorf("waiting for the MFA code: %w", ctx.Err())
	}
}

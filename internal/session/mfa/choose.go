package mfa

import (
	"fmt"
	"io"
	"time"

	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/internal/sys/tty"

	"github.com/stscred/stscred/internal/base/hint"
)

// Prompt modes, for --prompt / STSCRED_PROMPT.
const (
	ModeAuto    = "auto"
	ModeTTY     = "tty"
	ModeDesktop = "desktop"
	ModeProcess = "process"
	ModeNone    = "none"
)

// Chooser picks the Source for a code by what this process can reach.
// First that applies: a token given up front; the profile's mfa_process;
// the terminal; a desktop dialog when there is a display. Mode narrows the
// choice to one kind.
type Chooser struct {
	Token    string
	Mode     string
	OpenTTY  func() (tty.TTY, error)
	LookPath func(string) (string, error)
	Getenv   func(string) string
	GOOS     string
	Stderr   io.Writer
	// Runner starts mfa_process and the desktop dialog.
	Runner *proc.Runner
	// Given is when Token was given: the process's start.
	Given time.Time
}

// For returns the source to ask for req's code; process is the profile's
// mfa_process (Text "" when unset). With no source available it fails at
// once with an error naming the ways out.
func (c Chooser) For(req Request, process proc.Line) (Source, error) {
	if c.Token != "" {
		return Static{Token: c.Token, Given: c.Given}, nil
	}
	mode := c.Mode
	if mode == "" {
		mode = ModeAuto
	}
	if (mode == ModeAuto || mode == ModeProcess) && process.Text != "" {
		return Process{Command: process.Text, Profile: process.Profile, Stderr: c.Stderr, Runner: c.Runner}, nil
	}
	if mode == ModeAuto || mode == ModeTTY {
		if c.ttyAvailable() {
			return Terminal{Open: c.OpenTTY}, nil
		}
	}
	if mode == ModeAuto || mode == ModeDesktop {
		if c.hasDisplay() {
			if d, ok := FindDesktop(c.LookPath, c.GOOS); ok {
				d.Runner = c.Runner
				return d, nil
			}
		}
	}
	return nil, c.noSource(req, mode)
}

func (c Chooser) ttyAvailable() bool {
	if c.OpenTTY == nil {
		return false
	}
	t, err := c.OpenTTY()
	if err != nil {
		return false
	}
	t.Close()
	return true
}

func (c Chooser) hasDisplay() bool {
	if c.LookPath == nil {
		return false
	}
	if c.GOOS == "darwin" || c.GOOS == "windows" {
		return c.GOOS == "darwin"
	}
	return c.Getenv != nil && (c.Getenv("DISPLAY") != "" || c.Getenv("WAYLAND_DISPLAY") != "")
}

func (c Chooser) noSource(req Request, mode string) error {
	var why string
	switch mode {
	case ModeTTY:
		why = "--prompt=tty was asked for, but there is no terminal"
	case ModeDesktop:
		why = "--prompt=desktop was asked for, but there is no display or no zenity/kdialog/osascript"
	case ModeProcess:
		why = "--prompt=process was asked for, but profile " + req.Profile + " has no mfa_process"
	case ModeNone:
		why = "--prompt=none forbids asking"
	default:
		why = "there is no terminal to ask on and no mfa_process"
	}
	err := fmt.Errorf("%w for %s (profile %s): %s", ErrNoSource, req.Serial, req.Profile, why)
	hints := []string{
		"pass the code: --mfa-token 123456 or STSCRED_MFA_TOKEN=123456",
		"or set mfa_process in the profile to a command that prints a code (e.g. mfa_process = ykman oath accounts code -s aws)",
		"or run stscred once from a terminal (e.g. stscred role NAME) so later calls use the cached session",
	}
	switch c.GOOS {
	case "windows":
		// No dialog program to look for there: a terminal is PowerShell's
		// or cmd's window, and mfa_process covers the rest.
		hints[2] = "or run stscred once in a PowerShell or Command Prompt window (e.g. stscred role NAME) so later calls use the cached session"
	case "darwin":
		hints = append(hints, "on a desktop without a terminal, stscred asks with a dialog (osascript)")
	default:
		hints = append(hints, "on a desktop without a terminal, stscred asks with zenity or kdialog when DISPLAY or WAYLAND_DISPLAY is set")
	}
	return hint.With(err, hints...)
}

package mfa

import (
	"fmt"
	"io"
	"time"

	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/internal/sys/tty"

	"github.com/stscred/stscred/internal/base/hint"
)

// Prompt modes, for --prompt / STSCRED_PROMPT and a profile's mfa_prompt.
const (
	ModeAuto    = "auto"
	ModeTTY     = "tty"
	ModeDesktop = "desktop"
	ModeProcess = "process"
	ModeYkman   = "ykman"
	ModeNone    = "none"
)

// How is what a profile says about where its codes come from.
type How struct {
	// Process is its mfa_process (Text "" when unset).
	Process proc.Line
	// Prompt is its mfa_prompt, a mode ("" when unset): what auto means
	// for this profile.
	Prompt string
	// YkmanAccount and YkmanDevice are ykman_oath_account and
	// ykman_device; either set makes auto mean ykman.
	YkmanAccount, YkmanDevice string
	// From is the profile whose section holds mfa_prompt or the ykman
	// keys, for hints.
	From string
}

// HowOf is what p says about its codes.
func HowOf(p *awsconfig.Profile) How {
	return How{
		Process: proc.Line{Text: p.MFAProcess, Profile: p.MFAProcessFrom, Key: "mfa_process"},
		Prompt:  p.MFAPrompt, YkmanAccount: p.YkmanAccount, YkmanDevice: p.YkmanDevice, From: p.MFAPromptFrom,
	}
}

// Chooser picks the Source for a code by what this process can reach.
// First that applies: a token given up front; the profile's mfa_process;
// its YubiKey (mfa_prompt = ykman, or a ykman key set); the terminal; a
// desktop dialog when there is a display. Mode narrows the choice to one
// kind; in auto, the profile's mfa_prompt does.
type Chooser struct {
	Token    string
	Mode     string
	OpenTTY  func() (tty.TTY, error)
	LookPath func(string) (string, error)
	Getenv   func(string) string
	GOOS     string
	Stderr   io.Writer
	// Runner starts mfa_process, ykman and the desktop dialogs.
	Runner *proc.Runner
	// Given is when Token was given: the process's start.
	Given time.Time
}

// For returns the source to ask for req's code, given what the profile
// says (how). With no source available it fails at once with an error
// naming the ways out.
func (c Chooser) For(req Request, how How) (Source, error) {
	if c.Token != "" {
		return Static{Token: c.Token, Given: c.Given}, nil
	}
	mode, asked := c.Mode, ""
	if mode == "" {
		mode = ModeAuto
	}
	if mode != ModeAuto {
		asked = "--prompt=" + mode + " was asked for"
	} else if how.Prompt != "" && how.Prompt != ModeAuto {
		mode, asked = how.Prompt, "mfa_prompt = "+how.Prompt+" is set for profile "+how.from(req)
	}
	if (mode == ModeAuto || mode == ModeProcess) && how.Process.Text != "" {
		return Process{Command: how.Process.Text, Profile: how.Process.Profile, Stderr: c.Stderr, Runner: c.Runner}, nil
	}
	if mode == ModeYkman || (mode == ModeAuto && (how.YkmanAccount != "" || how.YkmanDevice != "")) {
		if asked == "" {
			asked = "ykman_oath_account or ykman_device is set for profile " + how.from(req)
		}
		return c.ykman(req, how, asked)
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
	return nil, c.noSource(req, mode, asked)
}

func (h How) from(req Request) string {
	if h.From != "" {
		return h.From
	}
	return req.Profile
}

// ykman is the YubiKey source, if ykman can be found.
func (c Chooser) ykman(req Request, how How, asked string) (Source, error) {
	prog := ""
	if c.LookPath != nil {
		prog, _ = c.LookPath("ykman")
	}
	if prog == "" {
		return nil, hint.With(fmt.Errorf("cannot get the MFA code for %s (profile %s) from a YubiKey: %s, but ykman (YubiKey Manager's command line) is not installed or not on PATH", req.Serial, req.Profile, asked),
			"install YubiKey Manager's CLI: pipx install yubikey-manager, or your system's package (Debian/Ubuntu: apt install yubikey-manager; macOS: brew install ykman)",
			"or, this once, pass the code: --mfa-token 123456 or STSCRED_MFA_TOKEN=123456 (or type it: --prompt tty)")
	}
	return Ykman{
		Program: prog, Account: how.YkmanAccount, Device: how.YkmanDevice, From: how.from(req),
		Runner: c.Runner, Touch: c.notice, OnTerminal: c.onTerminal,
	}, nil
}

// notice tells the user something while stscred waits: on the terminal,
// else in a desktop notification (taken down by done), else on stderr.
func (c Chooser) notice(msg string) (done func()) {
	if c.onTerminal(msg) {
		return func() {}
	}
	if c.hasDisplay() {
		if n, ok := FindNotifier(c.LookPath, c.GOOS); ok {
			return n.Show(c.Runner, msg)
		}
	}
	if c.Stderr != nil {
		fmt.Fprintf(c.Stderr, "stscred: %s\n", textsafe.Escape(msg))
	}
	return func() {}
}

// onTerminal says msg on the terminal; false when there is none.
func (c Chooser) onTerminal(msg string) bool {
	return c.OpenTTY != nil && tty.Notify(c.OpenTTY, msg)
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

func (c Chooser) noSource(req Request, mode, asked string) error {
	var why string
	switch mode {
	case ModeTTY:
		why = asked + ", but there is no terminal"
	case ModeDesktop:
		why = asked + ", but there is no display or no zenity/kdialog/osascript"
	case ModeProcess:
		why = asked + ", but profile " + req.Profile + " has no mfa_process"
	case ModeNone:
		why = asked + ": it forbids asking"
	default:
		why = "there is no terminal to ask on and no mfa_process"
	}
	err := fmt.Errorf("%w for %s (profile %s): %s", ErrNoSource, req.Serial, req.Profile, why)
	hints := []string{
		"pass the code: --mfa-token 123456 or STSCRED_MFA_TOKEN=123456",
		"or let a YubiKey make it: mfa_prompt = ykman in the profile (or --prompt ykman), or set mfa_process to a command that prints a code",
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

package mfa

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"

	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/sys/proc"
)

// Desktop asks with a graphical dialog: zenity, kdialog or osascript,
// whichever Find locates. Used when there is no terminal but a display
// (an IDE, a GUI git client, a desktop launcher running the AWS CLI).
type Desktop struct {
	// Program is the full path of the dialog program; Kind is its base
	// name ("zenity", "kdialog" or "osascript").
	Program, Kind string
	Timeout       time.Duration
	// Runner starts the dialog (nil: with an empty environment).
	Runner *proc.Runner
}

// FindDesktop returns the dialog program available, if any.
func FindDesktop(lookPath func(string) (string, error), goos string) (Desktop, bool) {
	candidates := []string{"zenity", "kdialog"}
	if goos == "darwin" {
		candidates = []string{"osascript"}
	}
	for _, c := range candidates {
		if p, err := lookPath(c); err == nil {
			return Desktop{Program: p, Kind: c}, true
		}
	}
	return Desktop{}, false
}

func (d Desktop) Name() string      { return "desktop" }
func (d Desktop) Interactive() bool { return true }

func (d Desktop) args(req Request) []string {
	text := fmt.Sprintf("MFA code for %s (profile %s)", textsafe.Escape(req.Serial), textsafe.Escape(req.Profile))
	if req.Attempt > 1 {
		text = "The last code was rejected. " + text
	}
	switch d.Kind {
	case "kdialog":
		return []string{"--title", "stscred", "--inputbox", text}
	case "osascript":
		return []string{"-e", fmt.Sprintf(`text returned of (display dialog %q with title "stscred" default answer "")`, text)}
	default:
		return []string{"--entry", "--title=stscred", "--text=" + text}
	}
}

func (d Desktop) Code(ctx context.Context, req Request) (string, error) {
	timeout := d.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for try := 0; try < 3; try++ {
		out, err := d.Runner.Start(ctx, append([]string{d.Program}, d.args(req)...), proc.StartOptions{Quiet: true, Kill: true})
		if ctx.Err() != nil {
			return "", fmt.Errorf("the %s dialog got no answer within %s", d.Kind, timeout)
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("the MFA dialog was cancelled")
		}
		if err != nil {
			return "", fmt.Errorf("running %s: %w", d.Kind, err)
		}
		if code := normalize(string(out.Stdout)); ValidCode(code) {
			return code, nil
		}
	}
	return "", fmt.Errorf("no valid MFA code entered in the %s dialog", d.Kind)
}

// Notifier shows a passing notice on the desktop (a key to touch, when
// there is no terminal to say it on): notify-send, zenity or kdialog;
// osascript on macOS.
type Notifier struct {
	// Program is the full path of the program; Kind its base name.
	Program, Kind string
}

// FindNotifier returns the notification program available, if any.
func FindNotifier(lookPath func(string) (string, error), goos string) (Notifier, bool) {
	candidates := []string{"notify-send", "zenity", "kdialog"}
	if goos == "darwin" {
		candidates = []string{"osascript"}
	}
	for _, c := range candidates {
		if p, err := lookPath(c); err == nil {
			return Notifier{Program: p, Kind: c}, true
		}
	}
	return Notifier{}, false
}

func (n Notifier) args(text string) []string {
	text = textsafe.Escape(text)
	switch n.Kind {
	case "zenity":
		return []string{"--notification", "--text=stscred: " + text}
	case "kdialog":
		return []string{"--title", "stscred", "--passivepopup", text, "20"}
	case "osascript":
		return []string{"-e", fmt.Sprintf(`display notification %q with title "stscred"`, text)}
	default:
		return []string{"--app-name=stscred", "--expire-time=20000", "stscred", text}
	}
}

// Show starts the notice; done ends it (a program still showing it is
// stopped) and waits for the program to be gone.
func (n Notifier) Show(r *proc.Runner, text string) (done func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		_, _ = r.Start(ctx, append([]string{n.Program}, n.args(text)...), proc.StartOptions{Quiet: true, Kill: true})
	}()
	return func() {
		cancel()
		<-ended
	}
}

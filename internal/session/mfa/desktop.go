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

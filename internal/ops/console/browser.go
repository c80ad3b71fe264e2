package console

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/sys/proc"
)

// ErrNoBrowser is returned when there is no browser to open a URL with:
// no --browser, no $BROWSER, and no display (or no opener) to start one.
var ErrNoBrowser = errors.New("no browser to open the sign-in URL")

// Browser opens a URL: with Command (--browser), else $BROWSER, else the
// system's opener (xdg-open, open, rundll32). A command line's words are
// its program and arguments; the URL replaces a %s among them, or is
// added last. The URL is an argument of the browser's process, never
// passed through a shell.
type Browser struct {
	Command  string
	Getenv   func(string) string
	GOOS     string
	LookPath func(string) (string, error)
	// Patience is how long to wait for the browser command to end before
	// leaving it running (a browser started directly may stay until its
	// window closes); 0 means 5 s.
	Patience time.Duration
	// Runner starts it (nil: with an empty environment).
	Runner *proc.Runner
}

// argv is the command that opens u, or ErrNoBrowser.
func (b Browser) argv(u string) ([]string, error) {
	line := b.Command
	if line == "" {
		// $BROWSER may list several, separated by colons: the first is used.
		line, _, _ = strings.Cut(b.Getenv("BROWSER"), ":")
	}
	if strings.TrimSpace(line) != "" {
		words := proc.Words(line)
		if len(words) == 0 || strings.Contains(words[0], "%s") {
			return nil, errors.New("cannot run the browser command: it must start with a program, not %s (e.g. --browser 'firefox --new-window %s')")
		}
		sub := false
		for i, w := range words {
			if i > 0 && strings.Contains(w, "%s") {
				words[i], sub = strings.ReplaceAll(w, "%s", u), true
			}
		}
		if !sub {
			words = append(words, u)
		}
		return words, nil
	}
	switch b.GOOS {
	case "darwin":
		return []string{"open", u}, nil
	case "windows":
		return []string{"rundll32", "url.dll,FileProtocolHandler", u}, nil
	}
	if b.Getenv("DISPLAY") == "" && b.Getenv("WAYLAND_DISPLAY") == "" {
		return nil, ErrNoBrowser
	}
	if _, err := b.LookPath("xdg-open"); err != nil {
		return nil, ErrNoBrowser
	}
	return []string{"xdg-open", u}, nil
}

// Open opens u. Its errors name the browser program only: the URL is a
// credential, and what the browser printed is shown with it blanked out.
func (b Browser) Open(ctx context.Context, u string) error {
	argv, err := b.argv(u)
	if err != nil {
		return err
	}
	path, err := b.LookPath(argv[0])
	if err != nil {
		return fmt.Errorf("cannot run the browser %s: not found", blank(argv[0], u))
	}
	patience := b.Patience
	if patience == 0 {
		patience = 5 * time.Second
	}
	name := argv[0]
	argv[0] = path
	_, err = b.Runner.Start(ctx, argv, proc.StartOptions{Patience: patience})
	var se *proc.StartError
	switch {
	case errors.As(err, &se):
		msg := strings.TrimSpace(blank(se.Stderr, u))
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		if msg != "" {
			msg = ": " + msg
		}
		return fmt.Errorf("the browser %s failed (%v)%s", blank(name, u), se.Err, msg)
	case err != nil && ctx.Err() == nil:
		return fmt.Errorf("cannot run the browser %s: %v", blank(name, u), blank(err.Error(), u))
	}
	return err // nil, or ctx's: the browser has the URL (or is left trying)
}

// blank replaces the URL (and its token, however encoded) in s.
func blank(s, u string) string {
	s = strings.ReplaceAll(s, u, "<sign-in URL>")
	if i := strings.Index(u, "SigninToken="); i >= 0 {
		tok := u[i+len("SigninToken="):]
		tok, _, _ = strings.Cut(tok, "&")
		if tok != "" {
			s = strings.ReplaceAll(s, tok, "<token>")
		}
	}
	return s
}

// Package browser opens a URL in the user's browser: the browser named by
// --browser or $BROWSER, else the system's opener. The URL itself never
// goes on the browser's command line, where every local user could read
// it: the browser gets a link that only this user can follow (see link),
// answered once with a redirect to the URL.
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/sys/proc"
)

// ErrNoBrowser is returned when there is no browser to open a URL with:
// no --browser, no $BROWSER, and no display (or no opener) to start one.
var ErrNoBrowser = errors.New("no browser to open the sign-in URL")

// Browser opens a URL: with Command (--browser), else $BROWSER, else the
// system's opener (xdg-open, open, rundll32). A command line's words are
// its program and arguments; the link to the URL replaces a %s among
// them, or is added last. It is an argument of the browser's process,
// never passed through a shell.
type Browser struct {
	Command  string
	Getenv   func(string) string
	GOOS     string
	LookPath func(string) (string, error)
	// Patience is how long to wait for the browser command to end before
	// leaving it running (a browser started directly may stay until its
	// window closes); 0 means 5 s.
	Patience time.Duration
	// Wait is how long Open waits for the browser to take the link; 0
	// means two minutes.
	Wait time.Duration
	// Runner starts it (nil: with an empty environment).
	Runner *proc.Runner
}

// argv is the command that opens u, or ErrNoBrowser.
func (b Browser) argv(u string) ([]string, error) {
	line := b.Command
	if line == "" {
		// $BROWSER may list several, separated as PATH's directories are
		// (colons; semicolons on Windows, where a path holds a colon):
		// the first is used.
		sep := ":"
		if b.GOOS == "windows" {
			sep = ";"
		}
		line, _, _ = strings.Cut(b.Getenv("BROWSER"), sep)
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

// Open opens u and returns once the browser has taken the link to it (or
// the browser failed, or Wait passed: ErrNotTaken, or ctx ended). u must
// be an https address (or http on a loopback host). Errors name the
// browser program only: the URL may be a credential, and what the browser
// printed is shown with it blanked out.
func (b Browser) Open(ctx context.Context, u string) error {
	if err := checkTarget(u); err != nil {
		return err
	}
	if _, err := b.argv("about:blank"); err != nil {
		return err
	}
	l, err := newLink(u, socketOwner, currentUID())
	if err != nil {
		return err
	}
	defer l.close()
	to, err := l.browserURL(os.TempDir())
	if err != nil {
		return err
	}
	argv, err := b.argv(to)
	if err != nil {
		return err
	}
	name := argv[0]
	path, err := b.LookPath(name)
	if err != nil {
		return fmt.Errorf("cannot run the browser %s: not found", blank(name, u))
	}
	argv[0] = path
	patience := b.Patience
	if patience == 0 {
		patience = 5 * time.Second
	}
	wait := b.Wait
	if wait == 0 {
		wait = 2 * time.Minute
	}
	started := make(chan error, 1)
	go func() {
		_, err := b.Runner.Start(ctx, argv, proc.StartOptions{Patience: patience})
		started <- err
	}()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-l.Taken():
			return nil
		case err := <-started:
			var se *proc.StartError
			switch {
			case errors.As(err, &se):
				msg := strings.TrimSpace(blank(blank(se.Stderr, to), u))
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
			started = nil // handed over (or still running): wait for it to take the link
		case <-timer.C:
			return fmt.Errorf("%w within %s (%s was started)", ErrNotTaken, wait, blank(name, u))
		case <-ctx.Done():
			return ctx.Err()
		}
	}
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

// Package browser opens a URL in the user's browser: the browser named by
// --browser or $BROWSER, else the system's opener (on the Windows side
// under WSL), or Firefox for a container. The URL itself never goes on
// the browser's command line, where every local user could read it: the
// browser gets a link that only this user can follow (see link), answered
// once with a redirect to the URL.
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
// system's opener (xdg-open, open, rundll32; under WSL wslview, else
// Windows' rundll32.exe), or with Container Firefox. A command line's
// words are its program and arguments; what the browser is handed
// replaces a %s among them (%% is a percent sign), or is added last. It
// is an argument of the browser's process, never passed through a shell.
//
// Under WSL the browser is on the Windows side, and its connection to the
// link reaches this system through WSL's localhost forwarding: WSL 2's
// relay (a socket of root's) or, with mirrored networking and in WSL 1, no
// socket of this system at all, from any Windows user's process. The
// link's owner check cannot tell the user's browser there, so the browser
// is handed the private file (as a Windows path to a Windows program), and
// the link answers whoever brings its secret from that file.
type Browser struct {
	Command  string
	Getenv   func(string) string
	GOOS     string
	LookPath func(string) (string, error)
	// ReadFile reads a file of the kernel's (/proc/sys/...), where WSL
	// shows itself; nil reads none.
	ReadFile func(string) ([]byte, error)
	// Container opens the URL in this Firefox container, through Addon's
	// URL (AddonOpenURLInContainer when ""); the default browser is then
	// Firefox, not the system's opener.
	Container string
	Addon     string
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

// wrap is what the browser opens to reach u: u, or the container add-on's
// URL around it.
func (b Browser) wrap(u string) string {
	if b.Container == "" {
		return u
	}
	return containerURL(b.Addon, b.Container, u)
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
	w := detectWSL(b.GOOS, b.Getenv, b.ReadFile)
	op, err := b.opener(w)
	if err != nil {
		return err
	}
	peer := socketOwner
	if w.on {
		peer = nil
	}
	l, err := newLink(u, peer, currentUID())
	if err != nil {
		return err
	}
	defer l.close()
	to, isFile, err := l.handOver(os.TempDir(), b.wrap)
	if err != nil {
		return err
	}
	if isFile {
		switch op.form {
		case formURL:
			to = fileURL(to)
		case formWindowsPath:
			if to, err = b.windowsPath(ctx, w, to); err != nil {
				return err
			}
		}
	}
	argv := fill(op.words, to)
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
			case errors.As(err, &se) && op.exitSaysNothing:
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

package browser

import "fmt"

// Unavailable says why no browser the user can see would open here, nil
// when one would (a browser named by --browser or $BROWSER is taken at
// its word): under WSL, no opener on the Windows side; on Linux and the
// BSDs, no display (DISPLAY and
// WAYLAND_DISPLAY unset, as in an SSH session without X forwarding) or no
// xdg-open; on macOS and Windows, an SSH session, where the system's
// opener would show the page on the machine's own screen. The error wraps
// ErrNoBrowser.
func (b Browser) Unavailable() error {
	w := detectWSL(b.GOOS, b.Getenv, b.ReadFile)
	if _, err := b.opener(w); err != nil {
		ssh := ""
		if b.ssh() {
			ssh = ", as in an SSH session"
		}
		switch {
		case b.Command != "" || b.Getenv("BROWSER") != "":
			return nil // the command's own error comes when it is run
		case w.on || b.Container != "":
			return err // under WSL, or no Firefox for a container: says which

		case b.Getenv("DISPLAY") == "" && b.Getenv("WAYLAND_DISPLAY") == "":
			return fmt.Errorf("%w: no display here (DISPLAY and WAYLAND_DISPLAY are not set%s)", ErrNoBrowser, ssh)
		default:
			return fmt.Errorf("%w: xdg-open, which opens the browser, is not installed", ErrNoBrowser)
		}
	}
	if b.Command == "" && b.Getenv("BROWSER") == "" && (b.GOOS == "darwin" || b.GOOS == "windows") && b.ssh() {
		return fmt.Errorf("%w: this is an SSH session, and a browser would open on the machine's own screen", ErrNoBrowser)
	}
	return nil
}

// ssh reports an SSH session: sshd sets these in the session's
// environment.
func (b Browser) ssh() bool {
	return b.Getenv("SSH_CONNECTION") != "" || b.Getenv("SSH_CLIENT") != "" || b.Getenv("SSH_TTY") != ""
}

package browser

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// Unavailable says when no browser the user could see would open, and
// why: no display (an SSH session), no opener, or an SSH session to a Mac
// or a Windows machine; a named browser is taken at its word.
func TestUnavailable(t *testing.T) {
	found := func(string) (string, error) { return "/usr/bin/xdg-open", nil }
	missing := func(string) (string, error) { return "", exec.ErrNotFound }
	for _, tc := range []struct {
		goos string
		env  map[string]string
		look func(string) (string, error)
		want string // "" when a browser would open
	}{
		{"linux", map[string]string{"DISPLAY": ":0"}, found, ""},
		{"linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, found, ""},
		{"linux", map[string]string{}, found, "no display here (DISPLAY and WAYLAND_DISPLAY are not set)"},
		{"linux", map[string]string{"SSH_CONNECTION": "10.0.0.1 5 10.0.0.2 22"}, found, "not set, as in an SSH session)"},
		{"linux", map[string]string{"DISPLAY": "localhost:10.0", "SSH_CONNECTION": "x"}, found, ""}, // X forwarding
		{"linux", map[string]string{"DISPLAY": ":0"}, missing, "xdg-open, which opens the browser, is not installed"},
		{"linux", map[string]string{"BROWSER": "w3m"}, missing, ""},
		{"darwin", map[string]string{}, missing, ""},
		{"darwin", map[string]string{"SSH_TTY": "/dev/ttys001"}, missing, "an SSH session, and a browser would open on the machine's own screen"},
		{"windows", map[string]string{"SSH_CLIENT": "x"}, missing, "an SSH session"},
		{"windows", map[string]string{"SSH_CLIENT": "x", "BROWSER": "chrome"}, missing, ""},
	} {
		b := Browser{GOOS: tc.goos, Getenv: func(k string) string { return tc.env[k] }, LookPath: tc.look}
		err := b.Unavailable()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s %v: %v, want a browser", tc.goos, tc.env, err)
		case tc.want != "" && (err == nil || !errors.Is(err, ErrNoBrowser) || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s %v: %v, want %q", tc.goos, tc.env, err, tc.want)
		}
	}
}

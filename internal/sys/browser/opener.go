package browser

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/proc"
)

// form is how a browser command takes what it opens.
type form int

const (
	// formURL: a URL (the loopback link, or a file:// URL of the page).
	formURL form = iota
	// formPath: a path of this system (wslview turns it into a Windows
	// path itself).
	formPath
	// formWindowsPath: a Windows path (a Windows program started from
	// WSL cannot read a Linux path).
	formWindowsPath
)

// opener is the command that opens what the browser is handed: its words
// (the program and its arguments, as split from the command line, before
// the placeholder is filled) and the form it takes the page in.
type opener struct {
	words []string
	form  form
	// exitSaysNothing: the program's exit status is no sign of failure
	// (explorer.exe ends with 1 when it opened the page).
	exitSaysNothing bool
}

// Addons that open a URL in a Firefox container: each takes
// SCHEME:name=NAME&url=URL, both query-escaped.
const (
	// AddonOpenURLInContainer is "Open external links in a container"
	// (ext+container:), the default.
	AddonOpenURLInContainer = "open-url-in-container"
	// AddonGranted is granted's own add-on, "Granted"
	// (ext+granted-containers:).
	AddonGranted = "granted"
)

// Addon checks the name of a container add-on ("" is the default).
func Addon(name string) (string, error) {
	switch name {
	case "", AddonOpenURLInContainer:
		return AddonOpenURLInContainer, nil
	case AddonGranted:
		return AddonGranted, nil
	}
	return "", hint.With(fmt.Errorf("%q is no container add-on stscred knows", name),
		"the add-ons stscred knows: open-url-in-container (ext+container: URLs, the default) and granted (ext+granted-containers:)")
}

// containerURL is the URL that makes the container add-on open u in the
// container name.
func containerURL(addon, name, u string) string {
	scheme := "ext+container"
	if addon == AddonGranted {
		scheme = "ext+granted-containers"
	}
	return scheme + ":name=" + url.QueryEscape(name) + "&url=" + url.QueryEscape(u)
}

// ContainerURL is what console --url --container prints: u opened in the
// container by the add-on b.Addon.
func (b Browser) ContainerURL(u string) string { return containerURL(b.Addon, b.Container, u) }

// errPlaceholderFirst is a command line that starts with the placeholder.
var errPlaceholderFirst = errors.New("cannot run the browser command: it must start with a program, not %s")

// command is the browser command line's words: --browser, else $BROWSER
// (the first of a list separated as PATH's directories are: colons, or
// semicolons on Windows, where a path holds a colon); nil when neither
// names one.
func (b Browser) command() ([]string, error) {
	line, from := b.Command, "--browser"
	if line == "" && b.Getenv != nil {
		sep := ":"
		if b.GOOS == "windows" {
			sep = ";"
		}
		line, _, _ = strings.Cut(b.Getenv("BROWSER"), sep)
		from = "$BROWSER"
	}
	if strings.TrimSpace(line) == "" {
		return nil, nil
	}
	words := proc.Words(line)
	if len(words) == 0 || strings.Contains(words[0], "%s") {
		return nil, hint.With(fmt.Errorf("%s: %w", from, errPlaceholderFirst),
			"put the program first, then where the URL goes: --browser 'firefox --new-window %s'")
	}
	return words, nil
}

// Check refuses a browser command that cannot run (one that starts with
// the placeholder), so that a command can refuse it before it signs in.
func (b Browser) Check() error {
	_, err := b.command()
	return err
}

// opener chooses the command: --browser, else $BROWSER, else (with a
// container) Firefox, else the system's opener. Under WSL that opener is
// on the Windows side (wslview, else rundll32.exe through interop), and a
// command's program says which form it takes the page in.
func (b Browser) opener(w wsl) (opener, error) {
	words, err := b.command()
	if err != nil {
		return opener{}, err
	}
	if words != nil {
		return programOpener(words, w), nil
	}
	if b.Container != "" {
		return b.firefox(w)
	}
	switch b.GOOS {
	case "darwin":
		return opener{words: []string{"open"}}, nil
	case "windows":
		return opener{words: []string{"rundll32", "url.dll,FileProtocolHandler"}}, nil
	}
	if w.on && w.interop {
		if _, err := b.LookPath("wslview"); err == nil {
			return opener{words: []string{"wslview"}, form: formPath}, nil
		}
		for _, p := range []string{"rundll32.exe", w.system32("rundll32.exe")} {
			if _, err := b.LookPath(p); err == nil {
				return opener{words: []string{p, "url.dll,FileProtocolHandler"}, form: formWindowsPath}, nil
			}
		}
	}
	if b.Getenv("DISPLAY") == "" && b.Getenv("WAYLAND_DISPLAY") == "" {
		return opener{}, w.noOpener()
	}
	if _, err := b.LookPath("xdg-open"); err != nil {
		return opener{}, w.noOpener()
	}
	return opener{words: []string{"xdg-open"}}, nil
}

// programOpener is a command line's opener: under WSL, a Windows program
// (NAME.exe) takes a Windows path and wslview a path.
func programOpener(words []string, w wsl) opener {
	o := opener{words: words}
	if !w.on {
		return o
	}
	base := strings.ToLower(filepath.Base(words[0]))
	switch {
	case base == "wslview":
		o.form = formPath
	case strings.HasSuffix(base, ".exe"):
		o.form = formWindowsPath
		o.exitSaysNothing = base == "explorer.exe"
	}
	return o
}

// errNoFirefox is a container asked for where no Firefox is found.
var errNoFirefox = errors.New("no Firefox found to open the container in: name it with --browser (e.g. --browser firefox)")

// firefox is the Firefox that opens a container URL (the system's opener
// knows nothing of the add-on's scheme).
func (b Browser) firefox(w wsl) (opener, error) {
	var candidates []opener
	switch {
	case b.GOOS == "darwin":
		return opener{words: []string{"open", "-a", "Firefox"}}, nil
	case b.GOOS == "windows":
		candidates = append(candidates, opener{words: []string{"firefox"}})
		if pf := b.Getenv("ProgramFiles"); pf != "" {
			candidates = append(candidates, opener{words: []string{pf + `\Mozilla Firefox\firefox.exe`}})
		}
	case w.on && w.interop:
		candidates = append(candidates,
			opener{words: []string{"firefox.exe"}, form: formWindowsPath},
			opener{words: []string{w.drive() + "Program Files/Mozilla Firefox/firefox.exe"}, form: formWindowsPath},
			opener{words: []string{"firefox"}},
		)
	default:
		candidates = append(candidates, opener{words: []string{"firefox"}}, opener{words: []string{"firefox-esr"}})
	}
	for _, c := range candidates {
		if _, err := b.LookPath(c.words[0]); err == nil {
			return c, nil
		}
	}
	return opener{}, errNoFirefox
}

// fill puts value where the placeholder is in words (after the program):
// %s is the value, %% a percent sign; with no %s the value is added last.
// The words were split from the command line before: whatever the value
// holds (a shell's special characters, spaces, quotes) stays one argument
// of the program, never seen by a shell.
func fill(words []string, value string) []string {
	out := make([]string, 0, len(words)+1)
	out = append(out, words[0])
	placed := false
	for _, w := range words[1:] {
		if !strings.Contains(w, "%") {
			out = append(out, w)
			continue
		}
		var s strings.Builder
		for i := 0; i < len(w); i++ {
			switch {
			case w[i] == '%' && i+1 < len(w) && w[i+1] == 's':
				s.WriteString(value)
				placed = true
				i++
			case w[i] == '%' && i+1 < len(w) && w[i+1] == '%':
				s.WriteByte('%')
				i++
			default:
				s.WriteByte(w[i])
			}
		}
		out = append(out, s.String())
	}
	if !placed {
		out = append(out, value)
	}
	return out
}

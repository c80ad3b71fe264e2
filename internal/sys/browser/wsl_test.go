//go:build !windows

// WSL is Linux: these tests make a Linux system that shows itself as WSL,
// with stand-ins for Windows' programs that are shell scripts.

package browser

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kernel is a fake /proc: the files WSL shows itself in.
func kernel(files map[string]string) func(string) ([]byte, error) {
	return func(path string) ([]byte, error) {
		if s, ok := files[path]; ok {
			return []byte(s), nil
		}
		return nil, fs.ErrNotExist
	}
}

const (
	osrelease = "/proc/sys/kernel/osrelease"
	interop   = "/proc/sys/fs/binfmt_misc/WSLInterop"
	interopL  = "/proc/sys/fs/binfmt_misc/WSLInterop-late"
)

// WSL is told as WSL 1 and WSL 2 show it, each sign alone enough.
func TestDetectWSL(t *testing.T) {
	enabled := "enabled\ninterpreter /init\nflags: PF\noffset 0\nmagic 4d5a\n"
	disabled := "disabled\ninterpreter /init\n"
	for _, tc := range []struct {
		name          string
		goos          string
		env           map[string]string
		files         map[string]string
		on, interopOK bool
	}{
		{"WSL 1 kernel", "linux", nil, map[string]string{osrelease: "4.4.0-19041-Microsoft\n", interop: enabled}, true, true},
		{"WSL 2 kernel", "linux", nil, map[string]string{osrelease: "5.15.153.1-microsoft-standard-WSL2\n", interop: enabled}, true, true},
		{"custom WSL 2 kernel", "linux", nil, map[string]string{osrelease: "6.6.36-custom-WSL2\n"}, true, true},
		{"WSL_DISTRO_NAME only (custom kernel)", "linux", map[string]string{"WSL_DISTRO_NAME": "Ubuntu"}, map[string]string{osrelease: "6.8.0-mine\n"}, true, true},
		{"WSL_INTEROP only", "linux", map[string]string{"WSL_INTEROP": "/run/WSL/1_interop"}, nil, true, true},
		{"variables dropped by sudo", "linux", nil, map[string]string{osrelease: "5.15.90.1-microsoft-standard-WSL2"}, true, true},
		{"interop disabled", "linux", nil, map[string]string{osrelease: "5.15.90.1-microsoft-standard-WSL2", interop: disabled}, true, false},
		{"interop re-registered late", "linux", nil, map[string]string{osrelease: "5.15.90.1-microsoft-standard-WSL2", interop: disabled, interopL: enabled}, true, true},
		{"plain Linux", "linux", map[string]string{"DISPLAY": ":0"}, map[string]string{osrelease: "6.1.0-18-amd64\n"}, false, false},
		{"no /proc to read", "linux", nil, nil, false, false},
		{"macOS with the variable", "darwin", map[string]string{"WSL_DISTRO_NAME": "x"}, nil, false, false},
	} {
		w := detectWSL(tc.goos, vars(tc.env), kernel(tc.files))
		if w.on != tc.on || w.interop != tc.interopOK {
			t.Errorf("%s: on %v interop %v, want %v %v", tc.name, w.on, w.interop, tc.on, tc.interopOK)
		}
	}
	if w := detectWSL("linux", vars(nil), nil); w.on {
		t.Error("nil ReadFile: WSL")
	}
}

// Under WSL the browser opens on the Windows side: wslview, else
// rundll32.exe through interop; never xdg-open while one of those is
// there, even with a display (WSLg's).
func TestWSLBrowserChoice(t *testing.T) {
	wsl2 := map[string]string{osrelease: "5.15.153.1-microsoft-standard-WSL2", interop: "enabled\n"}
	on := func(names ...string) func(string) (string, error) {
		return func(p string) (string, error) {
			for _, n := range names {
				if p == n {
					return "/found/" + p, nil
				}
			}
			return "", errors.New("not found")
		}
	}
	display := map[string]string{"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "WSL_DISTRO_NAME": "Ubuntu"}
	for _, tc := range []struct {
		name  string
		b     Browser
		files map[string]string
		words []string
		form  form
		err   error
	}{
		{"wslview", Browser{Getenv: vars(display), LookPath: on("wslview", "rundll32.exe", "xdg-open")}, wsl2,
			[]string{"wslview"}, formPath, nil},
		{"rundll32.exe on PATH", Browser{Getenv: vars(display), LookPath: on("rundll32.exe", "xdg-open")}, wsl2,
			[]string{"rundll32.exe", "url.dll,FileProtocolHandler"}, formWindowsPath, nil},
		{"rundll32.exe off PATH (appendWindowsPath=false)", Browser{Getenv: vars(nil), LookPath: on("/mnt/c/Windows/System32/rundll32.exe", "xdg-open")}, wsl2,
			[]string{"/mnt/c/Windows/System32/rundll32.exe", "url.dll,FileProtocolHandler"}, formWindowsPath, nil},
		{"interop disabled: WSLg's xdg-open", Browser{Getenv: vars(display), LookPath: on("wslview", "rundll32.exe", "xdg-open")},
			map[string]string{osrelease: "5.15.153.1-microsoft-standard-WSL2", interop: "disabled\n"}, []string{"xdg-open"}, formURL, nil},
		{"nothing to open with", Browser{Getenv: vars(nil), LookPath: on("xdg-open")}, wsl2, nil, 0, ErrNoBrowser},
		{"--browser a Windows program", Browser{Command: `'/mnt/c/Program Files/Google/Chrome/Application/chrome.exe' --profile-directory="Profile 1"`, Getenv: vars(nil), LookPath: on()}, wsl2,
			[]string{"/mnt/c/Program Files/Google/Chrome/Application/chrome.exe", "--profile-directory=Profile 1"}, formWindowsPath, nil},
		{"$BROWSER=wslview (wslview -e)", Browser{Getenv: vars(map[string]string{"BROWSER": "/usr/bin/wslview"}), LookPath: on()}, wsl2,
			[]string{"/usr/bin/wslview"}, formPath, nil},
		{"$BROWSER a Linux browser under WSLg", Browser{Getenv: vars(map[string]string{"BROWSER": "firefox"}), LookPath: on()}, wsl2,
			[]string{"firefox"}, formURL, nil},
		{"container: Windows' Firefox", Browser{Container: "work", Getenv: vars(nil), LookPath: on("/mnt/c/Program Files/Mozilla Firefox/firefox.exe", "firefox", "wslview")}, wsl2,
			[]string{"/mnt/c/Program Files/Mozilla Firefox/firefox.exe"}, formWindowsPath, nil},
		{"container: firefox.exe on PATH", Browser{Container: "work", Getenv: vars(nil), LookPath: on("firefox.exe", "firefox")}, wsl2,
			[]string{"firefox.exe"}, formWindowsPath, nil},
		{"container: no Firefox", Browser{Container: "work", Getenv: vars(nil), LookPath: on("wslview", "xdg-open")}, wsl2, nil, 0, errNoFirefox},
	} {
		tc.b.GOOS = "linux"
		op, err := tc.b.opener(detectWSL("linux", tc.b.Getenv, kernel(tc.files)))
		if !errors.Is(err, tc.err) || strings.Join(op.words, "|") != strings.Join(tc.words, "|") || op.form != tc.form {
			t.Errorf("%s: %q form %d, %v; want %q form %d, %v", tc.name, op.words, op.form, err, tc.words, tc.form, tc.err)
		}
	}
	// What the user is told when WSL has no opener.
	_, err := Browser{GOOS: "linux", Getenv: vars(nil), LookPath: on()}.opener(detectWSL("linux", vars(nil), kernel(wsl2)))
	if !strings.Contains(err.Error(), "neither wslview nor Windows' rundll32.exe") {
		t.Errorf("no opener under WSL: %v", err)
	}
	// Off WSL nothing changes: a display and xdg-open.
	op, err := Browser{GOOS: "linux", Getenv: vars(map[string]string{"DISPLAY": ":0"}), LookPath: on("wslview", "rundll32.exe", "xdg-open")}.opener(detectWSL("linux", vars(nil), kernel(map[string]string{osrelease: "6.1.0-18-amd64"})))
	if err != nil || op.words[0] != "xdg-open" || op.form != formURL {
		t.Errorf("plain Linux: %q %v", op.words, err)
	}
}

// Under WSL a sign-in completes through each Windows-side opener: the
// opener is handed the private page (a path to wslview, a Windows path to
// rundll32.exe and other Windows programs), never the URL or the link's
// secret, and the page leads the browser through the link to the URL.
func TestWSLOpenCompletesOnTheWindowsSide(t *testing.T) {
	const u = "https://portal.example/authorize?client_id=c&state=STATE-SECRET&code_challenge=CHALLENGE"
	wsl2 := kernel(map[string]string{osrelease: "5.15.153.1-microsoft-standard-WSL2", interop: "enabled\n"})
	for _, tc := range []struct {
		name     string
		programs map[string]string
		command  string
		prefix   string // of the page's path handed to the opener
		argc     int
	}{
		{"wslview", map[string]string{"wslview": "wslview", "rundll32.exe": "windows"}, "", "/", 1},
		{"rundll32.exe, wslpath's path", map[string]string{"rundll32.exe": "windows", "wslpath": ""}, "", `\\wsl.localhost\Test-Distro\`, 2},
		{"rundll32.exe, no wslpath", map[string]string{"rundll32.exe": "windows"}, "", `\\wsl$\Test-Distro\`, 2},
		{"explorer.exe, which exits 1", map[string]string{"explorer.exe": "exit 1"}, "explorer.exe", `\\wsl$\Test-Distro\`, 1},
		{"a Windows browser with a placeholder", map[string]string{"chrome.exe": "windows"}, `chrome.exe --profile-directory="Profile 1" --new-window %s`, `\\wsl$\Test-Distro\`, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := filepath.Join(t.TempDir(), "record")
			t.Setenv("STSCRED_TEST_BROWSER_RECORD", rec)
			_, lookPath := standInDir(t, tc.programs)
			if tc.programs["explorer.exe"] != "" {
				t.Setenv("STSCRED_TEST_BROWSER_AS", "windows") // the binary it runs
			}
			b := Browser{Command: tc.command, Getenv: vars(map[string]string{"WSL_DISTRO_NAME": "Test-Distro"}), GOOS: "linux",
				LookPath: lookPath, ReadFile: wsl2, Runner: runnerWithEnv()}
			if err := b.Open(context.Background(), u); err != nil {
				t.Fatal(err)
			}
			r := readRecord(t, rec)
			if r.Err != "" || r.Status != "302 Found" || r.Location != u {
				t.Fatalf("the browser got %+v", r)
			}
			if len(r.Argv) != tc.argc || !strings.HasPrefix(r.Argv[len(r.Argv)-1], tc.prefix) || !strings.HasSuffix(r.Argv[len(r.Argv)-1], "open.html") {
				t.Fatalf("the opener's arguments %q: want %d, the page's path under %s last", r.Argv, tc.argc, tc.prefix)
			}
			if tc.argc == 3 && r.Argv[0] != "--profile-directory=Profile 1" {
				t.Fatalf("the profile argument: %q", r.Argv)
			}
			// The link's secret path came from the page, not the command line.
			secret := strings.TrimPrefix(r.Opened[strings.Index(r.Opened, openPath):], openPath+"/")
			if len(secret) < 20 {
				t.Fatalf("the page led to %q, not the link's secret path", r.Opened)
			}
			for _, a := range r.Argv {
				if strings.Contains(a, "STATE-SECRET") || strings.Contains(a, "CHALLENGE") || strings.Contains(a, secret) || strings.Contains(a, "127.0.0.1") {
					t.Fatalf("a secret on the command line: %q", r.Argv)
				}
			}
			page := filepath.FromSlash(strings.ReplaceAll(r.Argv[len(r.Argv)-1][len(tc.prefix)-1:], `\`, "/"))
			if _, err := os.Stat(filepath.Dir(page)); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("the page's directory %s is still there: %v", page, err)
			}
		})
	}
}

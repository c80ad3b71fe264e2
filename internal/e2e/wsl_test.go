//go:build linux && realworld

package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/signintest"
	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// Under WSL (issue 25) console, sso login and login open the browser on
// the Windows side: wslview when it is installed, else Windows' own
// rundll32.exe through interop; never WSLg's xdg-open while one of those
// is there. This kernel is no WSL's: WSL_DISTRO_NAME, which WSL sets in
// both of its versions, says it is. The stand-ins for wslview and
// rundll32.exe take what the real ones take (a path; url.dll,
// FileProtocolHandler and a Windows path \\wsl$\DISTRO\...), read the
// page stscred hands them as a Windows browser would through \\wsl$, and
// follow it, so the sign-in completes.

const wslDistro = "Test-Distro"

// wslOpener is a stand-in Windows-side opener in a fresh directory, to go
// first on PATH; record is what it recorded (console_test.go's format:
// the arguments in record+".raw", where the link sent it in record). With
// follow it then goes on there as a browser does (to a sign-in's
// authorize page and back to stscred's listener). xdg-open there records
// that it was called, in record+".xdg-open".
func wslOpener(t *testing.T, program string, follow bool) (dir, record string) {
	t.Helper()
	curl := requireTool(t, "curl", "curl")
	dir = t.TempDir() // outside HOME and TMPDIR: the scanned places
	record = filepath.Join(dir, "opened")
	page := `page="$1"` + "\n" // wslview PATH
	if program == "rundll32.exe" {
		page = `[ "$1" = url.dll,FileProtocolHandler ] || exit 9` + "\n" +
			// \\wsl$\DISTRO\tmp\... read through \\wsl$, as Windows does
			`page=$(printf '%s' "$2" | sed -e 's|^\\\\wsl\$\\` + wslDistro + `||' -e 's|\\|/|g')` + "\n"
	}
	script := "#!/bin/sh\n{ printf '%s\\n' \"$#\"; for a in \"$@\"; do printf '%s\\n' \"$a\"; done; } >> '" + record + ".raw'\n" +
		page +
		`next=$(sed -n 's/.*content="0; url=\([^"]*\)".*/\1/p' "$page" | sed 's/&amp;/\&/g')` + "\n" +
		`to=$('` + curl + `' -sS -o /dev/null -w '%{redirect_url}' --max-time 60 "$next")` + "\n" +
		`printf '1\n%s\n' "$to" >> '` + record + "'\n"
	if follow {
		script += `'` + curl + `' -sS -L -o /dev/null --max-time 60 "$to"` + "\n"
	}
	for name, body := range map[string]string{
		program:    script + "exit 0\n",
		"xdg-open": "#!/bin/sh\necho \"$@\" >> '" + record + ".xdg-open'\nexit 0\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return dir, record
}

// wslEnv is a WSL session's environment with the stand-ins first on PATH:
// WSL_DISTRO_NAME, WSLg's DISPLAY, no $BROWSER.
func wslEnv(w *world, dir string) []string {
	return []string{"PATH=" + dir + ":" + w.binDir + ":/usr/local/bin:/usr/bin:/bin", "WSL_DISTRO_NAME=" + wslDistro,
		"DISPLAY=:0", "WAYLAND_DISPLAY=wayland-0", "BROWSER="}
}

// checkWSLOpener fails unless the opener was called once, with the page
// (never the URL, a secret of it or the link), and xdg-open never was.
func checkWSLOpener(t *testing.T, w *world, program, record string, secrets ...string) {
	t.Helper()
	raw := opened(t, record+".raw")
	want := []string{filepath.Join(w.tmp, "stscred-open-")} // wslview: the page's path
	if program == "rundll32.exe" {
		want = []string{"url.dll,FileProtocolHandler", `\\wsl$\` + wslDistro + strings.ReplaceAll(filepath.Join(w.tmp, "stscred-open-"), "/", `\`)}
	}
	if len(raw) != 1 || len(raw[0]) != len(want) {
		t.Fatalf("%s was called %q, want once with %q...", program, raw, want)
	}
	for i, a := range raw[0] {
		if !strings.HasPrefix(a, want[i]) || (i == len(want)-1 && !strings.HasSuffix(a, "open.html")) {
			t.Fatalf("%s was given %q, want %q...", program, raw[0], want)
		}
		for _, s := range append(secrets, "127.0.0.1", "/stscred/open") {
			if s != "" && strings.Contains(a, s) {
				t.Fatalf("%s was given %q: a secret of the sign-in on its command line", program, raw[0])
			}
		}
	}
	if b, err := os.ReadFile(record + ".xdg-open"); err == nil {
		t.Fatalf("xdg-open was called under WSL with %s there: %s", program, b)
	}
	if pages, _ := filepath.Glob(filepath.Join(w.tmp, "stscred-open-*")); len(pages) != 0 {
		t.Fatalf("the page is left behind: %v", pages)
	}
}

func TestWSLConsoleOpensOnTheWindowsSide(t *testing.T) {
	for _, program := range []string{"wslview", "rundll32.exe"} {
		t.Run(program, func(t *testing.T) {
			w := newWorldOn(t, "file", ststest.Options{})
			w.addAlice()
			dir, record := wslOpener(t, program, false)
			res := w.stscredEnv(append(wslEnv(w, dir), fedEnv(w), "STSCRED_MFA_TOKEN="+w.code()), "console", "prod-admin")
			if res.code != 0 || res.stdout != "" || !strings.Contains(res.stderr, "stscred: console session of prod-admin as ") {
				t.Fatalf("console under WSL: %s", res)
			}
			calls := opened(t, record)
			if len(calls) != 1 || len(calls[0]) != 1 {
				t.Fatalf("the page led to %q", calls)
			}
			s := parseSignIn(t, w, calls[0][0])
			checkWSLOpener(t, w, program, record, s.token, "SigninToken")
			follow(t, w, s, consoleHome)
		})
	}
}

func TestWSLSSOLoginOpensOnTheWindowsSide(t *testing.T) {
	for _, program := range []string{"wslview", "rundll32.exe"} {
		t.Run(program, func(t *testing.T) {
			w := newSSOWorld(t, "file", ssotest.Options{}, ststest.Options{})
			dir, record := wslOpener(t, program, true)
			res := w.exec(wslEnv(w.world, dir), w.bin, "sso", "login", "corp")
			if res.code != 0 || !strings.Contains(res.stderr, "stscred: signed in to corp until ") {
				t.Fatalf("sso login under WSL: %s", res)
			}
			if n := w.sso.Successes(ssotest.GrantOp(ssotest.GrantAuthorizationCode)); n != 1 {
				t.Fatalf("%d authorization_code grants", n)
			}
			calls := opened(t, record)
			if len(calls) != 1 || !strings.HasPrefix(calls[0][0], w.ssoURL) {
				t.Fatalf("the page led to %q, not Identity Center's authorize page", calls)
			}
			u, err := url.Parse(calls[0][0])
			if err != nil {
				t.Fatal(err)
			}
			checkWSLOpener(t, w.world, program, record, u.Query().Get("state"), u.Query().Get("code_challenge"), u.RawQuery)
			// Signed in: the portal's credentials come without a browser.
			if res := w.sc("role", "dev"); res.code != 0 {
				t.Fatalf("role dev after the sign-in: %s", res)
			}
		})
	}
}

func TestWSLLoginOpensOnTheWindowsSide(t *testing.T) {
	for _, program := range []string{"wslview", "rundll32.exe"} {
		t.Run(program, func(t *testing.T) {
			w := newLoginWorld(t, "file", signintest.Options{})
			dir, record := wslOpener(t, program, true)
			res := w.exec(wslEnv(w.world, dir), w.bin, "login", "alice")
			if res.code != 0 || !strings.Contains(res.stderr, "stscred: signed in profile alice as "+loginARN) {
				t.Fatalf("login under WSL: %s", res)
			}
			if w.codeGrants() != 1 {
				t.Fatalf("%d authorization_code grants", w.codeGrants())
			}
			calls := opened(t, record)
			if len(calls) != 1 || !strings.HasPrefix(calls[0][0], w.signinURL) {
				t.Fatalf("the page led to %q, not AWS Sign-In's authorize page", calls)
			}
			u, err := url.Parse(calls[0][0])
			if err != nil {
				t.Fatal(err)
			}
			checkWSLOpener(t, w.world, program, record, u.Query().Get("state"), u.Query().Get("code_challenge"), u.RawQuery)
			if res := w.sc("session", "alice"); res.code != 0 {
				t.Fatalf("session alice after the sign-in: %s", res)
			}
		})
	}
}

// Under WSL the file keystore is where auto puts keys: WSL has no
// session bus unless systemd runs, and then no Secret Service on it.
func TestWSLKeystoreDefaultIsTheFileKeystore(t *testing.T) {
	dbus := requireTool(t, "dbus-run-session", "dbus")
	w := newWorldOn(t, "file", ststest.Options{})
	// A session bus with no service to activate: systemd's user bus in a
	// WSL distribution without gnome-keyring.
	busDir, err := os.MkdirTemp("/tmp", "bus") // a socket's path must be short
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(busDir) })
	conf := filepath.Join(busDir, "session.conf")
	if err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=`+busDir+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cmd  []string
		bus  string
	}{
		{"no session bus", []string{w.bin}, "DBUS_SESSION_BUS_ADDRESS="},
		{"systemd's bus, no Secret Service", []string{dbus, "--config-file=" + conf, "--", w.bin}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.RemoveAll(w.fileDir()); err != nil {
				t.Fatal(err)
			}
			env := []string{}
			for _, kv := range w.env("WSL_DISTRO_NAME="+wslDistro, "STSCRED_FILE_PASSPHRASE="+filePassphrase) {
				if !strings.HasPrefix(kv, "STSCRED_BACKEND=") && !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
					env = append(env, kv)
				}
			}
			if tc.bus != "" {
				env = append(env, tc.bus)
			}
			res := w.run(w.key.ID+"\n"+w.key.Secret+"\n", env, tc.cmd[0], append(tc.cmd[1:], "add", "alice")...)
			if res.code != 0 || !strings.Contains(res.stdout+res.stderr, "file keystore") {
				t.Fatalf("add under WSL: %s", res)
			}
			if _, err := os.Stat(filepath.Join(w.fileDir(), "keys.age")); err != nil {
				t.Fatalf("the key is not in the file keystore: %v\n%s", err, res)
			}
			res = w.run("", append(env, "STSCRED_MFA_TOKEN="+w.code()), tc.cmd[0], append(tc.cmd[1:], "session", "alice")...)
			if res.code != 0 {
				t.Fatalf("session alice from the file keystore: %s", res)
			}
		})
	}
}

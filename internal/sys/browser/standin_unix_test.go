//go:build !windows

// The stand-in programs here are shell scripts (a Linux Firefox, WSL's
// wslview and Windows programs seen from WSL).

package browser

import (
	"context"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// standInDir writes stand-in programs that run this test binary as a
// browser (standIn) taking its page in the form as says, and returns
// their directory and a LookPath that finds programs there only (a path
// with a slash as it is).
func standInDir(t *testing.T, programs map[string]string) (string, func(string) (string, error)) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, as := range programs {
		script := "#!/bin/sh\nSTSCRED_TEST_BROWSER_AS='" + as + "' exec '" + exe + "' \"$@\"\n"
		if as == "exit 1" { // explorer.exe: hands the page on and ends with 1 at once
			script = "#!/bin/sh\n'" + exe + "' \"$@\" </dev/null >/dev/null 2>&1 &\nexit 1\n"
		}
		if name == "wslpath" { // as WSL's: wslpath -w PATH
			script = "#!/bin/sh\n[ \"$1\" = -w ] || exit 2\nprintf '\\\\\\\\wsl.localhost\\\\Test-Distro%s\\n' \"$(printf '%s' \"$2\" | tr / '\\\\')\"\n"
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return dir, func(p string) (string, error) {
		if strings.Contains(p, "/") {
			return exec.LookPath(p)
		}
		return exec.LookPath(filepath.Join(dir, p))
	}
}

// console --container on Linux: Firefox is given the add-on's URL around
// the one-time link (exactly that, nothing of the URL), and the add-on's
// reading of it leads through the link to the URL.
func TestOpenInAContainer(t *testing.T) {
	const u = "https://signin.aws.amazon.com/federation?Action=login&Issuer=stscred&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=SECRETTOKEN"
	if !peerKnowable() {
		t.Skip("the owner of a connection cannot be told here")
	}
	for _, tc := range []struct {
		addon, name, scheme, escaped string
	}{
		{"", "My Work", "ext+container", "My+Work"},
		{AddonGranted, "prod-admin", "ext+granted-containers", "prod-admin"},
	} {
		t.Run(tc.scheme, func(t *testing.T) {
			rec := filepath.Join(t.TempDir(), "record")
			t.Setenv("STSCRED_TEST_BROWSER_RECORD", rec)
			_, lookPath := standInDir(t, map[string]string{"firefox": ""})
			b := Browser{Container: tc.name, Addon: tc.addon, GOOS: "linux", Getenv: vars(nil), LookPath: lookPath, Runner: runnerWithEnv()}
			if err := b.Open(context.Background(), u); err != nil {
				t.Fatal(err)
			}
			r := readRecord(t, rec)
			if r.Err != "" || r.Status != "302 Found" || r.Location != u {
				t.Fatalf("the browser got %+v", r)
			}
			// Exactly the add-on's URL around the link it loaded.
			want := tc.scheme + ":name=" + tc.escaped + "&url=" + url.QueryEscape(r.Opened)
			if len(r.Argv) != 1 || r.Argv[0] != want || !strings.HasSuffix(r.Opened, openPath) || !strings.HasPrefix(r.Opened, "http://127.0.0.1:") {
				t.Fatalf("Firefox was given %q (opened %q), want [%q]", r.Argv, r.Opened, want)
			}
		})
	}
}

// Where the browser gets the private file (macOS, Windows, WSL), the
// container add-on's URL is on the file's page, around the link's secret
// path: neither the URL nor that path is on a command line.
func TestOpenInAContainerThroughThePage(t *testing.T) {
	const u = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=SECRETTOKEN"
	rec := filepath.Join(t.TempDir(), "record")
	t.Setenv("STSCRED_TEST_BROWSER_RECORD", rec)
	_, lookPath := standInDir(t, map[string]string{"firefox.exe": "windows"})
	b := Browser{Container: "work", GOOS: "linux", Getenv: vars(map[string]string{"WSL_DISTRO_NAME": "Test-Distro"}),
		LookPath: lookPath, ReadFile: kernel(map[string]string{osrelease: "4.4.0-19041-Microsoft"}), Runner: runnerWithEnv()}
	if err := b.Open(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	r := readRecord(t, rec)
	if r.Err != "" || r.Status != "302 Found" || r.Location != u {
		t.Fatalf("the browser got %+v", r)
	}
	if len(r.Argv) != 1 || !strings.HasPrefix(r.Argv[0], `\\wsl$\Test-Distro\`) || !strings.Contains(r.Opened, openPath+"/") {
		t.Fatalf("Firefox was given %q and opened %q", r.Argv, r.Opened)
	}
	if want := "ext+container:name=work&url=" + url.QueryEscape(r.Opened); r.Page != want {
		t.Fatalf("the page led to %q, want %q", r.Page, want)
	}
	if _, err := os.Stat(filepath.Dir(filepath.FromSlash(strings.ReplaceAll(strings.TrimPrefix(r.Argv[0], `\\wsl$\Test-Distro`), `\`, "/")))); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the page is still there: %v", err)
	}
}

// Package testenv gives tests the real components stscred meets in use: a
// Secret Service (gnome-keyring on a private D-Bus session) and a freshly
// built stscred binary. A missing component fails the tests; it is never
// skipped.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

const insideMarker = "STSCRED_TEST_SECRET_SERVICE"

// StartKeyring is the shell code that starts gnome-keyring with an
// unlocked login collection on the session bus and waits until it owns
// org.freedesktop.secrets and answers: a client that called earlier would
// make D-Bus activate a second daemon, which races the first over a
// half-written login.keyring. It exits 97 when the keyring cannot start.
const StartKeyring = `printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 97
__i=0
until gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null | grep -q true &&
  secret-tool search --all service stscred-probe >/dev/null 2>&1; do
  __i=$((__i + 1)); [ $__i -lt 200 ] || exit 97; sleep 0.05
done`

// MainWithSecretService runs m inside a private D-Bus session with an
// unlocked gnome-keyring providing the Secret Service: it re-executes the
// test binary under dbus-run-session unless it already runs there. Use it
// from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testenv.MainWithSecretService(m)) }
func MainWithSecretService(m *testing.M) int { return WithSecretService(m.Run) }

// WithSecretService runs run inside a private D-Bus session with an
// unlocked gnome-keyring, re-executing the current program (with the same
// arguments) under dbus-run-session unless it already runs there. It
// returns the exit status.
func WithSecretService(run func() int) int {
	if os.Getenv(insideMarker) != "" {
		return run()
	}
	var missing []string
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon", "secret-tool", "gdbus"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		why := fmt.Sprintf("these tests need a real Secret Service, but %s not found (Debian packages: dbus gnome-keyring libsecret-tools libglib2.0-bin)", strings.Join(missing, ", "))
		if InCI() {
			fmt.Fprintln(os.Stderr, "FAIL: "+why)
			return 1
		}
		// Away from CI the tests run, and each one that needs the
		// Secret Service reports itself skipped with the reason.
		noSecretService = why
		return run()
	}
	home, err := os.MkdirTemp("", "stscred-keyring-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	defer os.RemoveAll(home)
	tmp := filepath.Join(home, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	script := StartKeyring + `; exec "$@"`
	args := append([]string{"--", "sh", "-c", script, "sh", os.Args[0]}, os.Args[1:]...)
	cmd := exec.Command("dbus-run-session", args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// The Go caches stay where they were: a fresh HOME must not mean a
	// cold build of stscred inside the tests.
	goEnv, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: go env:", err)
		return 1
	}
	vals := strings.Split(strings.TrimSpace(string(goEnv)), "\n")
	cmd.Env = append(os.Environ(), "GOCACHE="+vals[0], "GOMODCACHE="+vals[1], "GOPATH="+vals[2])
	cmd.Env = append(cmd.Env, insideMarker+"=1", "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"),
		"XDG_RUNTIME_DIR="+home, "TMPDIR="+tmp)
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			if ee.ExitCode() == 97 {
				fmt.Fprintln(os.Stderr, "FAIL: gnome-keyring-daemon could not start and unlock a keyring")
			}
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "FAIL: running under dbus-run-session:", err)
		return 1
	}
	return 0
}

// noSecretService says why there is no Secret Service ("" when there is).
var noSecretService string

// RequireSecretService fails t unless the Secret Service answers on the
// session bus; away from CI a missing one skips t with the reason.
func RequireSecretService(t testing.TB) {
	t.Helper()
	Require(t, noSecretService == "", noSecretService)
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("no D-Bus session: run the tests through testenv.MainWithSecretService")
	}
	// search exits 0 when the service answers, found or not.
	out, err := exec.Command("secret-tool", "search", "--all", "service", "stscred-probe").CombinedOutput()
	if err != nil {
		t.Fatalf("the Secret Service does not answer (secret-tool search: %v): %s", err, out)
	}
}

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// Stscred builds stscred once per test binary and returns its path.
func Stscred(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "stscred-bin-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "stscred")
		if runtime.GOOS == "windows" {
			buildPath += ".exe"
		}
		cmd := exec.Command("go", "build", "-trimpath", "-o", buildPath, "github.com/stscred/stscred/cmd/stscred")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // as install.sh builds it
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

// Build compiles the main package pkg into dir and returns the binary.
func Build(t testing.TB, pkg, dir string) string {
	t.Helper()
	out := filepath.Join(dir, filepath.Base(pkg))
	b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

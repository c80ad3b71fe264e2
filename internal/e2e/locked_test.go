//go:build linux && realworld

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/testenv"
)

// A locked keyring (the login collection locked, no one to type its
// password) is a clear error, not a hang and not a silent miss. It runs in
// a D-Bus session of its own, since locking is not undone without a GUI.
func TestLockedKeyring(t *testing.T) {
	w := newWorld(t)
	for _, tool := range []string{"dbus-run-session", "gdbus"} {
		requireTool(t, tool, "dbus, libglib2.0-bin")
	}
	dir := t.TempDir()
	script := "set -u\n" + testenv.StartKeyring + `
printf '%s\n%s\n' "$KEY_ID" "$KEY_SECRET" | stscred add alice >/dev/null 2>"$OUT/add.err" || { echo add failed >&2; cat "$OUT/add.err" >&2; exit 3; }
stscred clear >/dev/null
gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
  --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null || exit 4
stscred session alice >"$OUT/stdout" 2>"$OUT/stderr"
echo $? >"$OUT/rc"
`
	var env []string
	for _, kv := range w.env("STSCRED_MFA_TOKEN="+w.code(), "KEY_ID="+w.key.ID, "KEY_SECRET="+w.key.Secret, "OUT="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "data")) {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", script)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scenario: %v\n%s", err, out)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	rc, _ := strconv.Atoi(strings.TrimSpace(read("rc")))
	res := result{stdout: read("stdout"), stderr: read("stderr"), code: rc}
	t.Logf("stscred said:\n%s", res.stderr)
	w.assertCleanFailure(res, "failed to unlock")
}

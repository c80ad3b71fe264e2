//go:build linux && realworld

package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testenv"
)

// The second security audit, findings 1, 2 and 4, as the attacks were
// done: another local user watching the process list during a sign-in,
// and stscred's private variables reaching the processes it starts.

// attacker is a second, unprivileged local user: created by the test when
// it runs as root (required in CI), used through setpriv.
type attacker struct {
	t        *testing.T
	uid, gid string
}

func newAttacker(t *testing.T) *attacker {
	t.Helper()
	testenv.Require(t, os.Geteuid() == 0, "creating a second local user needs root")
	requireTool(t, "setpriv", "util-linux")
	const name = "stscred-attacker"
	if err := exec.Command("id", "-u", name).Run(); err != nil {
		if out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name).CombinedOutput(); err != nil {
			t.Fatalf("useradd: %v\n%s", err, out)
		}
	}
	id := func(flag string) string {
		out, err := exec.Command("id", flag, name).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	a := &attacker{t: t, uid: id("-u"), gid: id("-g")}
	if a.uid == "0" {
		t.Fatal("the attacker is root")
	}
	return a
}

// run runs a command as the attacker, with a bare environment.
func (a *attacker) run(name string, args ...string) (string, error) {
	a.t.Helper()
	cmd := exec.Command("setpriv", append([]string{"--reuid", a.uid, "--regid", a.gid, "--clear-groups", "--", name}, args...)...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/nonexistent", "LANG=C.UTF-8"}
	cmd.Dir = "/"
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// commandLines is what the attacker reads of every process's command line.
func (a *attacker) commandLines() []string {
	a.t.Helper()
	out, err := a.run("sh", "-c", `for f in /proc/[0-9]*/cmdline; do tr '\0' ' ' < "$f" 2>/dev/null; echo; done`)
	if err != nil {
		a.t.Fatalf("reading the process list as another user: %v\n%s", err, out)
	}
	return strings.Split(out, "\n")
}

// loopbackListeners are the ports listening on 127.0.0.1, as any user can
// read them in /proc/net/tcp.
func loopbackListeners(t *testing.T) []int {
	t.Helper()
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ports []int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || fields[3] != "0A" || !strings.HasPrefix(fields[1], "0100007F:") {
			continue
		}
		p, err := strconv.ParseUint(strings.TrimPrefix(fields[1], "0100007F:"), 16, 16)
		if err == nil {
			ports = append(ports, int(p))
		}
	}
	return ports
}

// Finding 1: another local user reads the sign-in from the process list
// while the victim's browser starts, and tries to complete it as
// themselves or to fail it. The authorize URL, its state and PKCE
// challenge are on no command line; the link the browser is given answers
// only the victim; callbacks the attacker forges are refused and the
// victim's sign-in goes on; the victim ends up signed in as the victim.
func TestAuditSignInCannotBeHijackedByAnotherUser(t *testing.T) {
	att := newAttacker(t)
	w := newSSOWorld(t, "file", ssotest.Options{}, ststest.Options{})
	curl := requireTool(t, "curl", "curl")
	dir := t.TempDir()
	os.Chmod(dir, 0o755) // the markers only; nothing secret is written here
	ready, proceed := filepath.Join(dir, "ready"), filepath.Join(dir, "go")
	// A browser that takes its time to start: the attacker acts while it
	// waits, then it loads the page as the victim's does.
	browser := filepath.Join(dir, "slow-browser")
	script := "#!/bin/sh\ntouch '" + ready + "'\n" +
		"i=0; while [ ! -e '" + proceed + "' ] && [ $i -lt 3000 ]; do sleep 0.02; i=$((i+1)); done\n" +
		"'" + curl + "' -sS -L -o /dev/null --max-time 60 \"$1\"\n"
	if err := os.WriteFile(browser, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	// However the test ends, the browser does not wait on.
	t.Cleanup(func() { os.WriteFile(proceed, nil, 0o644) })
	done := w.startLogin("--browser", browser)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the browser was not started")
		}
	}

	// What the attacker sees of the sign-in in the process list: the
	// command lines of this sign-in's processes (stscred's, the browser's
	// and what it runs; not those of other tests).
	var links []string
	for _, line := range att.commandLines() {
		if !strings.Contains(line, dir) && !strings.Contains(line, w.bin) {
			continue
		}
		for _, secret := range []string{"/authorize", "state=", "code_challenge", "redirect_uri"} {
			if strings.Contains(line, secret) {
				t.Fatalf("another user reads the sign-in on a command line (%s): %s", secret, line)
			}
		}
		// sh runs the script: "/bin/sh SCRIPT LINK" (stscred's own
		// command line ends with --browser SCRIPT).
		if _, after, ok := strings.Cut(line, browser+" "); ok && strings.TrimSpace(after) != "" {
			links = append(links, strings.TrimSpace(after))
		}
	}
	if len(links) != 1 || !strings.HasPrefix(links[0], "http://127.0.0.1:") {
		t.Fatalf("the browser's command line as the attacker reads it: %q", links)
	}
	// The link itself is no use to them.
	out, err := att.run(curl, "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", links[0])
	if err != nil || !strings.HasPrefix(out, "403 ") || strings.Contains(out, "authorize") {
		t.Fatalf("the attacker fetched the victim's link: %q %v", out, err)
	}
	// Nor is forging the browser's return: without the state, every
	// listener on loopback refuses it, and the victim's sign-in goes on.
	for _, port := range loopbackListeners(t) {
		for _, q := range []string{"error=access_denied", "code=attacker-code&state=guessed", "error=access_denied&state="} {
			att.run(curl, "-sS", "-o", "/dev/null", "--max-time", "5", fmt.Sprintf("http://127.0.0.1:%d/oauth/callback?%s", port, q))
		}
	}

	if err := os.WriteFile(proceed, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.code != 0 || !strings.Contains(res.stderr, "stscred: signed in to corp") {
		t.Fatalf("the victim's sign-in did not go through: %s", res)
	}
	acc := w.sc("sso", "accounts", "corp")
	if acc.code != 0 || !strings.Contains(acc.stdout, ssoAccount) {
		t.Fatalf("the victim is not signed in as themselves: %s", acc)
	}
}

// envDump is a stand-in that writes its environment to file.
func envDump(t *testing.T, name, file, then string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\nenv > '"+file+"'\n"+then), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// assertNoPrivate fails when the environment a child wrote holds one of
// stscred's private variables.
func assertNoPrivate(t *testing.T, what, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%s did not run: %v", what, err)
	}
	for _, v := range []string{"STSCRED_FILE_PASSPHRASE=", "STSCRED_MFA_TOKEN="} {
		if strings.Contains(string(b), v) {
			t.Fatalf("%s got %s in its environment", what, strings.TrimSuffix(v, "="))
		}
	}
	if !strings.Contains(string(b), "PATH=") {
		t.Fatalf("%s got no environment at all: %s", what, b)
	}
}

// Finding 2: the browser of `sso login` and of `console`, and the desktop
// MFA dialog, never get the file keystore's passphrase or the MFA code
// given to stscred.
func TestAuditPrivateVariablesNeverReachTheBrowserOrTheDialog(t *testing.T) {
	curl := requireTool(t, "curl", "curl")
	follow := "'" + curl + "' -sS -L -o /dev/null --max-time 60 \"$1\"\n"

	t.Run("sso login's browser", func(t *testing.T) {
		w := newSSOWorld(t, "file", ssotest.Options{}, ststest.Options{}) // STSCRED_FILE_PASSPHRASE is set
		envFile := filepath.Join(t.TempDir(), "env")
		browser := envDump(t, "browser", envFile, follow)
		res := w.exec([]string{"STSCRED_MFA_TOKEN=123456"}, w.bin, "sso", "login", "corp", "--browser", browser)
		if res.code != 0 {
			t.Fatalf("sso login: %s", res)
		}
		assertNoPrivate(t, "the sign-in's browser", envFile)
	})
	t.Run("console's browser", func(t *testing.T) {
		w := newWorldOn(t, "file", ststest.Options{})
		w.addAlice()
		envFile := filepath.Join(t.TempDir(), "env")
		browser := envDump(t, "browser", envFile, linkFollower(curl, envFile+".opened"))
		res := w.stscredEnv([]string{fedEnv(w), "STSCRED_MFA_TOKEN=" + w.code()}, "console", "prod-admin", "--browser", browser)
		if res.code != 0 {
			t.Fatalf("console: %s", res)
		}
		assertNoPrivate(t, "the console's browser", envFile)
	})
	t.Run("desktop dialog", func(t *testing.T) {
		w := newWorldOn(t, "file", ststest.Options{})
		w.addAlice()
		dir := t.TempDir()
		envFile := filepath.Join(dir, "env")
		codeFile := filepath.Join(dir, "code")
		os.WriteFile(codeFile, []byte(w.code()+"\n"), 0o600)
		zenity := envDump(t, "zenity", envFile, "cat '"+codeFile+"'\n")
		path := "PATH=" + filepath.Dir(zenity) + ":" + w.binDir + ":/usr/local/bin:/usr/bin:/bin"
		w.decode(w.stscredEnv([]string{path, "DISPLAY=:99"}, "role", "prod-admin"))
		assertNoPrivate(t, "the desktop dialog", envFile)
	})
}

// Finding 4: an exec inside an exec of the same profile reuses the outer
// endpoint, and its command still gets neither private variable, even
// when the inner stscred was given them (a script inside the outer exec
// sets them for its own stscred call).
func TestAuditNestedExecDropsPrivateVariables(t *testing.T) {
	w := newWorldOn(t, "file", ststest.Options{}) // STSCRED_FILE_PASSPHRASE is set
	w.addAlice()
	res := w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "exec", "prod", "--",
		"env", "STSCRED_FILE_PASSPHRASE="+filePassphrase, "STSCRED_MFA_TOKEN=123456", w.bin, "exec", "prod", "--", "env")
	if res.code != 0 {
		t.Fatalf("nested exec: %s", res)
	}
	if !strings.Contains(res.stdout, "AWS_CONTAINER_CREDENTIALS_FULL_URI=") {
		t.Fatalf("the inner command has no credentials endpoint:\n%s", res.stdout)
	}
	for _, v := range []string{"STSCRED_FILE_PASSPHRASE=", "STSCRED_MFA_TOKEN="} {
		if strings.Contains(res.stdout, v) {
			t.Fatalf("the nested exec's command got %s", strings.TrimSuffix(v, "="))
		}
	}
}

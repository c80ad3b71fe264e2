//go:build linux && realworld

package e2e

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/keystore"
	"golang.org/x/sys/unix"
)

// seed is a TOTP-seed-like secret a user might put in a command line of
// the config.
const seed = "JBSWY3DPEHPK3PXPSEEDSEED"

// assertNowhere fails if s appears in any output given or in any file
// under the world's HOME and TMPDIR but the config that holds it.
func assertNowhere(t *testing.T, w *world, s string, outputs ...string) {
	t.Helper()
	for _, out := range outputs {
		if strings.Contains(out, s) {
			t.Fatalf("the secret argument was printed:\n%s", out)
		}
	}
	for _, dir := range []string{w.home, w.tmp} {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || path == w.cfg {
				return nil
			}
			if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), s) {
				t.Errorf("%s holds the secret argument", path)
			}
			return nil
		})
	}
}

// A command line from the config (mfa_process, a foreign
// credential_process) may hold a secret: whatever goes wrong with it,
// stscred names the program and the profile, never the line.
func TestConfigCommandLinesNeverEchoed(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	var outputs []string
	for _, tc := range []struct {
		name, line, want string
	}{
		{"not installed", "no-such-oathtool --totp -b " + seed, "program no-such-oathtool not found"},
		{"not a code", "echo totp " + seed, "printed something that is not a 6-digit code"},
		{"exits non-zero", "sh -c 'echo bad seed $0 >&2; exit 3' " + seed, "exit status 3"},
	} {
		t.Run("mfa_process "+tc.name, func(t *testing.T) {
			w.t = t
			w.writeConfig(strings.Replace(w.standardConfig(), "region     = eu-west-1\n", "region     = eu-west-1\nmfa_process = "+tc.line+"\n", 1))
			w.stscred("clear")
			res := w.stscred("role", "prod-admin")
			w.assertCleanFailure(res, tc.want)
			if !strings.Contains(res.stderr, "mfa_process of profile alice") {
				t.Fatalf("the error does not name the key and profile: %s", res.stderr)
			}
			outputs = append(outputs, res.stdout, res.stderr)
			for _, args := range [][]string{{"doctor"}, {"doctor", "--output", "json"}, {"list"}, {"list", "--json"}} {
				r := w.stscred(args...)
				outputs = append(outputs, r.stdout, r.stderr)
			}
		})
	}
	w.t = t
	// A tool profile whose own credential_process holds a token.
	w.writeConfig(w.standardConfig() + "\n[profile tool]\ncredential_process = sh -c 'echo token=$0 >&2; exit 2' " + seed + "\nregion = eu-west-1\n")
	for _, args := range [][]string{{"export", "tool"}, {"whoami", "tool"}, {"whoami", "-v", "tool"}, {"exec", "tool", "--", "true"}, {"role", "tool"}, {"session", "tool"}} {
		res := w.stscred(args...)
		w.assertCleanFailure(res, "tool")
		outputs = append(outputs, res.stdout, res.stderr)
	}
	for _, args := range [][]string{{"doctor"}, {"doctor", "--profile", "tool"}, {"list"}} {
		r := w.stscred(args...)
		outputs = append(outputs, r.stdout, r.stderr)
	}
	assertNowhere(t, w, seed, outputs...)
	assertNowhere(t, w, seed[:12], outputs...)
}

// The file keystore's unlocked identity stays in the login session that
// unlocked it: another session keyring of the same user neither lists it
// in /proc/keys nor reads it by id, and stscred there asks for the
// passphrase again. The cache's data key of a file keystore stays there
// too.
func TestFileIdentityStaysInItsSession(t *testing.T) {
	keyctl := requireTool(t, "keyctl", "keyutils")
	w := newWorldOn(t, "file", ststest.Options{})
	w.addAlice()
	w.fileStore().Forget()
	dir := t.TempDir()
	idFile := filepath.Join(dir, "ids")
	// Session one: unlock (passphrase from the environment), then list
	// the session's stscred keys and stay alive until told.
	// This world's entries: the data key is named by the keyring service
	// and cache directory, the identity by its wrapped file.
	ns := sha256.Sum256([]byte(w.service + "\x00" + w.cacheDir()))
	wrapped, err := os.ReadFile(filepath.Join(w.fileDir(), "identity.age"))
	if err != nil {
		t.Fatal(err)
	}
	idh := sha256.Sum256(wrapped)
	one := exec.Command(keyctl, "session", "-", "sh", "-c",
		`stscred session alice >/dev/null || exit 3
awk -v ns="$NS" -v id="$IDH" 'index($0, "stscred:v1:file-identity:" id) || index($0, "stscred:v1:cache-data-key:" ns) { print $1 }' /proc/keys > "$IDS.tmp" && cp /proc/keys "$IDS.all" && mv "$IDS.tmp" "$IDS"
read line`)
	one.Env = w.env("STSCRED_MFA_TOKEN="+w.code(), "IDS="+idFile, "NS="+hex.EncodeToString(ns[:8]), "IDH="+hex.EncodeToString(idh[:12]))
	stdin, _ := one.StdinPipe()
	var oneOut strings.Builder
	one.Stdout, one.Stderr = &oneOut, &oneOut
	if err := one.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); one.Wait() }()
	var ids []string
	for i := 0; i < 600 && len(ids) == 0; i++ {
		if b, err := os.ReadFile(idFile); err == nil {
			ids = strings.Fields(string(b))
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(ids) != 2 {
		all, _ := os.ReadFile(idFile + ".all")
		t.Fatalf("session one holds %d stscred keys, want its identity and the cache key:\n%s\n%s", len(ids), oneOut.String(), all)
	}
	// Session two: the same user, another session keyring.
	for _, id := range ids {
		out, err := exec.Command(keyctl, "session", "-", "sh", "-c",
			"echo listed=$(grep -c '^"+id+" ' /proc/keys); keyctl print 0x"+id).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "listed=0\n") {
			t.Fatalf("another session sees or reads key %s:\n%s", id, out)
		}
	}
	env := withoutVar(w.env(), "STSCRED_FILE_PASSPHRASE")
	asks := startPTY(t, append(env, "STSCRED_MFA_TOKEN="+w.code()), keyctl, "session", "-", w.bin, "session", "alice")
	asks.expect("stscred: passphrase for the file keystore", 1)
}

// 32 first-ever callers at once, on a machine where no cache key exists
// yet (the key was stored without stscred): exactly one GetSessionToken
// and one AssumeRole, and no caller finds another's entries "corrupt".
func TestFirstRunStorm(t *testing.T) {
	for _, backend := range []string{"secret-service", "file"} {
		t.Run(backend, func(t *testing.T) {
			w := newWorldOn(t, backend, ststest.Options{})
			var store keystore.Store = keystore.NewKeyring(w.service, 20*time.Second)
			if backend == "file" {
				store = w.fileStore()
			}
			if err := keystore.PutKey(store, "alice", keystore.Key{AccessKeyID: w.key.ID, SecretAccessKey: w.key.Secret}); err != nil {
				t.Fatal(err)
			}
			if _, err := store.Get(keystore.DataKeyName); err == nil {
				t.Fatal("a cache key exists before the first run")
			}
			results, _ := storm(w, stormSize, []string{"STSCRED_MFA_TOKEN=" + w.code()}, w.bin, "role", "prod-admin")
			for i, res := range results {
				w.decode(res)
				if strings.Contains(res.stderr, "corrupt") {
					t.Fatalf("caller %d: %s", i, res.stderr)
				}
			}
			if gst, ar, _ := w.counts(); gst != 1 || ar != 1 {
				t.Fatalf("%d GetSessionToken, %d AssumeRole; want 1 and 1", gst, ar)
			}
		})
	}
}

// hungSTS accepts connections and never answers; it counts them.
func hungSTS(t *testing.T) (url string, accepted *atomic.Int32) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted = &atomic.Int32{}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go bufio.NewReader(c).ReadString(0) // read, never answer
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return "http://" + ln.Addr().String(), accepted
}

// An STS endpoint that accepts the connection and never answers: one call
// gives up after its budget with an error naming the endpoint; the calls
// waiting on its lock say whom they wait for and for what, and when it
// gives up they stop too instead of each trying again.
func TestHungSTS(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	url, accepted := hungSTS(t)
	env := []string{"AWS_ENDPOINT_URL_STS=" + url, "STSCRED_MFA_TOKEN=" + w.code(), "STSCRED_STS_TIMEOUT=2s"}
	start := time.Now()
	res := w.stscredEnv(env, "session", "alice")
	t.Logf("one call against a hung STS ended after %s", time.Since(start).Round(10*time.Millisecond))
	w.assertCleanFailure(res, "cannot reach STS at "+url+": no answer within 2s")
	if !strings.Contains(res.stderr, "sts-timeout") {
		t.Fatalf("no hint about the budget: %s", res.stderr)
	}
	// The budget holds whatever it is: the default is 15s.
	if n := accepted.Load(); n < 1 || n > 3 {
		t.Fatalf("%d connections for one call", n)
	}

	accepted.Store(0)
	const n = 6
	// The first call's code counts as used (STS may have seen it): the
	// storm gets the next one.
	env = []string{"AWS_ENDPOINT_URL_STS=" + url, "STSCRED_MFA_TOKEN=" + w.srv.Code(w.mfa.Serial, time.Now().Add(30*time.Second)), "STSCRED_STS_TIMEOUT=2s"}
	results, wall := storm(w, n, env, w.bin, "role", "prod-admin")
	t.Logf("%d calls against a hung STS ended after %s", n, wall.Round(10*time.Millisecond))
	gaveUp, heard := 0, 0
	for _, r := range results {
		w.assertCleanFailure(r, "")
		switch {
		case strings.Contains(r.stderr, "gave up while this call waited for it"):
			heard++
			if !strings.Contains(r.stderr, "is calling STS at "+url) {
				t.Fatalf("a waiter did not say what it waited for: %s", r.stderr)
			}
		case strings.Contains(r.stderr, "no answer within 2s"):
			gaveUp++
		default:
			t.Fatalf("unexpected failure: %s", r.stderr)
		}
	}
	if gaveUp != 1 || heard != n-1 {
		t.Fatalf("%d calls reached the hung endpoint and %d learned from them; want 1 and %d", gaveUp, heard, n-1)
	}
	if c := accepted.Load(); c > 3 {
		t.Fatalf("%d connections: the waiters tried the hung endpoint too", c)
	}
}

// Prompt hooks never ask: with the MFA session gone and the exported
// credentials inside the renewal window, a command typed at the prompt
// runs (it is not read as an MFA code), the prompt segment says "mfa?",
// one line says what to run, once; `stscred use prod` then asks normally.
func TestPromptHookNeverAsks(t *testing.T) {
	for _, sc := range interactiveShells {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t)
			w.addAlice()
			w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
			env := w.env("PS1=PROMPT> ", "PROMPT=PROMPT> ", "TERM=dumb")
			sh := startPTY(t, env, sc.argv[0], sc.argv[1:]...)
			sh.expect("PROMPT> ", 1)
			say := sh.say
			say(sc.init)
			say("stscred use prod") // from the cache: no question
			if res := w.stscred("clear"); res.code != 0 {
				t.Fatal(res)
			}
			say(sc.nearExp) // the next prompt's hook tries to renew
			sh.typeLine("printf 'typed-%s\\n' ok")
			sh.expectAfter("typed-ok", "PROMPT> ")
			say(sc.show)
			if !strings.Contains(sh.output(), "INFO=prod mfa?") {
				t.Fatalf("the prompt segment does not say mfa?:\n%s", sh.output())
			}
			retry := "__stscred_retry_at=0"
			if sc.name == "fish" {
				retry = "set -g __stscred_retry_at 0"
			}
			say(retry) // renew again at the next prompt
			say("true")
			out := sh.output()
			if strings.Contains(out, "MFA code for") {
				t.Fatalf("a prompt hook asked for an MFA code:\n%s", out)
			}
			if c := strings.Count(out, "prod needs an MFA code to renew its credentials: run stscred use prod"); c != 1 {
				t.Fatalf("the advice was printed %d times, want once:\n%s", c, out)
			}
			sh.typeLine("stscred use prod")
			sh.expect(promptText, 1)
			sh.typeLine(w.code())
			say(sc.show)
			if !expPattern.MatchString(sh.output()) {
				t.Fatalf("use prod did not renew:\n%s", sh.output())
			}
		})
	}
}

// Ctrl-C at the MFA prompt ends the command at once: non-zero, no second
// prompt, nothing cached, no STS call.
func TestCtrlCAtMFAPrompt(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	r := startPTY(t, w.env(), w.bin, "role", "prod-admin")
	r.expect(promptText, 1)
	if _, err := r.tty.Write([]byte{3}); err != nil {
		t.Fatal(err)
	}
	if err := r.exit(); err == nil {
		t.Fatal("Ctrl-C at the prompt must fail the command")
	}
	if c := strings.Count(r.output(), "MFA code for"); c != 1 {
		t.Fatalf("prompted %d times:\n%s", c, r.output())
	}
	if gst, ar, _ := w.counts(); gst != 0 || ar != 0 {
		t.Fatalf("STS was called: %d GetSessionToken, %d AssumeRole", gst, ar)
	}
	if res := w.stscred("list", "--json"); strings.Contains(res.stdout, `"kind"`) {
		t.Fatalf("something was cached: %s", res.stdout)
	}
}

// Ctrl-C at a hidden prompt (the file keystore's passphrase) restores the
// terminal's echo and ends with status 130.
func TestCtrlCAtHiddenPromptRestoresTerminal(t *testing.T) {
	w := newWorldOn(t, "file", ststest.Options{})
	w.addAlice()
	w.fileStore().Forget()
	w.stscred("clear")
	env := withoutVar(w.env(), "STSCRED_FILE_PASSPHRASE")
	r := startPTY(t, append(env, "STSCRED_MFA_TOKEN="+w.code()), w.bin, "session", "alice")
	r.expect("stscred: passphrase for the file keystore", 1)
	// The terminal's settings are the slave side's.
	n, err := unix.IoctlGetInt(int(r.tty.(*os.File).Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	if st, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS); err != nil || st.Lflag&unix.ECHO != 0 {
		t.Fatalf("echo is on at the passphrase prompt (%v)", err)
	}
	if _, err := r.tty.Write([]byte{3}); err != nil {
		t.Fatal(err)
	}
	err = <-r.done
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v, want status 130", err)
	}
	st, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil || st.Lflag&unix.ECHO == 0 {
		t.Fatalf("the terminal was left without echo (%v)", err)
	}
}

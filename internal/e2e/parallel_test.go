//go:build linux && realworld

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const stormSize = 32

// storm runs n copies of a command at once and returns their results and
// the wall time of the whole storm.
func storm(w *world, n int, env []string, name string, args ...string) ([]result, time.Duration) {
	results := make([]result, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = w.run("", w.env(env...), name, args...)
		}(i)
	}
	wg.Wait()
	return results, time.Since(start)
}

// coldCall times one stscred role call on an empty cache (the MFA session
// included), for comparison with a storm.
func coldCall(w *world) time.Duration {
	w.t.Helper()
	if res := w.stscred("clear"); res.code != 0 {
		w.t.Fatalf("clear: %s", res)
	}
	start := time.Now()
	w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
	return time.Since(start)
}

// 32 credential_process calls at once on an empty cache: one MFA code,
// one GetSessionToken, one AssumeRole, and the same credentials for all.
func TestStormOfStscredCalls(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.addAlice()
		results, wall := storm(w, stormSize, []string{"STSCRED_MFA_TOKEN=" + w.code()}, w.bin, "role", "prod-admin")
		first := w.decode(results[0])
		for i, res := range results {
			if c := w.decode(res); c != first {
				t.Fatalf("process %d got different credentials", i)
			}
		}
		gst, ar, _ := w.counts()
		if gst != 1 || ar != 1 {
			t.Fatalf("storm: %d GetSessionToken, %d AssumeRole; want 1 and 1", gst, ar)
		}
		if n := len(w.srv.AcceptedCodes(w.mfa.Serial)); n != 1 {
			t.Fatalf("%d MFA codes consumed", n)
		}
		cold := coldCall(w)
		t.Logf("storm of %d `stscred role prod-admin`: %d GetSessionToken, %d AssumeRole, wall %s; one cold call: %s",
			stormSize, gst, ar, wall.Round(time.Millisecond), cold.Round(time.Millisecond))
	})
}

func TestStormOfAWSCLICalls(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	results, wall := storm(w, stormSize, []string{"STSCRED_MFA_TOKEN=" + w.code()}, awsCLI,
		"sts", "get-caller-identity", "--profile", "prod", "--endpoint-url", w.url)
	for i, res := range results {
		if res.code != 0 || !strings.Contains(res.stdout, "assumed-role/Admin/stscred-alice") {
			t.Fatalf("aws %d: %s", i, res)
		}
	}
	gst, ar, gci := w.counts()
	if gst != 1 || ar != 1 {
		t.Fatalf("storm: %d GetSessionToken, %d AssumeRole; want 1 and 1", gst, ar)
	}
	if n := len(w.srv.AcceptedCodes(w.mfa.Serial)); n != 1 {
		t.Fatalf("%d MFA codes consumed", n)
	}
	// Every CLI signed with the one role session.
	key := roleSessionKey(w)
	for _, r := range w.srv.Requests() {
		if r.Action == "GetCallerIdentity" && r.AccessKeyID != key && r.AccessKeyID != w.key.ID {
			t.Fatalf("a CLI signed with %s, not the shared role session %s", r.AccessKeyID, key)
		}
	}
	t.Logf("storm of %d `aws sts get-caller-identity --profile prod`: %d GetSessionToken, %d AssumeRole, %d GetCallerIdentity, wall %s",
		stormSize, gst, ar, gci-1, wall.Round(time.Millisecond))
}

var keyIDPattern = regexp.MustCompile(`"AccessKeyId":"(ASIA[A-Z0-9]+)"`)

// kill -9 the process that holds the lock while it waits at the MFA
// prompt: a waiter takes over, prompts once, and everyone finishes.
func TestLockHolderDies(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	holder := startPTY(t, w.env(), w.bin, "role", "prod-admin")
	holder.expect(promptText, 1)
	waiting := fmt.Sprintf("waiting for another call to finish: pid %d (profile prod-admin) is asking for an MFA code", holder.cmd.Process.Pid)
	b := startPTY(t, w.env(), w.bin, "role", "prod-admin")
	c := startPTY(t, w.env(), w.bin, "role", "prod-admin")
	b.expect(waiting, 1)
	c.expect(waiting, 1)
	if err := holder.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// Exactly one of the waiters takes over and prompts.
	var prompter, other *ptyRun
	deadline := time.Now().Add(30 * time.Second)
	for prompter == nil && time.Now().Before(deadline) {
		switch {
		case strings.Contains(b.output(), promptText):
			prompter, other = b, c
		case strings.Contains(c.output(), promptText):
			prompter, other = c, b
		}
		time.Sleep(20 * time.Millisecond)
	}
	if prompter == nil {
		t.Fatalf("no waiter took over.\nB:\n%s\nC:\n%s", b.output(), c.output())
	}
	prompter.typeLine(w.code())
	prompter.wait()
	other.wait()
	if strings.Contains(other.output(), promptText) {
		t.Fatal("the second waiter prompted too")
	}
	kb := keyIDPattern.FindStringSubmatch(b.output())
	kc := keyIDPattern.FindStringSubmatch(c.output())
	if kb == nil || kc == nil || kb[1] != kc[1] {
		t.Fatalf("waiters got different or no credentials:\nB:\n%s\nC:\n%s", b.output(), c.output())
	}
	if gst, ar, _ := w.counts(); gst != 1 || ar != 1 {
		t.Fatalf("%d GetSessionToken, %d AssumeRole", gst, ar)
	}
	// No stale lock: a fresh fetch goes straight through (a lock left
	// behind would make it time out after 1s).
	w.stscred("clear")
	res := w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code(), "STSCRED_LOCK_TIMEOUT=1s"}, "role", "prod-admin")
	w.decode(res)
	if strings.Contains(res.stderr, "waiting for another call") {
		t.Fatalf("a later call waited for a lock: %s", res.stderr)
	}
}

// A waiter does not wait forever: after the lock timeout it fails and
// names the holder.
func TestLockWaitIsBounded(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	holder := startPTY(t, w.env(), w.bin, "role", "prod-admin")
	holder.expect(promptText, 1)
	start := time.Now()
	res := w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code(), "STSCRED_LOCK_TIMEOUT=1s"}, "role", "prod-admin")
	w.assertCleanFailure(res, fmt.Sprintf("pid %d (profile prod-admin) is asking for an MFA code", holder.cmd.Process.Pid))
	if !strings.Contains(res.stderr, fmt.Sprintf("kill %d", holder.cmd.Process.Pid)) {
		t.Fatalf("no hint to end the holder: %s", res.stderr)
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("gave up after %s, before the 1s lock timeout", d)
	}
}

// No terminal but a display: the desktop dialog asks (a stand-in zenity
// that records its arguments and prints a code).
func TestDesktopPrompt(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	dir := t.TempDir()
	argsFile := filepath.Join(dir, "args")
	codeFile := filepath.Join(dir, "code")
	zenity := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' \"$@\" >> %s\ncat %s\n", argsFile, codeFile)
	if err := os.WriteFile(filepath.Join(dir, "zenity"), []byte(zenity), 0o755); err != nil {
		t.Fatal(err)
	}
	path := "PATH=" + dir + ":" + w.binDir + ":/usr/local/bin:/usr/bin:/bin"

	// Without a display the dialog is not used: fail at once.
	w.assertCleanFailure(w.stscredEnv([]string{path}, "role", "prod-admin"), "no way to ask for an MFA code")
	if _, err := os.Stat(argsFile); err == nil {
		t.Fatal("zenity ran without a display")
	}
	// --prompt=tty refuses the dialog even with a display.
	w.assertCleanFailure(w.stscredEnv([]string{path, "DISPLAY=:99", "STSCRED_PROMPT=tty"}, "role", "prod-admin"), "--prompt=tty")

	os.WriteFile(codeFile, []byte(w.code()+"\n"), 0o600)
	res := w.stscredEnv([]string{path, "DISPLAY=:99"}, "role", "prod-admin")
	w.decode(res)
	args, err := os.ReadFile(argsFile)
	if err != nil {
		t.Fatal("zenity was not run")
	}
	for _, want := range []string{"--entry", w.mfa.Serial, "prod-admin"} {
		if !strings.Contains(string(args), want) {
			t.Fatalf("zenity args lack %q:\n%s", want, args)
		}
	}
	if len(w.srv.AcceptedCodes(w.mfa.Serial)) != 1 {
		t.Fatal("the dialog's code was not used")
	}
}

// Two MFA-needing calls in one 30-second window on one device (two keys of
// one IAM user, each a source): the second waits for the next code instead
// of sending one STS already accepted. A code given up front that was just
// used is refused before it reaches STS.
func TestMFACodeNeverSentTwice(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	key2 := w.alice.AddAccessKey()
	// add refuses a name the config lacks but nearly has (alice2: alice).
	w.writeConfig(w.standardConfig() + "\n[profile alice2]\nregion = eu-west-1\n")
	if res := w.run(key2.ID+"\n"+key2.Secret+"\n", w.env(), w.bin, "add", "alice2"); res.code != 0 {
		t.Fatalf("add alice2: %s", res)
	}
	// An authenticator display: mfa_process prints the code the test put
	// on it, then counts that it was read. The display shows one code
	// until the test moves the device on: both calls fall in one step,
	// wherever the wall clock is in its 30 seconds.
	dir := t.TempDir()
	codeFile, readsFile := filepath.Join(dir, "code"), filepath.Join(dir, "reads")
	show := func(code string) {
		t.Helper()
		if err := os.WriteFile(codeFile+".tmp", []byte(code+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(codeFile+".tmp", codeFile); err != nil {
			t.Fatal(err)
		}
	}
	display := filepath.Join(dir, "display")
	if err := os.WriteFile(display, []byte(fmt.Sprintf("#!/bin/sh\ncat %s && echo read >> %s\n", codeFile, readsFile)), 0o700); err != nil {
		t.Fatal(err)
	}
	reads := func() int {
		b, _ := os.ReadFile(readsFile)
		return strings.Count(string(b), "read\n")
	}
	show(w.code())
	w.writeConfig(w.standardConfig() + fmt.Sprintf(`
[profile alice2]
region = eu-west-1
mfa_serial = %s
mfa_process = %s

[profile ro2]
source_profile = alice2
role_arn = %s
`, w.mfa.Serial, display, roRole) + "\n")
	cfg, _ := os.ReadFile(w.cfg)
	w.writeConfig(strings.Replace(string(cfg), "mfa_serial = "+w.mfa.Serial+"\n", "mfa_serial = "+w.mfa.Serial+"\nmfa_process = "+display+"\n", 1))

	w.decode(w.stscred("role", "prod-admin"))
	if n := reads(); n != 1 {
		t.Fatalf("the first call read the display %d times, want once", n)
	}
	// The second call reads the code just used, and waits. Once it has
	// read it, the device moves on to its next code (stscred's wait ends
	// at the next step of the wall clock; then it reads the display again).
	second := make(chan result, 1)
	go func() { second <- w.stscred("role", "ro2") }()
	for deadline := time.Now().Add(time.Minute); reads() < 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the second call never read the display")
		}
	}
	show(w.code())
	res := <-second
	w.decode(res)
	if !strings.Contains(res.stderr, "was just used; waiting") {
		t.Fatalf("the second call did not wait for the next code: %s", res.stderr)
	}
	codes := w.srv.AcceptedCodes(w.mfa.Serial)
	if len(codes) != 2 || codes[0] == codes[1] {
		t.Fatalf("accepted codes %v", codes)
	}
	if w.srv.Calls("GetSessionToken") != 2 || w.srv.Successes("GetSessionToken") != 2 {
		t.Fatalf("GetSessionToken: %d calls, %d accepted: a code was sent twice", w.srv.Calls("GetSessionToken"), w.srv.Successes("GetSessionToken"))
	}
	// A code given up front that was just accepted never reaches STS.
	w.stscred("clear", "alice2")
	res = w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + codes[1]}, "role", "ro2")
	w.assertCleanFailure(res, "MFA code already used")
	if w.srv.Calls("GetSessionToken") != 2 {
		t.Fatal("the used code was sent to STS")
	}
}

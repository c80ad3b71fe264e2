//go:build linux && realworld

package e2e

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptyRun is a command running on a pseudo-terminal of its own, as if a
// user had typed it in a terminal window.
type ptyRun struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  io.ReadWriter
	mu   sync.Mutex
	out  bytes.Buffer
	done chan error
	// drained is closed when the terminal has nothing more to read: the
	// command and everything it started have closed it.
	drained chan struct{}
	said    int // lines say has typed
}

func startPTY(t *testing.T, env []string, name string, args ...string) *ptyRun {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = env
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200})
	if err != nil {
		t.Fatalf("starting %s on a pty: %v", name, err)
	}
	r := &ptyRun{t: t, cmd: cmd, tty: f, done: make(chan error, 1), drained: make(chan struct{})}
	go func() {
		defer close(r.drained)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { r.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		f.Close()
	})
	return r
}

func (r *ptyRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// expect waits until the terminal shows want (count times in all).
func (r *ptyRun) expect(want string, count int) {
	r.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Count(r.output(), want) >= count {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Fatalf("terminal never showed %q; it shows:\n%s", want, r.output())
}

// expectAfter waits until the terminal shows first, and then later second.
func (r *ptyRun) expectAfter(first, second string) {
	r.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		out := r.output()
		if i := strings.Index(out, first); i >= 0 && strings.Contains(out[i+len(first):], second) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Fatalf("terminal never showed %q then %q; it shows:\n%s", first, second, r.output())
}

// say types line at a shell's "PROMPT> " and waits until its output is
// done and the next prompt (whose hooks run first) is drawn. The marker is
// built by printf, so the echo of the typed line cannot match it.
func (r *ptyRun) say(line string) {
	r.t.Helper()
	r.said++
	r.typeLine(fmt.Sprintf(`%s; printf '\x5fOK%d\n'`, line, r.said))
	r.expectAfter(fmt.Sprintf("_OK%d\r\n", r.said), "PROMPT> ")
}

func (r *ptyRun) typeLine(s string) {
	r.t.Helper()
	if _, err := io.WriteString(r.tty, s+"\r"); err != nil {
		r.t.Fatal(err)
	}
}

// wait waits for the command to succeed, with all it wrote read.
func (r *ptyRun) wait() {
	r.t.Helper()
	if err := r.exit(); err != nil {
		r.t.Fatalf("command failed: %v\nterminal:\n%s", err, r.output())
	}
}

// exit waits for the command to end and for what it left on the terminal
// to be read, and returns how it ended.
func (r *ptyRun) exit() error {
	r.t.Helper()
	var err error
	select {
	case err = <-r.done:
	case <-time.After(90 * time.Second):
		r.t.Fatalf("command did not finish; terminal:\n%s", r.output())
	}
	select {
	case <-r.drained:
	case <-time.After(30 * time.Second):
		r.t.Fatalf("the terminal stayed open after the command ended; it shows:\n%s", r.output())
	}
	return err
}

const promptText = "stscred: MFA code for arn:aws:iam::111111111111:mfa/alice (profile prod-admin): "

// The AWS CLI captures credential_process's stdout and stderr; the prompt
// must still reach the user's terminal, and the code typed there be used.
func TestPromptOnTerminalUnderAWSCLI(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	r := startPTY(t, w.env(), awsCLI, "sts", "get-caller-identity", "--profile", "prod", "--endpoint-url", w.url)
	r.expect(promptText, 1)
	code := w.code()
	r.typeLine(code)
	r.wait()
	if !strings.Contains(r.output(), "assumed-role/Admin/stscred-alice") {
		t.Fatalf("terminal:\n%s", r.output())
	}
	if got := w.srv.AcceptedCodes(w.mfa.Serial); len(got) != 1 || got[0] != code {
		t.Fatalf("accepted codes %v, typed %s", got, code)
	}
	// Later calls ask nothing.
	r = startPTY(t, w.env(), awsCLI, "sts", "get-caller-identity", "--profile", "prod", "--endpoint-url", w.url)
	r.wait()
	if strings.Contains(r.output(), "MFA code") || w.srv.Calls("GetSessionToken") != 1 {
		t.Fatalf("second call prompted or called STS:\n%s", r.output())
	}
}

func TestPromptOnTerminalUnderGoSDK(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	r := startPTY(t, w.env(), buildSDKCaller(t), "-profile", "prod")
	r.expect(promptText, 1)
	r.typeLine(w.code())
	r.wait()
	if !strings.Contains(r.output(), "assumed-role/Admin/stscred-alice") {
		t.Fatalf("terminal:\n%s", r.output())
	}
}

// A wrong code typed at the prompt: STS's rejection is reported on the
// terminal and the user may try again.
func TestPromptRetriesAfterRejectedCode(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	r := startPTY(t, w.env(), w.bin, "role", "prod-admin")
	r.expect(promptText, 1)
	r.typeLine(wrongCode(w))
	r.expect("STS rejected that MFA code", 1)
	r.expect(promptText, 2)
	r.typeLine(w.code())
	r.wait()
	if !strings.Contains(r.output(), `"AccessKeyId":"ASIA`) {
		t.Fatalf("terminal:\n%s", r.output())
	}
}

// stscred add on a terminal prompts, and does not echo the secret.
func TestAddInteractive(t *testing.T) {
	w := newWorld(t)
	r := startPTY(t, w.env(), w.bin, "add", "alice")
	r.expect("Access key ID for alice: ", 1)
	r.typeLine(w.key.ID)
	r.expect("Secret access key (not shown): ", 1)
	r.typeLine(w.key.Secret)
	r.wait()
	if strings.Contains(r.output(), w.key.Secret) {
		t.Fatal("the secret was echoed on the terminal")
	}
	if !strings.Contains(r.output(), "stored access key") || !strings.Contains(w.storedKey("alice"), w.key.Secret) {
		t.Fatalf("not stored; terminal:\n%s", r.output())
	}
}

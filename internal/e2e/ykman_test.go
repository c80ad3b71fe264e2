//go:build linux && realworld

package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ykmantest"
)

// ykWorld is a world whose MFA device's secret is on a YubiKey (the
// ykman stand-in, first on PATH).
type ykWorld struct {
	*world
	stub *ykmantest.Stub
	path string // PATH with the stand-in first
}

func newYkWorld(t *testing.T, accounts func(secret string) []ykmantest.Account) *ykWorld {
	t.Helper()
	requireTool(t, awsCLI, "awscli")
	w := &ykWorld{world: newWorld(t)}
	w.addAlice()
	w.stub = ykmantest.New(t, ykmantest.State{
		Keys:     []ykmantest.Key{{Serial: 12345678, Accounts: accounts(w.mfa.Secret)}},
		ScanWait: ykmantest.RealScanWait, TouchTimeout: ykmantest.RealTouchTimeout,
	})
	w.path = "PATH=" + w.stub.Dir + ":" + w.binDir + ":/usr/local/bin:/usr/bin:/bin"
	return w
}

func (w *ykWorld) env(extra ...string) []string {
	return w.world.env(append([]string{w.path, w.stub.Env()}, extra...)...)
}

// touchWhenWaiting touches the key once ykman waits for it and the user
// was told (seen reports that), as a user would.
func (w *ykWorld) touchWhenWaiting(seen func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(time.Minute) // a guard: ykman waits at once
	for !(w.stub.Waiting() && seen()) {
		if time.Now().After(deadline) {
			w.t.Fatalf("ykman never waited for a touch with the user told (waiting %v)", w.stub.Waiting())
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.stub.Touch()
}

const ykQR = "Amazon Web Services:alice@111111111111"

// The AWS CLI runs `stscred role prod-admin`; alice's profile says
// mfa_prompt = ykman, and her key holds the device's account under the
// name the AWS console's QR code gives it, touch required. The terminal
// says to touch the key while ykman waits; the code reaches STS and is
// never shown; the next call is a cache hit that runs no ykman.
func TestYkmanUnderAWSCLI(t *testing.T) {
	w := newYkWorld(t, func(secret string) []ykmantest.Account {
		return []ykmantest.Account{{Name: "GitHub:alice", Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"}, {Name: ykQR, Secret: secret, Touch: true}}
	})
	w.writeConfig(strings.Replace(w.standardConfig(), "[profile alice]\n", "[profile alice]\nmfa_prompt = ykman\n", 1))
	r := startPTY(t, w.env(), awsCLI, "sts", "get-caller-identity", "--profile", "prod", "--endpoint-url", w.url)
	const notice = "stscred: touch your YubiKey: it makes the MFA code for arn:aws:iam::111111111111:mfa/alice (profile prod-admin)"
	w.touchWhenWaiting(func() bool { return strings.Contains(r.output(), notice) })
	r.wait()
	out := r.output()
	if !strings.Contains(out, "assumed-role/Admin/stscred-alice") || strings.Contains(out, promptText) {
		t.Fatalf("terminal:\n%s", out)
	}
	codes := w.srv.AcceptedCodes(w.mfa.Serial)
	if len(codes) != 1 || w.srv.Calls("GetSessionToken") != 1 {
		t.Fatalf("accepted codes %d, GetSessionToken calls %d", len(codes), w.srv.Calls("GetSessionToken"))
	}
	if strings.Contains(out, codes[0]) {
		t.Fatalf("the code is on the terminal:\n%s", out)
	}
	calls := w.stub.Calls()
	want := [][]string{{"oath", "accounts", "list"}, {"oath", "accounts", "code", "--single", "--", ykQR}}
	if len(calls) != 2 || !slices.Equal(calls[0].Args, want[0]) || !slices.Equal(calls[1].Args, want[1]) || !calls[1].Touched {
		t.Fatalf("ykman runs %+v, want %q with a touch", calls, want)
	}

	r = startPTY(t, w.env(), awsCLI, "sts", "get-caller-identity", "--profile", "prod", "--endpoint-url", w.url)
	r.wait()
	if len(w.stub.Calls()) != 2 || w.srv.Calls("GetSessionToken") != 1 || strings.Contains(r.output(), "YubiKey") {
		t.Fatalf("the second call ran ykman or called STS:\n%s", r.output())
	}
}

// No terminal but a desktop (an IDE running the AWS CLI): STSCRED_PROMPT=ykman,
// the account named as aws-vault's guide adds it (the device's ARN), and
// "touch your YubiKey" as a desktop notification.
func TestYkmanOnTheDesktop(t *testing.T) {
	var serial string
	w := newYkWorld(t, func(secret string) []ykmantest.Account {
		return []ykmantest.Account{{Name: "arn:aws:iam::111111111111:mfa/alice", Secret: secret, Touch: true}}
	})
	serial = w.mfa.Serial
	notified := filepath.Join(w.tmp, "notified")
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "notify-send"), []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" >> "+notified+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	w.path = "PATH=" + w.stub.Dir + ":" + bin + ":" + w.binDir + ":/usr/local/bin:/usr/bin:/bin"
	done := make(chan result, 1)
	go func() {
		done <- w.run("", w.env("DISPLAY=:99", "STSCRED_PROMPT=ykman"), awsCLI, "sts", "get-caller-identity", "--profile", "prod", "--endpoint-url", w.url)
	}()
	w.touchWhenWaiting(func() bool {
		b, _ := os.ReadFile(notified)
		return strings.Contains(string(b), "touch your YubiKey: it makes the MFA code for "+serial)
	})
	res := <-done
	if res.code != 0 || !strings.Contains(res.stdout, "assumed-role/Admin/stscred-alice") {
		t.Fatalf("aws: %s", res)
	}
	if calls := w.stub.Calls(); len(calls) != 2 || calls[1].Args[len(calls[1].Args)-1] != serial || !calls[1].Touched {
		t.Fatalf("ykman runs %+v", calls)
	}
}

// Each way it fails, through the AWS CLI: no key plugged in, no account
// for the device, a touch that does not come, ykman missing. A clean
// failure each (stscred's error and hint in what the AWS CLI shows, no
// credentials), no MFA code sent to STS.
func TestYkmanFailuresUnderAWSCLI(t *testing.T) {
	w := newYkWorld(t, func(secret string) []ykmantest.Account {
		return []ykmantest.Account{{Name: "GitHub:alice", Secret: secret}}
	})
	w.writeConfig(strings.Replace(w.standardConfig(), "[profile alice]\n", "[profile alice]\nmfa_prompt = ykman\n", 1))
	key := func(accounts ...ykmantest.Account) []ykmantest.Key {
		return []ykmantest.Key{{Serial: 12345678, Accounts: accounts}}
	}
	for _, tc := range []struct {
		name      string
		state     ykmantest.State
		path      string
		want, tip string
	}{
		{"no key", ykmantest.State{ScanWait: ykmantest.RealScanWait}, "",
			"getting the MFA code for arn:aws:iam::111111111111:mfa/alice: no YubiKey is plugged in: ykman found none", "plug in the YubiKey"},
		{"no account", ykmantest.State{Keys: key(ykmantest.Account{Name: "GitHub:alice", Secret: w.mfa.Secret})}, "",
			`getting the MFA code for arn:aws:iam::111111111111:mfa/alice: no OATH account on the YubiKey is named for this MFA device: looked for "arn:aws:iam::111111111111:mfa/alice" and "` + ykQR + `"`,
			"ykman_oath_account = NAME"},
		{"no touch", ykmantest.State{Keys: key(ykmantest.Account{Name: ykQR, Secret: w.mfa.Secret, Touch: true}), TouchTimeout: time.Second}, "",
			"getting the MFA code for arn:aws:iam::111111111111:mfa/alice: the YubiKey was not touched in time", "touch the key"},
		// PATH holds stscred alone: no ykman, the stand-in's or a real one.
		{"no ykman", ykmantest.State{}, "PATH=" + w.binDir,
			"cannot get the MFA code for arn:aws:iam::111111111111:mfa/alice (profile prod-admin) from a YubiKey: mfa_prompt = ykman is set for profile alice, but ykman (YubiKey Manager's command line) is not installed or not on PATH", "pipx install yubikey-manager"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.stub.Set(tc.state)
			env := w.env()
			if tc.path != "" {
				env = append(env, tc.path)
			}
			before := len(w.stub.Calls())
			res := w.run("", env, awsCLI, "sts", "get-caller-identity", "--profile", "prod", "--endpoint-url", w.url)
			if res.code == 0 || res.stdout != "" {
				t.Fatalf("aws succeeded: %s", res)
			}
			if !strings.Contains(res.stderr, "stscred: error: "+tc.want) || !strings.Contains(res.stderr, "stscred: hint: ") || !strings.Contains(res.stderr, tc.tip) {
				t.Fatalf("aws's stderr lacks %q / %q:\n%s", tc.want, tc.tip, res.stderr)
			}
			if strings.Contains(res.stderr, w.mfa.Secret) {
				t.Fatal("the secret is shown")
			}
			if tc.path != "" && len(w.stub.Calls()) != before {
				t.Fatal("the stand-in ran though it is not on PATH")
			}
			if n := len(w.srv.AcceptedCodes(w.mfa.Serial)); n != 0 || w.srv.Calls("GetSessionToken") != 0 {
				t.Fatalf("STS got a code: %d accepted, %d calls", n, w.srv.Calls("GetSessionToken"))
			}
		})
	}
}

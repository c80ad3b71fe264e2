//go:build !windows

// Not on Windows yet: ykmantest builds its ykman stand-in with the go
// tool, which a Windows test binary run under Wine has not (ykman.exe
// itself is found and run on Windows like any program: package proc).

package mfa

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/internal/testkit/ykmantest"
)

const (
	ykSecret  = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	ykOther   = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	ykQRName  = "Amazon Web Services:alice@111111111111"
	ykAliased = "Amazon Web Services:alice@corp"
)

// fast are the stand-in's timings for unit tests: no scan wait, a touch
// waited for as long as a test may need it.
func fast(keys ...ykmantest.Key) ykmantest.State {
	return ykmantest.State{Keys: keys, TouchTimeout: time.Minute, NoTerminal: true}
}

func key(accounts ...ykmantest.Account) ykmantest.Key {
	return ykmantest.Key{Serial: 12345678, Accounts: accounts}
}

// ykman is the Ykman source over the stand-in.
func ykman(stub *ykmantest.Stub) Ykman {
	return Ykman{Program: stub.Path(), From: "alice", Runner: &proc.Runner{Environ: []string{stub.Env()}}}
}

// wantCode fails unless code is the TOTP of secret in the step before,
// at or after the call (the call may cross a step).
func wantCode(t *testing.T, code, secret string, before time.Time) {
	t.Helper()
	for _, at := range []time.Time{before, time.Now()} {
		c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		if c == code {
			return
		}
	}
	t.Fatalf("code %q is not the account's TOTP code", code)
}

func args(calls []ykmantest.Call) [][]string {
	var out [][]string
	for _, c := range calls {
		out = append(out, c.Args)
	}
	return out
}

// Without ykman_oath_account the account is found on the key by the
// names users give it: the device's ARN (aws-vault's guide), the AWS
// console's QR code name, or the only AWS account for the device's
// account or user.
func TestYkmanFindsTheAccount(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		accounts   []string
	}{
		{"the ARN", req.Serial, []string{"GitHub:alice", req.Serial, ykQRName}},
		{"the QR code's name", ykQRName, []string{"GitHub:alice", ykQRName, "Amazon Web Services:bob@222222222222"}},
		{"any case", strings.ToUpper(ykQRName), []string{strings.ToUpper(ykQRName)}},
		{"the only one for the account", "Amazon Web Services:alice-admin@111111111111", []string{"Amazon Web Services:alice-admin@111111111111", "Amazon Web Services:alice@222222222222"}},
		{"the only one for the user (an alias)", ykAliased, []string{ykAliased, "Amazon Web Services:bob@corp"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var accounts []ykmantest.Account
			for _, n := range tc.accounts {
				secret := ykOther
				if n == tc.want {
					secret = ykSecret
				}
				accounts = append(accounts, ykmantest.Account{Name: n, Secret: secret})
			}
			stub := ykmantest.New(t, fast(key(accounts...)))
			before := time.Now()
			code, err := ykman(stub).Code(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			wantCode(t, code, ykSecret, before)
			want := [][]string{{"oath", "accounts", "list"}, {"oath", "accounts", "code", "--single", "--", tc.want}}
			if got := args(stub.Calls()); !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("ykman runs %q, want %q", got, want)
			}
		})
	}
}

// A name that fits no rule for certain is an error that lists the
// AWS accounts on the key and says how to name one.
func TestYkmanNoAccountForTheDevice(t *testing.T) {
	stub := ykmantest.New(t, fast(key(
		ykmantest.Account{Name: "Amazon Web Services:bob@corp", Secret: ykOther},
		ykmantest.Account{Name: "Amazon Web Services:carol@corp", Secret: ykOther},
		ykmantest.Account{Name: "GitHub:alice", Secret: ykSecret},
	)))
	_, err := ykman(stub).Code(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "no OATH account on the YubiKey is named for this MFA device: looked for \""+req.Serial+"\" and \""+ykQRName+"\"") ||
		!strings.Contains(err.Error(), `"Amazon Web Services:bob@corp" and "Amazon Web Services:carol@corp"`) || strings.Contains(err.Error(), "GitHub") {
		t.Fatalf("err = %v", err)
	}
	if hs := strings.Join(hint.Of(err), "\n"); !strings.Contains(hs, "ykman_oath_account = NAME") || !strings.Contains(hs, "[profile alice]") {
		t.Fatalf("hints %q", hs)
	}
	if n := len(stub.Calls()); n != 1 {
		t.Fatalf("%d runs of ykman; want only the list", n)
	}
}

// ykman_oath_account and ykman_device: one run, with --device.
func TestYkmanNamedAccount(t *testing.T) {
	k := key(ykmantest.Account{Name: "aws-work", Secret: ykSecret}, ykmantest.Account{Name: ykQRName, Secret: ykOther})
	other := ykmantest.Key{Serial: 87654321, Accounts: []ykmantest.Account{{Name: "aws-work", Secret: ykOther}}}
	stub := ykmantest.New(t, fast(other, k))
	y := ykman(stub)
	y.Account, y.Device = "aws-work", "12345678"
	before := time.Now()
	code, err := y.Code(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, code, ykSecret, before)
	want := [][]string{{"--device", "12345678", "oath", "accounts", "code", "--single", "--", "aws-work"}}
	if got := args(stub.Calls()); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("ykman runs %q, want %q", got, want)
	}
}

// An account that needs a touch: ykman waits, the user is told while it
// waits, and the notice ends with the wait.
func TestYkmanTouch(t *testing.T) {
	stub := ykmantest.New(t, fast(key(ykmantest.Account{Name: req.Serial, Secret: ykSecret, Touch: true})))
	y := ykman(stub)
	var mu sync.Mutex
	var said []string
	shown := make(chan struct{})
	ended := false
	y.Touch = func(msg string) func() {
		mu.Lock()
		said = append(said, msg)
		mu.Unlock()
		close(shown)
		return func() { ended = true }
	}
	// The touch comes once the user was told and the key waits for it.
	go func() {
		<-shown
		for deadline := time.Now().Add(time.Minute); !stub.Waiting() && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		stub.Touch()
	}()
	before := time.Now()
	code, err := y.Code(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, code, ykSecret, before)
	mu.Lock()
	defer mu.Unlock()
	if len(said) != 1 || said[0] != "touch your YubiKey: it makes the MFA code for "+req.Serial+" (profile alice)" || !ended {
		t.Fatalf("said %q, ended %v", said, ended)
	}
	if calls := stub.Calls(); !calls[len(calls)-1].Touched {
		t.Fatalf("calls %+v: the code was made without the touch", calls)
	}
}

// Each way ykman fails is said in the user's terms, with a hint, and
// never shows a secret or a code.
func TestYkmanFailures(t *testing.T) {
	touch := ykmantest.Account{Name: req.Serial, Secret: ykSecret, Touch: true}
	plain := ykmantest.Account{Name: req.Serial, Secret: ykSecret}
	for _, tc := range []struct {
		name      string
		state     ykmantest.State
		account   string
		device    string
		want, tip string
	}{
		{"no key", fast(), "", "", "no YubiKey is plugged in", "plug in the YubiKey"},
		{"no key, named account", fast(), "aws", "", "no YubiKey is plugged in", "plug in the YubiKey"},
		{"two keys", fast(key(plain), ykmantest.Key{Serial: 5, Accounts: []ykmantest.Account{plain}}), "", "", "more than one YubiKey is plugged in", "ykman_device = SERIAL in [profile alice]"},
		{"not that key", fast(key(plain)), "", "99", "the YubiKey with serial 99 (ykman_device of profile alice) is not plugged in", "ykman list --serials"},
		{"no such account", fast(key(plain)), "aws-work", "", `the YubiKey has no OATH account "aws-work" (ykman_oath_account of profile alice)`, "ykman oath accounts list"},
		{"several accounts", fast(key(ykmantest.Account{Name: "aws-work", Secret: ykSecret}, ykmantest.Account{Name: "aws-play", Secret: ykOther})), "aws", "",
			`"aws" (ykman_oath_account of profile alice) matches more than one OATH account on the YubiKey: "aws-work" and "aws-play"`, "one whole name"},
		{"touch timed out", ykmantest.State{Keys: []ykmantest.Key{key(touch)}, NoTerminal: true}, "", "", "the YubiKey was not touched in time", "touch the key"},
		{"password", fast(ykmantest.Key{Serial: 1, Password: "hunter2", Accounts: []ykmantest.Account{plain}}), "", "", "protected by a password", "ykman oath access remember"},
		{"8 digits", fast(key(ykmantest.Account{Name: req.Serial, Secret: ykSecret, Digits: 8})), "", "", "ykman printed an 8-digit code", "6-digit TOTP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stub := ykmantest.New(t, tc.state)
			y := ykman(stub)
			y.Account, y.Device = tc.account, tc.device
			if tc.account == "" {
				y.From = "alice"
			}
			code, err := y.Code(context.Background(), req)
			if err == nil {
				t.Fatalf("code %q, no error", code)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want %q", err, tc.want)
			}
			hs := strings.Join(hint.Of(err), "\n")
			if !strings.Contains(hs, tc.tip) {
				t.Fatalf("hints %q lack %q", hs, tc.tip)
			}
			all := err.Error() + hs
			for _, secret := range []string{ykSecret, ykOther, "hunter2"} {
				if strings.Contains(all, secret) {
					t.Fatalf("a secret is shown: %s", all)
				}
			}
			for _, at := range []time.Time{time.Now(), time.Now().Add(-30 * time.Second)} {
				c, _ := totp.GenerateCodeCustom(ykSecret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsEight, Algorithm: otp.AlgorithmSHA1})
				if strings.Contains(all, c) || strings.Contains(all, c[2:]) {
					t.Fatalf("a code is shown: %s", all)
				}
			}
		})
	}
}

// The password is asked on the terminal (as getpass asks), and the user
// is told there that ykman asks it.
func TestYkmanPasswordOnTheTerminal(t *testing.T) {
	stub := ykmantest.New(t, fast(ykmantest.Key{Serial: 1, Password: "hunter2", Accounts: []ykmantest.Account{{Name: req.Serial, Secret: ykSecret}}}))
	y := ykman(stub)
	var said []string
	y.OnTerminal = func(msg string) bool { said = append(said, msg); return true }
	_, err := y.Code(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "protected by a password") {
		t.Fatalf("err = %v", err)
	}
	if len(said) != 1 || !strings.Contains(said[0], "ykman asks for the password") {
		t.Fatalf("said %q", said)
	}
}

// The chooser: --prompt ykman, mfa_prompt = ykman and the ykman keys pick
// the YubiKey; mfa_process comes first in auto; another --prompt wins over
// the profile; a missing ykman is an error that says how to install it.
func TestChooserYkman(t *testing.T) {
	stub := ykmantest.New(t, fast())
	look := func(name string) (string, error) {
		if name == "ykman" {
			return stub.Path(), nil
		}
		return "", errors.New("not found")
	}
	var out bytes.Buffer
	for _, tc := range []struct {
		name string
		c    Chooser
		how  How
		want string
	}{
		{"--prompt ykman", Chooser{Mode: ModeYkman, LookPath: look, OpenTTY: ttyWith("", &out)}, How{}, "ykman"},
		{"mfa_prompt", Chooser{LookPath: look, OpenTTY: ttyWith("", &out)}, How{Prompt: "ykman"}, "ykman"},
		{"ykman_oath_account", Chooser{LookPath: look, OpenTTY: ttyWith("", &out)}, How{YkmanAccount: "aws"}, "ykman"},
		{"mfa_prompt over mfa_process", Chooser{LookPath: look}, How{Prompt: "ykman", Process: proc.Line{Text: "echo 1"}}, "ykman"},
		{"mfa_process before the ykman keys", Chooser{LookPath: look}, How{YkmanAccount: "aws", Process: proc.Line{Text: "echo 1"}}, "mfa_process"},
		{"--prompt tty over mfa_prompt", Chooser{Mode: ModeTTY, LookPath: look, OpenTTY: ttyWith("", &out)}, How{Prompt: "ykman"}, "terminal"},
		{"mfa_prompt tty", Chooser{LookPath: look, OpenTTY: ttyWith("", &out)}, How{Prompt: "tty", YkmanAccount: "aws"}, "terminal"},
	} {
		s, err := tc.c.For(req, tc.how)
		if err != nil || s.Name() != tc.want {
			t.Errorf("%s: got %v, %v; want %s", tc.name, s, err, tc.want)
		}
	}
	y, _ := Chooser{LookPath: look}.For(req, How{YkmanAccount: "aws", YkmanDevice: "7", From: "base"})
	if yk := y.(Ykman); yk.Program != stub.Path() || yk.Account != "aws" || yk.Device != "7" || yk.From != "base" {
		t.Fatalf("Ykman %+v", yk)
	}

	none := func(string) (string, error) { return "", errors.New("not found") }
	for name, tc := range map[string]struct {
		c   Chooser
		how How
		why string
	}{
		"--prompt ykman": {Chooser{Mode: ModeYkman, LookPath: none}, How{}, "--prompt=ykman was asked for"},
		"mfa_prompt":     {Chooser{LookPath: none}, How{Prompt: "ykman", From: "base"}, "mfa_prompt = ykman is set for profile base"},
	} {
		_, err := tc.c.For(req, tc.how)
		if err == nil || !strings.Contains(err.Error(), "ykman (YubiKey Manager's command line) is not installed") || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%s: err = %v", name, err)
			continue
		}
		if hs := strings.Join(hint.Of(err), "\n"); !strings.Contains(hs, "pipx install yubikey-manager") || !strings.Contains(hs, "--mfa-token") {
			t.Errorf("%s: hints %q", name, hs)
		}
	}
	// mfa_prompt = none forbids asking, and says where that comes from.
	_, err := Chooser{OpenTTY: ttyWith("", &out)}.For(req, How{Prompt: "none", From: "base"})
	if !errors.Is(err, ErrNoSource) || !strings.Contains(err.Error(), "mfa_prompt = none is set for profile base") {
		t.Fatalf("mfa_prompt none: %v", err)
	}
}

// Where "touch your YubiKey" is said: the terminal; else, with a display,
// a desktop notification that ends with the wait; else stderr.
func TestTouchNotice(t *testing.T) {
	var term bytes.Buffer
	c := Chooser{OpenTTY: ttyWith("", &term)}
	c.notice("touch your YubiKey")()
	if term.String() != "stscred: touch your YubiKey\n" {
		t.Fatalf("terminal: %q", term.String())
	}

	dir := t.TempDir()
	argsFile := filepath.Join(dir, "args")
	if err := os.WriteFile(filepath.Join(dir, "notify-send"), []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > "+argsFile+"\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	look := func(name string) (string, error) {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			return "", err
		}
		return p, nil
	}
	var stderr bytes.Buffer
	c = Chooser{OpenTTY: noTTY, LookPath: look, Getenv: func(k string) string { return map[string]string{"DISPLAY": ":0"}[k] }, GOOS: "linux", Stderr: &stderr}
	done := c.notice("touch your YubiKey")
	deadline := time.Now().Add(time.Minute) // a guard: the notifier writes its arguments at once
	for {
		if b, _ := os.ReadFile(argsFile); strings.Contains(string(b), "touch your YubiKey") {
			if !strings.Contains(string(b), "--app-name=stscred") {
				t.Fatalf("notify-send args %q", b)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("notify-send was not started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	done() // ends the notifier still running (sleep 60) and waits for it
	if stderr.Len() != 0 {
		t.Fatalf("stderr %q", stderr.String())
	}

	c = Chooser{OpenTTY: noTTY, Stderr: &stderr}
	c.notice("touch your YubiKey")()
	if stderr.String() != "stscred: touch your YubiKey\n" {
		t.Fatalf("stderr: %q", stderr.String())
	}
}

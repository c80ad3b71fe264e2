// Package ykmantest is a stand-in for YubiKey Manager's command line
// (ykman 5.x) and the YubiKeys it would find, for tests: no hardware.
//
// What it reproduces of ykman 5.x (yubikey-manager's ykman/_cli, the
// same from 5.0 to 5.9):
//   - `ykman [-d|--device SERIAL] oath accounts code [-s|--single]
//     [-H|--show-hidden] [--] [QUERY]` and `... oath accounts list [-H]
//     [-o] [-P]`, `ykman --version`, `ykman list --serials`. Options may
//     come before or after the query, as click parses them.
//   - Finding the key: with none plugged in ykman waits for one (10 scans
//     a quarter of a second apart), then fails with "ERROR: No YubiKey
//     detected!"; with several and no --device it lists them on stderr
//     ("Multiple YubiKeys detected:", "- YubiKey 5 NFC (5.4.3) Serial:
//     N") and fails with "ERROR: Use --device SERIAL to specify which one
//     to use."; a --device that no key has fails with "ERROR: Failed
//     connecting to a YubiKey with serial: N." and a second line.
//   - The query: an account whose whole name (issuer:name) equals it wins;
//     else every account whose name holds it, ignoring case. With --single
//     and one match only the code is printed ("123456\n"); no match is
//     "ERROR: No matching account found."; several are "Error: Multiple
//     matches, make the query more specific.", a blank line and the
//     matching names, all on stderr. Without --single each match is a line
//     "NAME  CODE" and an account that needs a touch shows "[Requires
//     Touch]" instead of a code (no touch asked).
//   - Touch: an account added with --touch (Account.Touch) makes ykman
//     print "Touch your YubiKey..." on stderr and wait; the key gives up
//     after its touch timeout and ykman fails with "ERROR: Touch account
//     timed out!". Here the touch is the test's Touch call.
//   - An OATH password that ykman has not remembered: ykman writes "Enter
//     the password:" on stderr and reads the password as Python's getpass
//     does, from /dev/tty when the process has a terminal, else from
//     stdin; input that ends first is click's "Aborted!" (exit 1); a
//     wrong password is "ERROR: Authentication to the YubiKey failed.
//     Wrong password?".
//   - Every failure exits with status 1, as ykman's CliFail does; a usage
//     error exits 2 as click's do.
//
// Codes are TOTP (SHA-1, 30 s) of the account's secret at the wall clock,
// as the key computes them with the time ykman sends it.
package ykmantest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// StateVar is the environment variable that tells the stand-in where its
// state file is.
const StateVar = "YKMANTEST_STATE"

// Version is the ykman version the stand-in says it is.
const Version = "5.9.1"

// Account is one OATH account on a key.
type Account struct {
	// Name is the name ykman shows: "ISSUER:NAME", or "NAME" without an
	// issuer (what `ykman oath accounts add [-i ISSUER] NAME` or `uri`
	// stores).
	Name string `json:"name"`
	// Secret is the TOTP secret, base32.
	Secret string `json:"secret"`
	// Touch is set for an account added with --touch.
	Touch bool `json:"touch,omitempty"`
	// Digits is 6 unless set (8 is the other length ykman takes).
	Digits int `json:"digits,omitempty"`
}

// Key is one YubiKey plugged in.
type Key struct {
	Serial   int       `json:"serial"`
	Accounts []Account `json:"accounts"`
	// Password protects the OATH application; ykman has not remembered
	// it, so it asks.
	Password string `json:"password,omitempty"`
}

// State is the stand-in's world: the keys plugged in and its timings.
type State struct {
	Keys []Key `json:"keys"`
	// ScanWait is how long ykman waits for a key to be plugged in before
	// it gives up (ykman's: 10 scans 0.25 s apart).
	ScanWait time.Duration `json:"scanWait"`
	// TouchTimeout is how long the key waits for a touch (a YubiKey's:
	// about 15 s).
	TouchTimeout time.Duration `json:"touchTimeout"`
	// NoTerminal makes the stand-in behave as a process without a
	// controlling terminal (getpass cannot open /dev/tty): for tests run
	// from a developer's terminal, where the real /dev/tty is theirs.
	NoTerminal bool `json:"noTerminal,omitempty"`
}

// RealTimings are ykman's and the key's own waits.
const (
	RealScanWait     = 2500 * time.Millisecond
	RealTouchTimeout = 15 * time.Second
)

// Call is one run of the stand-in, as it recorded it.
type Call struct {
	Args []string `json:"args"`
	Exit int      `json:"exit"`
	// Touched is set when the run waited for a touch and got it.
	Touched bool `json:"touched,omitempty"`
}

// Stub is the stand-in installed for one test: Dir holds the program
// named ykman (put it first on PATH), and Env gives its state file.
type Stub struct {
	Dir   string
	state string
	t     testing.TB
}

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// program builds the stand-in once per test binary.
func program(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ykmantest-bin-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "ykman")
		out, err := exec.Command("go", "build", "-o", buildPath, "github.com/stscred/stscred/internal/testkit/ykmantest/ykman").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build the ykman stand-in: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

// New installs the stand-in with state s for t: a directory of its own
// with the program (a link to the one build) and the state file.
func New(t testing.TB, s State) *Stub {
	t.Helper()
	prog := program(t)
	dir := t.TempDir()
	if err := os.Symlink(prog, filepath.Join(dir, "ykman")); err != nil {
		t.Fatal(err)
	}
	st := &Stub{Dir: dir, state: filepath.Join(t.TempDir(), "state.json"), t: t}
	st.Set(s)
	return st
}

// Path is the program's path.
func (s *Stub) Path() string { return filepath.Join(s.Dir, "ykman") }

// Env is the variable the program needs to find its state.
func (s *Stub) Env() string { return StateVar + "=" + s.state }

// Set replaces the state: keys plugged in or out, accounts changed.
func (s *Stub) Set(st State) {
	s.t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := writeAtomic(s.state, b); err != nil {
		s.t.Fatal(err)
	}
}

// Touch touches the key: a run waiting for a touch goes on. A touch
// nobody waits for is left for the next run that waits, as a finger
// already on the key would be.
func (s *Stub) Touch() {
	s.t.Helper()
	if err := os.WriteFile(touchFile(s.state), nil, 0o600); err != nil {
		s.t.Fatal(err)
	}
}

// Waiting reports whether a run is waiting for a touch now.
func (s *Stub) Waiting() bool {
	_, err := os.Stat(waitingFile(s.state))
	return err == nil
}

// Calls are the runs so far, in order.
func (s *Stub) Calls() []Call {
	s.t.Helper()
	b, err := os.ReadFile(callsFile(s.state))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		s.t.Fatal(err)
	}
	var out []Call
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		var c Call
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			s.t.Fatalf("calls log: %v", err)
		}
		out = append(out, c)
	}
	return out
}

func touchFile(state string) string   { return state + ".touch" }
func waitingFile(state string) string { return state + ".waiting" }
func callsFile(state string) string   { return state + ".calls" }

func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

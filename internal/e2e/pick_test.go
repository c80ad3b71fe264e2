//go:build linux && realworld

package e2e

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The status of the line before, per shell.
var lastStatus = map[string]string{"bash": "$?", "zsh": "$?", "fish": "$status"}

// expectSince waits until the terminal shows want after the first from
// bytes of its output.
func (r *ptyRun) expectSince(from int, want string) {
	r.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(r.output()[from:], want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Fatalf("terminal never showed %q after byte %d; it shows:\n%q", want, from, r.output()[from:])
}

func (r *ptyRun) typeKeys(keys string) {
	r.t.Helper()
	if _, err := io.WriteString(r.tty, keys); err != nil {
		r.t.Fatal(err)
	}
}

// `stscred use` without a profile, typed in real interactive bash, zsh and
// fish with the hook loaded and a real TERM: the picker is drawn on the
// terminal; typing filters it, arrows move, Enter chooses and the choice
// is in effect in the shell afterwards; Esc and Ctrl-C leave it with the
// shell as it was (status 130); the profile chosen last comes first next
// time. With stdin not a terminal, `use` and the commands that open the
// picker do what they did without it.
func TestUsePicker(t *testing.T) {
	for _, sc := range interactiveShells {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t)
			w.addAlice()
			env := w.env("PS1=PROMPT> ", "PROMPT=PROMPT> ", "STSCRED_MFA_TOKEN="+w.code(), "TERM=xterm-256color")
			sh := startPTY(t, env, sc.argv[0], sc.argv[1:]...)
			sh.expect("PROMPT> ", 1)
			state := func() string {
				t.Helper()
				sh.say(useState[sc.name])
				all := stateLine.FindAllStringSubmatch(sh.output(), -1)
				if len(all) == 0 {
					t.Fatalf("no state shown:\n%s", sh.output())
				}
				return all[len(all)-1][1]
			}
			sh.say(sc.init)
			sh.say(useOriginals[sc.name])
			before := state()

			// pick opens the picker with `stscred use`, once it is drawn
			// (all three profiles counted) types each of keys, waiting
			// until the picker has drawn again after each, then shown (if
			// any) before the last key; it returns the line's status.
			n := 0
			pick := func(keys []string, shown string, last string) string {
				t.Helper()
				n++
				from := len(sh.output())
				sh.typeLine(fmt.Sprintf(`stscred use; printf '\x52C%d=%%s\n' %s`, n, lastStatus[sc.name]))
				sh.expectSince(from, "stscred use: choose a profile")
				sh.expectSince(from, "3/3")
				for _, k := range keys {
					drawn := len(sh.output())
					sh.typeKeys(k)
					deadline := time.Now().Add(60 * time.Second)
					for len(sh.output()) == drawn && time.Now().Before(deadline) {
						time.Sleep(10 * time.Millisecond)
					}
				}
				if shown != "" {
					sh.expectSince(from, shown)
				}
				sh.typeKeys(last)
				rc := fmt.Sprintf("RC%d=", n)
				sh.expectSince(from, rc)
				sh.expectAfter(rc, "PROMPT> ")
				out := sh.output()[from:]
				i := strings.LastIndex(out, rc) + len(rc)
				return strings.TrimSpace(strings.SplitN(out[i:], "\n", 2)[0])
			}
			used := func(got, profile string) {
				t.Helper()
				f := strings.Split(got, "|")
				if len(f) != 7 || !strings.HasPrefix(f[3], "ASIA") || f[4] != profile || f[2] != "<unset>" {
					t.Fatalf("after choosing %s in the picker: %q\n%s", profile, got, sh.output())
				}
			}

			// Type to filter: "prod" leaves prod-admin and prod, "alic"
			// alice alone (1 of 3); Enter.
			if rc := pick([]string{"p", "r", "o", "d", "\x15", "a", "l", "i", "c"}, "1/3", "\r"); rc != "0" {
				t.Fatalf("use with alice chosen: status %s\n%s", rc, sh.output())
			}
			used(state(), "alice")
			chosen := state()

			// Esc and Ctrl-C, after typing: status 130, nothing changed.
			for _, key := range []string{"\x1b", "\x03"} {
				if rc := pick([]string{"p", "r"}, "", key); rc != "130" {
					t.Fatalf("leaving the picker with %q: status %s\n%s", key, rc, sh.output())
				}
				if got := state(); got != chosen {
					t.Fatalf("leaving the picker with %q changed the shell: %q, was %q", key, got, chosen)
				}
			}

			// The last chosen comes first (alice, then prod-admin and prod
			// in the config's order): two rows down is prod.
			if rc := pick([]string{"\x1b[B", "\x1b[B"}, "", "\r"); rc != "0" {
				t.Fatalf("use with prod chosen by arrows: status %s\n%s", rc, sh.output())
			}
			used(state(), "prod")
			// Now prod is first: Enter alone chooses it (in the config's
			// order it is last).
			if rc := pick(nil, "", "\r"); rc != "0" {
				t.Fatalf("use with Enter alone: status %s\n%s", rc, sh.output())
			}
			used(state(), "prod")

			// Back to the originals, then the same with stdin not a
			// terminal: no picker, the usage as before.
			sh.say("stscred use --off")
			if got := state(); got != before {
				t.Fatalf("after use --off: %q, want %q", got, before)
			}
			from := len(sh.output())
			sh.say(fmt.Sprintf(`stscred use </dev/null; printf '\x52CX=%%s\n' %s`, lastStatus[sc.name]))
			out := sh.output()[from:]
			if !strings.Contains(out, "usage: stscred use PROFILE | stscred use --off") || !strings.Contains(out, "RCX=2") ||
				strings.Contains(out, "choose a profile") {
				t.Fatalf("use with stdin not a terminal:\n%q", out)
			}
			if got := state(); got != before {
				t.Fatalf("use with stdin not a terminal changed the shell: %q, want %q", got, before)
			}
		})
	}
}

// Without a terminal (no controlling terminal, stdin not one), the
// commands that open the picker keep their errors, which name the
// argument; no picker is drawn and nothing is remembered.
func TestPickerCommandsWithoutTerminal(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"exec"}, 2, "stscred: error: expected \"<profile>\"\nstscred: hint: see: stscred exec --help\n"},
		{[]string{"whoami"}, 1, "stscred: hint: name a profile: stscred whoami PROFILE, or set AWS_PROFILE\n"},
		{[]string{"console", "--url"}, 1, `stscred: error: profile "default" not found`},
		{[]string{"login"}, 1, "stscred: error: profile default names no region to sign in to\n"},
		{[]string{"pick"}, 2, "stscred: error: no profile chosen: no terminal to choose one on\nstscred: hint: name the profile: stscred use PROFILE\n"},
	} {
		res := w.stscredEnv([]string{"TERM=xterm-256color"}, tc.args...)
		if res.code != tc.code || res.stdout != "" || !strings.Contains(res.stderr, tc.want) || strings.Contains(res.stderr, "choose a profile") {
			t.Errorf("stscred %s without a terminal: %s\nwant exit %d and %q", strings.Join(tc.args, " "), res, tc.code, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(w.cacheDir(), "last-chosen")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a choice was remembered without a picker: %v", err)
	}
}

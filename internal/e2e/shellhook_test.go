//go:build linux && realworld

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// standIn puts a stscred on PATH, ahead of the real one, that records each
// start in a log and then runs the real binary: the shell hooks call
// `command stscred`, so the log counts the processes they start.
func standIn(t *testing.T, w *world) (dir, log string) {
	t.Helper()
	dir = t.TempDir()
	log = filepath.Join(dir, "calls")
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' \"$*\" >> %s\nexec %s \"$@\"\n", log, w.bin)
	if err := os.WriteFile(filepath.Join(dir, "stscred"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, log
}

func countLines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}

type shellCase struct {
	name    string
	argv    []string
	init    string // load the hook
	nearExp string // move the exported expiry to 60s from now
	show    string // print STSCRED_EXPIRES and the prompt info
}

var interactiveShells = []shellCase{
	{"bash", []string{"bash", "--norc", "--noprofile", "-i"},
		`eval "$(stscred shell-init bash)"`,
		`STSCRED_EXPIRES=$(( $(date +%s) + 60 ))`,
		`echo "EXP=$STSCRED_EXPIRES INFO=$(stscred_prompt_info)"`},
	{"zsh", []string{"zsh", "-f", "-i"},
		`eval "$(stscred shell-init zsh)"`,
		`STSCRED_EXPIRES=$(( $(date +%s) + 60 ))`,
		`echo "EXP=$STSCRED_EXPIRES INFO=$(stscred_prompt_info)"`},
	{"fish", []string{"fish", "--no-config", "--init-command", "function fish_prompt; printf 'PROMPT> '; end", "-i"},
		`stscred shell-init fish | source`,
		`set -gx STSCRED_EXPIRES (math (date +%s) + 60)`,
		`echo "EXP=$STSCRED_EXPIRES INFO="(stscred_prompt_info)`},
}

// expPattern reads the exported expiry and the segment's time left, which
// is in hours and minutes past an hour (1h00m).
var expPattern = regexp.MustCompile(`EXP=([0-9]+) INFO=prod (?:([0-9]+)h)?([0-9]+)m`)

// minutesOf is the time left a match of expPattern says, in minutes.
func minutesOf(m []string) int {
	h, _ := strconv.Atoi(m[2]) // "" when under an hour
	mins, _ := strconv.Atoi(m[3])
	return h*60 + mins
}

// The prompt hook in real interactive shells: `stscred use` exports the
// profile; while the credentials are fresh, prompts start no process;
// once the exported expiry is inside the window, the next prompt renews
// them (and the STS test server sees the renewal).
func TestPromptHook(t *testing.T) {
	for _, sc := range interactiveShells {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t)
			w.addAlice()
			dir, log := standIn(t, w)
			env := w.env("PS1=PROMPT> ", "PROMPT=PROMPT> ", "STSCRED_MFA_TOKEN="+w.code(), "TERM=dumb")
			for i, kv := range env {
				if strings.HasPrefix(kv, "PATH=") {
					env[i] = "PATH=" + dir + ":" + strings.TrimPrefix(kv, "PATH=")
				}
			}
			sh := startPTY(t, env, sc.argv[0], sc.argv[1:]...)
			sh.expect("PROMPT> ", 1)
			say := sh.say
			say(sc.init)
			say("stscred use prod")
			if got := countLines(log); got != 2 { // shell-init, export
				t.Fatalf("setup started %d stscred processes, want 2", got)
			}
			say(sc.show)
			m := expPattern.FindStringSubmatch(sh.output())
			if m == nil {
				t.Fatalf("no exported expiry or prompt info:\n%s", sh.output())
			}
			if mins := minutesOf(m); mins < 50 || mins > 60 {
				t.Fatalf("prompt info says %s left", m[0])
			}
			// Fresh: ten prompts, no process.
			for i := 0; i < 10; i++ {
				say("true")
			}
			if got := countLines(log); got != 2 {
				t.Fatalf("prompts with fresh credentials started %d stscred processes", got-2)
			}
			// Inside the window, with the cached role dropped so that the
			// renewal reaches STS.
			if res := w.stscred("clear", "prod-admin"); res.code != 0 {
				t.Fatalf("clear: %s", res)
			}
			ar := w.srv.Calls("AssumeRole")
			say(sc.nearExp)
			if got := countLines(log); got != 3 {
				t.Fatalf("after the expiry moved, %d renewals, want 1", got-2)
			}
			if w.srv.Calls("AssumeRole") != ar+1 {
				t.Fatal("the renewal did not reach the STS test server")
			}
			before := len(expPattern.FindAllString(sh.output(), -1))
			say(sc.show)
			all := expPattern.FindAllStringSubmatch(sh.output(), -1)
			if len(all) != before+1 {
				t.Fatalf("no new expiry shown:\n%s", sh.output())
			}
			exp, _ := strconv.ParseInt(all[len(all)-1][1], 10, 64)
			if left := time.Until(time.Unix(exp, 0)); left < 50*time.Minute {
				t.Fatalf("renewed credentials have %s left", left)
			}
			// And no further process while fresh again.
			say("true")
			say("true")
			if got := countLines(log); got != 3 {
				t.Fatalf("%d processes after the renewal", got-3)
			}
			say("stscred use --off")
			say(sc.show)
			if strings.Count(sh.output(), "INFO=prod") != len(all) {
				t.Fatal("use --off did not clear the profile")
			}
		})
	}
}

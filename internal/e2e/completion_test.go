//go:build linux && realworld

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/testenv"
)

// ansi matches terminal control sequences (CSI, OSC, charset selection).
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>]`)

// completer drives one real interactive shell on a pty with stscred's
// completion loaded, and presses TAB.
type completer struct {
	t     *testing.T
	shell string
	pty   *ptyRun
	n     int
}

// How a completer loads stscred's completion.
const (
	loadScript         = ""                // as install.sh installs it: bash and fish source the file, zsh autoloads it from $fpath with the user's own compinit
	loadBashCompletion = "bash-completion" // bash: with the bash-completion package loaded first
)

// newCompleter starts shell (bash, zsh or fish) on a pty with the
// completion script stscred generates for it, loaded the way install.sh
// loads it.
func newCompleter(t *testing.T, w *world, shell string) *completer {
	t.Helper()
	return newCompleterWith(t, w, shell, loadScript)
}

func newCompleterWith(t *testing.T, w *world, shell, how string) *completer {
	t.Helper()
	dir := t.TempDir()
	script := w.stscred("completion", shell)
	if script.code != 0 {
		t.Fatalf("stscred completion %s: %s", shell, script)
	}
	var argv []string
	var load string
	env := w.env("PS1=PROMPT> ", "PROMPT=PROMPT> ", "TERM=dumb")
	switch shell {
	case "bash":
		file := filepath.Join(dir, "stscred.bash")
		os.WriteFile(file, []byte(script.stdout), 0o644)
		argv = []string{"bash", "--norc", "--noprofile", "-i"}
		load = "bind 'set completion-query-items 0'; bind 'set page-completions off'; . " + file
		if how == loadBashCompletion {
			const bc = "/usr/share/bash-completion/bash_completion"
			if _, err := os.Stat(bc); err != nil {
				testenv.Require(t, false, bc+" is needed for this test (Debian package bash-completion)")
			}
			load = ". " + bc + "; " + load
		}
	case "zsh":
		os.WriteFile(filepath.Join(dir, "_stscred"), []byte(script.stdout), 0o644)
		argv = []string{"zsh", "-f", "-i"}
		// As from $fpath, with the user's own compinit; install.sh's hook
		// block (TestZshCompletionWithoutCompinit) needs none.
		load = "fpath=(" + dir + " $fpath); autoload -Uz compinit; compinit -u -D"
	case "fish":
		file := filepath.Join(dir, "stscred.fish")
		os.WriteFile(file, []byte(script.stdout), 0o644)
		argv = []string{"fish", "--no-config", "-i", "--init-command", "function fish_prompt; printf 'PROMPT> '; end"}
		env = fishTerm(env)
		load = "source " + file
	}
	c := &completer{t: t, shell: shell}
	c.pty = startPTY(t, env, argv[0], argv[1:]...)
	c.pty.expect("PROMPT> ", 1)
	c.run(load)
	return c
}

// fishTerm: fish draws its completion pager only on a capable terminal.
func fishTerm(env []string) []string {
	out := append([]string(nil), env...)
	for i, kv := range out {
		if kv == "TERM=dumb" {
			out[i] = "TERM=xterm"
		}
	}
	return out
}

// run types a command line and waits until it is done.
func (c *completer) run(line string) {
	c.t.Helper()
	c.pty.say(line)
}

// complete types line, presses TAB (twice in bash, which lists on the
// second), and returns the words the shell then shows, the typed line's
// own words left out.
//
// When the caller knows a word the listing must show (sync), that word is
// waited for before anything else is typed: zsh and fish skip drawing a
// listing while more keys wait to be read, and a completion that runs
// stscred may take a moment on a busy machine.
func (c *completer) complete(line string, sync ...string) []string {
	c.t.Helper()
	c.n++
	before := len(c.pty.output())
	tabs := "\t"
	if c.shell == "bash" {
		tabs = "\t\t"
	}
	if _, err := c.pty.tty.Write([]byte(line + tabs)); err != nil {
		c.t.Fatal(err)
	}
	if len(sync) > 0 {
		deadline := time.Now().Add(30 * time.Second) // a deadlock guard, not a speed check
		for time.Now().Before(deadline) && !strings.Contains(ansi.ReplaceAllString(c.pty.output()[before:], " "), sync[0]) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	// Then kill the line and run a marker command: the shell handles
	// input in order, so the listing is complete when the marker prints.
	done := fmt.Sprintf("_DONE%d", c.n)
	c.pty.tty.Write([]byte("\x15"))
	c.pty.typeLine(fmt.Sprintf(`printf '\x5fDONE%d\n'`, c.n))
	c.pty.expect(done+"\r\n", 1)
	out := c.pty.output()[before:]
	out = out[:strings.LastIndex(out, done+"\r\n")]
	out = ansi.ReplaceAllString(out, " ")
	typed := map[string]bool{}
	for _, f := range strings.Fields(line) {
		typed[f] = true
	}
	seen := map[string]bool{}
	var words []string
	for _, f := range strings.Fields(strings.NewReplacer("\r", " ", "\a", " ", "\x08", " ", "⏎", " ").Replace(out)) {
		if f == "PROMPT>" || typed[f] || strings.Contains(f, "DONE") || strings.HasPrefix(f, "printf") || seen[f] {
			continue
		}
		seen[f] = true
		words = append(words, f)
	}
	return words
}

func contains(words []string, w string) bool {
	for _, x := range words {
		if x == w || strings.Trim(x, `'"`) == w {
			return true
		}
	}
	return false
}

// A profile named $(...) is offered as a candidate, never run: bash's
// compgen -W used to expand it (a config could run code on TAB).
func TestCompletionNeverRunsProfileNames(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		t.Run(sh, func(t *testing.T) {
			w := newWorld(t)
			marker := filepath.Join(w.tmp, "pwned")
			w.writeConfig(w.standardConfig() + "\n[profile $(touch${IFS}" + marker + ")]\nsource_profile = alice\nrole_arn = " + adminRole + "\n[profile `touch${IFS}" + marker + "`]\nregion = x\n")
			c := newCompleter(t, w, sh)
			words := c.complete("stscred role ", "prod-admin")
			if _, err := os.Stat(marker); err == nil {
				t.Fatalf("pressing TAB ran a command from a profile name; the shell showed %q", words)
			}
			if !contains(words, "prod-admin") {
				t.Fatalf("no profile names offered: %q\nterminal:\n%s", words, c.pty.output())
			}
			found := false
			for _, wd := range words {
				if strings.Contains(wd, "touch") {
					found = true
				}
			}
			if !found {
				t.Fatalf("the odd profile name is not offered (as a literal): %q", words)
			}
		})
	}
}

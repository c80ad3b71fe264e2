//go:build linux && realworld

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmePromptExample is the README's prompt segment line for a shell:
// the first block fenced as lang after "**The prompt segment.**".
func readmePromptExample(t *testing.T, lang string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "**The prompt segment.**")
	if !ok {
		t.Fatal("README has no prompt segment section")
	}
	_, rest, ok = strings.Cut(rest, "\n```"+lang+"\n")
	if !ok {
		t.Fatalf("README's prompt segment section has no %s block", lang)
	}
	block, _, _ := strings.Cut(rest, "\n```\n")
	return block + "\n"
}

// The README's prompt segment example, in each real interactive shell on
// a pty with the shell integration loaded as its rc file would: the
// prompt shows (prod 59m) while prod is in use and nothing at all (no
// "()") before and after; use and use --off say what they did.
func TestPromptSegmentReadmeExamples(t *testing.T) {
	langs := map[string]string{"bash": "sh", "zsh": "zsh", "fish": "fish"}
	for _, sc := range interactiveShells {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t)
			w.addAlice()
			example := readmePromptExample(t, langs[sc.name])
			// The fish example's prompt is the working directory and "> ":
			// one named PROMPT lets say() find it.
			dir := filepath.Join(w.tmp, "PROMPT")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			rc := filepath.Join(w.tmp, "prompt-example")
			if err := os.WriteFile(rc, []byte(example), 0o600); err != nil {
				t.Fatal(err)
			}
			env := w.env("PS1=PROMPT> ", "PROMPT=PROMPT> ", "STSCRED_MFA_TOKEN="+w.code(), "TERM=dumb")
			sh := startPTY(t, env, sc.argv[0], sc.argv[1:]...)
			sh.expect("PROMPT> ", 1)
			sh.say("cd " + dir)
			sh.say(sc.init)
			if sc.name == "fish" {
				sh.say("source " + rc)
			} else {
				sh.say(". " + rc)
			}
			// The prompt drawn after the last command: what follows the
			// last line break (zsh's PROMPT_SP ends in \r) up to "PROMPT> ".
			lastPrompt := func() string {
				t.Helper()
				out := sh.output()
				marker := regexp.MustCompile(`_OK[0-9]+\r\n`).FindAllStringIndex(out, -1)
				if marker == nil {
					t.Fatalf("no marker:\n%s", out)
				}
				after := out[marker[len(marker)-1][1]:]
				end := strings.LastIndex(after, "PROMPT> ")
				if end < 0 {
					t.Fatalf("no prompt after the last command:\n%q", after)
				}
				line := after[:end+len("PROMPT> ")]
				if i := strings.LastIndexAny(line, "\r\n"); i >= 0 {
					line = line[i+1:]
				}
				return line
			}
			noSegment := func(when string) {
				t.Helper()
				sh.say("true")
				if p := lastPrompt(); strings.ContainsAny(p, "()") || strings.Contains(p, "prod") {
					t.Fatalf("%s the prompt reads %q, want no segment", when, p)
				}
			}
			noSegment("before stscred use")

			sh.say("stscred use prod")
			if !strings.Contains(sh.output(), "stscred: using prod (account 222222222222, role Admin, MFA, ") {
				t.Fatalf("use did not say what it did:\n%s", sh.output())
			}
			sh.say("true")
			if p := lastPrompt(); !regexp.MustCompile(`^\(prod [0-9]+(h[0-9]{2})?m\) .*PROMPT> $`).MatchString(p) {
				t.Fatalf("with prod in use the prompt reads %q", p)
			}

			sh.say("stscred use --off")
			if !strings.Contains(sh.output(), "stscred: stopped using prod") {
				t.Fatalf("use --off did not say what it did:\n%s", sh.output())
			}
			noSegment("after stscred use --off")
			sh.say("stscred use --off")
			if !strings.Contains(sh.output(), "stscred: no profile in use") {
				t.Fatalf("a second use --off did not say that no profile is in use:\n%s", sh.output())
			}
		})
	}
}

package shell

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/human"
)

// promptScripts run the hook's prompt function once with STSCRED_PROFILE
// and STSCRED_EXPIRES set by the caller (through the environment), then
// print STSCRED_PROMPT_INFO and stscred_prompt_info '(%s) ' between
// markers.
var promptScripts = map[string]struct {
	argv   []string
	script string
}{
	"bash": {[]string{"bash", "--norc", "--noprofile", "-c"}, `. "$HOOK"; __stscred_hook; printf 'INFO=[%s] SEG=[%s]\n' "$STSCRED_PROMPT_INFO" "$(stscred_prompt_info '(%s) ')"`},
	"zsh":  {[]string{"zsh", "-f", "-c"}, `. "$HOOK"; __stscred_hook; printf 'INFO=[%s] SEG=[%s]\n' "$STSCRED_PROMPT_INFO" "$(stscred_prompt_info '(%s) ')"`},
	"fish": {[]string{"fish", "--no-config", "-c"}, `source $HOOK; __stscred_hook; printf 'INFO=[%s] SEG=[%s]\n' "$STSCRED_PROMPT_INFO" (stscred_prompt_info '(%s) ')`},
}

func hookFile(t *testing.T, name string) string {
	t.Helper()
	s, err := Hook(name)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "hook")
	if err := os.WriteFile(f, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func runPromptScript(t *testing.T, name, hook string, env ...string) string {
	t.Helper()
	ps := promptScripts[name]
	if _, err := exec.LookPath(ps.argv[0]); err != nil {
		t.Fatalf("%s is required for this test (Debian package %s)", ps.argv[0], ps.argv[0])
	}
	cmd := exec.Command(ps.argv[0], append(ps.argv[1:], ps.script)...)
	cmd.Env = append(os.Environ(), append([]string{"HOOK=" + hook, "STSCRED_PROFILE=", "STSCRED_EXPIRES="}, env...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
	return strings.TrimSpace(string(out))
}

// The prompt segment says the time left as stscred's messages do (hours
// and minutes past an hour: dev 8h00m, not dev 480m), and
// stscred_prompt_info FORMAT prints nothing at all (no "()") when no
// profile is in use.
func TestPromptInfoSaysHoursAndNothingWhenOff(t *testing.T) {
	for name := range promptScripts {
		t.Run(name, func(t *testing.T) {
			hook := hookFile(t, name)
			// Half a minute past each mark, so the seconds the shell
			// takes to start do not change the minutes.
			for _, left := range []time.Duration{8*time.Hour + 30*time.Second, 2*time.Hour + 5*time.Minute + 30*time.Second,
				42*time.Minute + 30*time.Second, 50*time.Hour + 30*time.Second} {
				exp := time.Now().Add(left).Unix()
				got := runPromptScript(t, name, hook, "STSCRED_PROFILE=dev", fmt.Sprintf("STSCRED_EXPIRES=%d", exp))
				info := "dev " + human.Short(left)
				if want := "INFO=[" + info + "] SEG=[(" + info + ") ]"; got != want {
					t.Errorf("%s left: %q, want %q", left, got, want)
				}
			}
			if got := runPromptScript(t, name, hook); got != "INFO=[] SEG=[]" {
				t.Errorf("no profile in use: %q, want nothing in the segment", got)
			}
		})
	}
}

// zsh expands parameters in a prompt only with prompt_subst: the hook
// sets it before a prompt that shows the segment is drawn (the README's
// PROMPT line then works in a plain zsh), and leaves it alone otherwise.
func TestZshPromptSubstForTheSegment(t *testing.T) {
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Fatal("zsh is required for this test (Debian package zsh)")
	}
	hook := hookFile(t, "zsh")
	for _, tc := range []struct{ prompt, want string }{
		{`PROMPT='${STSCRED_PROMPT_INFO:+($STSCRED_PROMPT_INFO) }'"$PROMPT"`, "[on] [(dev 2h05m) > ]"},
		{`RPROMPT='$(stscred_prompt_info)'`, "[on] [> ]"},
		{`PROMPT='plain $HOME > '`, "[off] [plain $HOME > ]"},
	} {
		script := `. "$HOOK"; PROMPT='> '; ` + tc.prompt + `; __stscred_hook
			if [[ -o prompt_subst ]]; then s=on; else s=off; fi
			print -r -- "[$s] [${(%%)PROMPT}]"`
		cmd := exec.Command("zsh", "-f", "-c", script)
		exp := time.Now().Add(2*time.Hour + 5*time.Minute + 30*time.Second).Unix()
		cmd.Env = append(os.Environ(), "HOOK="+hook, "STSCRED_PROFILE=dev", fmt.Sprintf("STSCRED_EXPIRES=%d", exp))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if got := strings.TrimSpace(string(out)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.prompt, got, tc.want)
		}
	}
}

// use --off says what it did, on stderr: which profile it stopped using,
// or that none was in use.
func TestUseOffSaysWhatItDid(t *testing.T) {
	for name, argv := range map[string][]string{
		"bash": {"bash", "--norc", "--noprofile", "-c", `. "$HOOK"; STSCRED_PROFILE=prod; stscred use --off; stscred use --off`},
		"zsh":  {"zsh", "-f", "-c", `. "$HOOK"; STSCRED_PROFILE=prod; stscred use --off; stscred use --off`},
		"fish": {"fish", "--no-config", "-c", `source $HOOK; set -gx STSCRED_PROFILE prod; stscred use --off; stscred use --off`},
	} {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), "HOOK="+hookFile(t, name))
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, stderr.String())
		}
		want := "stscred: stopped using prod: the AWS variables are as they were before stscred use\nstscred: no profile in use\n"
		if stderr.String() != want || stdout.String() != "" {
			t.Errorf("%s: stderr %q, stdout %q; want stderr %q", name, stderr.String(), stdout.String(), want)
		}
	}
}

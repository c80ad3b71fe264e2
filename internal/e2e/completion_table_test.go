//go:build linux && realworld

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// completionConfig has a profile of every kind completion tells apart.
func completionConfig(w *world) string {
	return w.standardConfig() + fmt.Sprintf(`
[default]
region = us-east-1

[profile audit]
source_profile = alice
role_arn = %s

[profile selfsess]
credential_process = stscred session selfsess

[profile other]
credential_process = aws-vault exec other --json
`, roRole)
}

var (
	allCommands = []string{"add", "clear", "console", "doctor", "exec", "export", "import", "list", "migrate", "remove", "role", "rotate", "session", "shell-init", "use", "whoami"}
	anyProfiles = []string{"default", "alice", "prod-admin", "prod", "audit", "selfsess", "other"}
	roles       = []string{"prod-admin", "audit"}
	keyHolders  = []string{"default", "alice", "selfsess"}
	notRoles    = []string{"default", "alice", "prod", "selfsess", "other"}
	notKeys     = []string{"prod-admin", "prod", "audit", "other"}
)

type completionCase struct {
	line    string   // typed before TAB
	want    []string // offered
	notWant []string // not offered
}

// completionCases: which words each place on the command line offers.
// Profile kinds: role takes role profiles; session, rotate, add, remove
// and role --source take key holders (IAM users' profiles); export, exec,
// whoami, use, clear and doctor --profile take any profile.
var completionCases = []completionCase{
	{"stscred ", allCommands, append([]string{"completion", "--off"}, anyProfiles...)},
	{"stscred role --", []string{"--role-arn", "--source", "--mfa-serial", "--duration", "--help", "--backend", "--prompt"}, []string{"--format", "--env", "--off", "prod-admin"}},
	{"stscred export --", []string{"--format", "--help"}, []string{"--role-arn", "--hook"}},
	{"stscred export --format ", []string{"sh", "fish", "powershell", "dotenv", "json"}, append([]string{"add", "role"}, anyProfiles...)},
	{"stscred export --format=", []string{"sh", "fish", "powershell", "dotenv", "json"}, anyProfiles},
	{"stscred whoami --output ", []string{"json", "text", "table", "yaml", "yaml-stream"}, anyProfiles},
	{"stscred doctor --output ", []string{"text", "json"}, append([]string{"yaml"}, anyProfiles...)},
	{"stscred --backend ", []string{"auto", "keyring", "file"}, append([]string{"add", "role", "whoami"}, anyProfiles...)},
	{"stscred role --prompt ", []string{"auto", "tty", "desktop", "process", "ykman", "none"}, anyProfiles},
	{"stscred migrate --to ", []string{"keyring", "file"}, append([]string{"auto"}, anyProfiles...)},
	{"stscred shell-init ", []string{"bash", "zsh", "fish", "powershell"}, anyProfiles},
	{"stscred role ", roles, notRoles},
	{"stscred --backend file role ", roles, append([]string{"add"}, notRoles...)},
	{"stscred role --source ", keyHolders, notKeys},
	{"stscred session ", keyHolders, notKeys},
	{"stscred rotate ", keyHolders, notKeys},
	{"stscred remove ", keyHolders, notKeys},
	{"stscred add ", keyHolders, notKeys},
	{"stscred export ", anyProfiles, []string{"--off", "sh"}},
	{"stscred export --format sh ", anyProfiles, []string{"fish"}},
	{"stscred exec ", anyProfiles, nil},
	{"stscred exec prod -- ", nil, append([]string{"add", "--format"}, anyProfiles...)}, // exec's command: nothing of stscred's
	{"stscred whoami ", anyProfiles, nil},
	{"stscred clear ", anyProfiles, nil},
	{"stscred doctor --profile ", anyProfiles, []string{"text", "json"}},
	{"stscred use ", append([]string{"--off"}, anyProfiles...), []string{"add"}},
	{"stscred use --", []string{"--off"}, anyProfiles},
}

// Every command, flag, enumerated value and profile kind completes in
// real bash (with and without the bash-completion package), zsh and fish
// on a pty: TAB pressed, the offered words read back from the terminal.
func TestCompletionTable(t *testing.T) {
	for _, sc := range []struct{ name, shell, how string }{
		{"bash", "bash", loadScript},
		{"bash+bash-completion", "bash", loadBashCompletion},
		{"zsh", "zsh", loadScript},
		{"fish", "fish", loadScript},
	} {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t)
			w.writeConfig(completionConfig(w))
			c := newCompleterWith(t, w, sc.shell, sc.how)
			for _, tc := range completionCases {
				words := c.complete(tc.line, tc.want...)
				t.Logf("%q<TAB>: %q", tc.line, words)
				if f := strings.Fields(tc.line); strings.HasSuffix(tc.line, "=") {
					// fish shows --flag=value
					for i := range words {
						words[i] = strings.TrimPrefix(words[i], f[len(f)-1])
					}
				}
				for _, want := range tc.want {
					if !contains(words, want) {
						t.Errorf("%q<TAB> does not offer %s; it offers %q", tc.line, want, words)
					}
				}
				for _, not := range tc.notWant {
					if contains(words, not) {
						t.Errorf("%q<TAB> offers %s; it offers %q", tc.line, not, words)
					}
				}
			}
		})
	}
}

// A profile name with spaces, quotes, $(...), backticks and a variable
// completes as one literal word: the completed line, run, passes exactly
// that name, and nothing in it ran.
func TestCompletionInsertsLiteralName(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		t.Run(sh, func(t *testing.T) {
			w := newWorld(t)
			marker := filepath.Join(w.tmp, "pwned")
			name := `zz it's "dq" $(touch ` + marker + `) ` + "`touch " + marker + "`" + ` $HOME \x`
			w.writeConfig(w.standardConfig() + "\n[profile " + name + "]\nregion = x\n")
			c := newCompleter(t, w, sh)
			// TAB completes the one name starting with zz; then Ctrl-A
			// and a printf in front of the line show what the shell
			// makes of it.
			c.n++
			line := fmt.Sprintf(`printf '\x5fW%d<%%s>\n' `, c.n)
			if _, err := c.pty.tty.Write([]byte("stscred export zz\t\x01" + line + "\r")); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("_W%d<%s>", c.n, name)
			c.pty.expect(want+"\r\n", 1)
			if _, err := os.Stat(marker); err == nil {
				t.Fatal("completing a profile name ran a command in it")
			}
			if !strings.Contains(c.pty.output(), fmt.Sprintf("_W%d<export>", c.n)) {
				t.Fatalf("the line did not run as typed:\n%s", c.pty.output())
			}
		})
	}
}

// zsh completes through the block install.sh writes, in a .zshrc that has
// nothing else: no compinit of the user's own (nor of /etc/zsh); and when
// the user's compinit runs before the block, or after it (which resets
// what was registered: the block's $fpath entry brings stscred back).
func TestZshCompletionWithoutCompinit(t *testing.T) {
	for _, sc := range []struct{ name, before, after string }{
		{"no compinit", `print -r -- "compdef before the block: ${+functions[compdef]}"` + "\n", ""},
		{"compinit before", "autoload -Uz compinit; compinit -i\n", ""},
		{"compinit after", "", "autoload -Uz compinit; compinit -i\n"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t)
			w.writeConfig(completionConfig(w))
			share := filepath.Join(t.TempDir(), "share")
			dest := w.stscred("shell-init", "--completion-file", "zsh", "--share", share)
			script := w.stscred("completion", "zsh")
			block := w.stscred("shell-init", "--install-block", "zsh", "--bin", w.binDir, "--share", share)
			if dest.code != 0 || script.code != 0 || block.code != 0 {
				t.Fatalf("%s\n%s\n%s", dest, script, block)
			}
			file := strings.TrimSuffix(dest.stdout, "\n")
			os.MkdirAll(filepath.Dir(file), 0o755)
			os.WriteFile(file, []byte(script.stdout), 0o644)
			zdot := t.TempDir()
			os.WriteFile(filepath.Join(zdot, ".zshenv"), []byte("unsetopt GLOBAL_RCS\n"), 0o644)
			os.WriteFile(filepath.Join(zdot, ".zshrc"), []byte(sc.before+block.stdout+sc.after), 0o644)

			env := w.env("PROMPT=PROMPT> ", "TERM=dumb", "ZDOTDIR="+zdot)
			c := &completer{t: t, shell: "zsh"}
			c.pty = startPTY(t, env, "zsh", "-i")
			c.pty.expect("PROMPT> ", 1)
			if sc.name == "no compinit" && !strings.Contains(c.pty.output(), "compdef before the block: 0") {
				t.Fatalf("the completion system was loaded before the block:\n%s", c.pty.output())
			}
			for _, tc := range []completionCase{
				{"stscred ", allCommands, anyProfiles},
				{"stscred role ", roles, notRoles},
				{"stscred export --format ", []string{"sh", "fish", "dotenv"}, anyProfiles},
				{"stscred use ", append([]string{"--off"}, anyProfiles...), nil},
			} {
				words := c.complete(tc.line, tc.want...)
				for _, want := range tc.want {
					if !contains(words, want) {
						t.Errorf("%q<TAB> does not offer %s; it offers %q", tc.line, want, words)
					}
				}
				for _, not := range tc.notWant {
					if contains(words, not) {
						t.Errorf("%q<TAB> offers %s", tc.line, not)
					}
				}
			}
		})
	}
}

//go:build linux && realworld

package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// `stscred exec prod` with no command, typed at a terminal, starts the
// user's shell ($SHELL) with prod's credentials, as aws-vault users
// expect: in it the real AWS CLI is prod's role through the credentials
// endpoint (no keys in the environment), and stscred ends with the
// status the shell exits with.
func TestExecWithoutCommandStartsTheShell(t *testing.T) {
	for _, sh := range []struct{ name, rcFile, rc string }{
		{"bash", ".bashrc", "PS1='PROMPT> '\n"},
		{"zsh", ".zshrc", "PROMPT='PROMPT> '\n"},
		{"fish", ".config/fish/config.fish", "function fish_prompt; printf 'PROMPT> '; end\n"},
	} {
		t.Run(sh.name, func(t *testing.T) {
			requireTool(t, awsCLI, "awscli")
			path := requireTool(t, sh.name, sh.name)
			w := newWorld(t)
			w.addAlice()
			// fish's first interactive start generates completions from
			// the man pages in the background, a process that outlives
			// the shell and holds the terminal open: as on a machine
			// where fish ran before, they are there already.
			os.MkdirAll(filepath.Join(w.home, ".local", "share", "fish", "generated_completions"), 0o700)
			rc := filepath.Join(w.home, sh.rcFile)
			os.MkdirAll(filepath.Dir(rc), 0o700)
			if err := os.WriteFile(rc, []byte(sh.rc), 0o600); err != nil {
				t.Fatal(err)
			}
			r := startPTY(t, w.env("SHELL="+path, "STSCRED_MFA_TOKEN="+w.code(), "TERM=dumb"), w.bin, "exec", "prod")
			r.expect("stscred: starting "+path+" with prod's credentials; exit it to leave them", 1)
			r.expect("PROMPT> ", 1)
			r.say(`printf 'KEY=%s URI=%s PROFILE=%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" "$STSCRED_PROFILE"`)
			if !strings.Contains(r.output(), "KEY= URI=http://127.0.0.1:") || !strings.Contains(r.output(), "PROFILE=prod\r\n") {
				t.Fatalf("the shell's environment:\n%s", r.output())
			}
			r.say(awsCLI + ` sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --query Arn --output text`)
			if !strings.Contains(r.output(), "arn:aws:sts::222222222222:assumed-role/Admin/") {
				t.Fatalf("the AWS CLI in the shell is not prod's role:\n%s", r.output())
			}
			r.typeLine("exit 7")
			err := r.exit()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 7 {
				t.Fatalf("stscred exec ended with %v, want the shell's status 7\n%s", err, r.output())
			}
		})
	}
}

//go:build !windows

package shell

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/human"
)

// Unix only: these tests run the generated scripts in real sh, bash, zsh
// and fish, which a Windows machine (and Wine) has not; the PowerShell
// output is checked by the tests that run everywhere.

// Each completion script parses in its real shell, whatever the spec's
// texts hold.
func TestCompletionScriptsParse(t *testing.T) {
	for _, tc := range []struct{ shell, check string }{{"bash", "bash -n"}, {"zsh", "zsh -n"}, {"fish", "fish --no-execute"}} {
		script, err := Completion(tc.shell, hostileSpec)
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(t.TempDir(), "completion")
		os.WriteFile(f, []byte(script), 0o600)
		argv := strings.Fields(tc.check)
		if out, err := exec.Command(argv[0], append(argv[1:], f)...).CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s\n%s", tc.shell, err, out, script)
		}
	}
	if _, err := Completion("powershell", hostileSpec); err == nil {
		t.Error("a powershell completion")
	}
}

// bash's tables, asked directly: what takes a value, and what completes it.
func TestBashCompletionTables(t *testing.T) {
	script, _ := Completion("bash", hostileSpec)
	probe := `
__stscred_flag role --source; printf 'source:%s:%s\n' "$__stscred_t" "$__stscred_prof"
__stscred_flag role --yes; printf 'yes:%s\n' "$__stscred_t"
__stscred_flag role --backend; printf 'backend:%s:%s\n' "$__stscred_t" "${__stscred_vals//$'\n'/,}"
__stscred_flag exec --from; printf 'exec-from:%s\n' "$__stscred_t"
__stscred_arg exec 0; printf 'exec0:%s:%s\n' "$__stscred_t" "$__stscred_prof"
__stscred_arg exec 1; printf 'exec1:%s\n' "$__stscred_t"
__stscred_arg exec 5; printf 'exec5:%s\n' "$__stscred_t"
__stscred_arg use 0; printf 'use0:%s:%s:%s\n' "$__stscred_vals" "$__stscred_prof" "$__stscred_dash"
printf 'flags:%s\n' "$(__stscred_flags role | tr '\n' ' ')"
`
	out, err := exec.Command("bash", "--norc", "-c", script+probe).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "source:1:keyholder\nyes:\nbackend:1:auto,key'ring,fi le\nexec-from:\nexec0::any\nexec1:r\nexec5:r\nuse0:--off:any:--off\nflags:--source --from --yes --help --backend \n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// Each shell evals the export, then a child process (printenv) reports
// what it inherited: exactly the values, and the marker file never made.
func TestExportRoundTripInRealShells(t *testing.T) {
	for _, tc := range []struct {
		shell, format string
		run           func(script string) *exec.Cmd
	}{
		{"sh", "sh", func(s string) *exec.Cmd { return exec.Command("sh", "-c", s) }},
		{"bash", "sh", func(s string) *exec.Cmd { return exec.Command("bash", "--norc", "--noprofile", "-c", s) }},
		{"zsh", "sh", func(s string) *exec.Cmd { return exec.Command("zsh", "-f", "-c", s) }},
		{"fish", "fish", func(s string) *exec.Cmd { return exec.Command("fish", "--no-config", "-c", s) }},
	} {
		t.Run(tc.shell, func(t *testing.T) {
			if _, err := exec.LookPath(tc.shell); err != nil {
				t.Fatalf("%s is required for this test (Debian package %s)", tc.shell, tc.shell)
			}
			dir := t.TempDir()
			marker := filepath.Join(dir, "pwned")
			e := hostileExport(marker)
			var out bytes.Buffer
			if err := Write(&out, tc.format, e); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "export")
			os.WriteFile(file, out.Bytes(), 0o600)
			var script string
			if tc.shell == "fish" {
				script = "source " + file + "; and env -0"
			} else {
				script = ". " + file + " && env -0"
			}
			cmd := tc.run(script)
			// AWS_DEFAULT_PROFILE is left unset: unsetting an unset
			// variable must not fail the export.
			cmd.Env = append(os.Environ(), "AWS_PROFILE=shadow", "AWS_SECURITY_TOKEN=stale")
			got, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v", tc.shell, err)
			}
			env := map[string]string{}
			for _, kv := range strings.Split(string(got), "\x00") {
				if k, v, ok := strings.Cut(kv, "="); ok {
					env[k] = v
				}
			}
			for _, kv := range e.Vars() {
				if env[kv[0]] != kv[1] {
					t.Errorf("%s: %s = %q, want %q", tc.shell, kv[0], env[kv[0]], kv[1])
				}
			}
			if env["STSCRED_EXPIRES"] != "1795521600" || env["AWS_CREDENTIAL_EXPIRATION"] != "2026-11-24T12:00:00Z" {
				t.Errorf("expiry vars: %q %q", env["STSCRED_EXPIRES"], env["AWS_CREDENTIAL_EXPIRATION"])
			}
			for _, name := range Shadowing() {
				if _, ok := env[name]; ok {
					t.Errorf("%s: %s still set", tc.shell, name)
				}
			}
			if _, err := os.Stat(marker); err == nil {
				t.Fatalf("%s executed code from a value", tc.shell)
			}
		})
	}
}

// The hooks are valid scripts in their shells.
func TestHooksParse(t *testing.T) {
	for shell, check := range map[string][]string{
		"bash": {"bash", "-n"}, "zsh": {"zsh", "-n"}, "fish": {"fish", "--no-execute"},
	} {
		s, err := Hook(shell)
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(t.TempDir(), "hook")
		os.WriteFile(f, []byte(s), 0o600)
		if out, err := exec.Command(check[0], append(check[1:], f)...).CombinedOutput(); err != nil {
			t.Errorf("%s hook: %v\n%s", shell, err, out)
		}
	}
	if _, err := Hook("tcsh"); err == nil {
		t.Fatal("unknown shell accepted")
	}
	if s, _ := Hook("powershell"); !strings.Contains(s, "function global:prompt") {
		t.Fatal("powershell hook lacks its prompt wrapper")
	}
}

// A .env file is also sourced by POSIX shells (set -a; . ./.env): a value
// holding a single quote goes in double quotes, where a backtick, $( ),
// $VAR, \ and " must be escaped. sh, bash and zsh source the dotenv
// export of hostile values: nothing runs, and each value without a
// newline is read back exactly (a newline is dotenv's \n, which a shell
// reads as two characters) (audit finding 9).
func TestExportDotenvSourcedByShells(t *testing.T) {
	for _, sh := range []struct {
		name string
		args []string
	}{{"sh", nil}, {"bash", []string{"--norc", "--noprofile"}}, {"zsh", []string{"-f"}}} {
		t.Run(sh.name, func(t *testing.T) {
			if _, err := exec.LookPath(sh.name); err != nil {
				t.Fatalf("%s is required for this test (Debian package %s)", sh.name, sh.name)
			}
			dir := t.TempDir()
			marker := filepath.Join(dir, "pwned")
			evil := "it's \"q\" $(touch " + marker + ") `touch " + marker + "` \\ \\` \\$HOME $HOME ${PATH}"
			e := Export{Profile: "prof`touch " + marker + "`" + evil, Region: "eu-west-1 " + evil,
				Creds: creds.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "sec/ret+" + evil, SessionToken: "tok" + evil,
					Expiration: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)}}
			withNewline := e
			withNewline.Profile += "\nsecond line `touch " + marker + "`"
			for _, ex := range []Export{e, withNewline} {
				var out bytes.Buffer
				if err := Write(&out, "dotenv", ex); err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(dir, ".env")
				if err := os.WriteFile(file, out.Bytes(), 0o600); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(sh.name, append(sh.args, "-c", "set -a; . "+file+" && env -0")...)
				got, err := cmd.Output()
				if _, err := os.Stat(marker); err == nil {
					t.Fatalf("%s ran a command from a value in:\n%s", sh.name, out.String())
				}
				if err != nil {
					t.Fatalf("%s: %v\n%s", sh.name, err, out.String())
				}
				env := map[string]string{}
				for _, kv := range strings.Split(string(got), "\x00") {
					if k, v, ok := strings.Cut(kv, "="); ok {
						env[k] = v
					}
				}
				for _, kv := range ex.Vars() {
					if !strings.Contains(kv[1], "\n") && env[kv[0]] != kv[1] {
						t.Errorf("%s: %s = %q, want %q", sh.name, kv[0], env[kv[0]], kv[1])
					}
				}
			}
		})
	}
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

// QuoteSh output read back by a real sh is the original string.
func TestQuoteShRoundTrip(t *testing.T) {
	for _, s := range hostile {
		out, err := exec.Command("sh", "-c", "printf %s "+QuoteSh(s)).Output()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if string(out) != s {
			t.Errorf("sh read %q back as %q", s, out)
		}
	}
}

// The block, run by the real shell (twice, as when an rc file is read
// again): its PATH line puts exactly the bin directory on PATH, once; the
// stscred found there is loaded; the completion file is sourced; nothing
// in the paths ran.
func TestInstallBlockHostilePaths(t *testing.T) {
	for _, tc := range []struct {
		shell string
		run   func(script string) *exec.Cmd
		show  string
	}{
		{"bash", func(s string) *exec.Cmd { return exec.Command("bash", "--norc", "--noprofile", "-c", s) }, `printf 'PATH=%s\n' "$PATH"`},
		{"zsh", func(s string) *exec.Cmd { return exec.Command("zsh", "-f", "-c", s) }, `printf 'PATH=%s\n' "$PATH"; printf 'FPATH=%s\n' $fpath`},
		{"fish", func(s string) *exec.Cmd { return exec.Command("fish", "--no-config", "-c", s) }, `printf 'PATH=%s\n' $PATH`},
	} {
		t.Run(tc.shell, func(t *testing.T) {
			s := mustNamed(t, tc.shell)
			marker := filepath.Join(t.TempDir(), "pwned")
			dirs := InstallDirs{Bin: hostileDir(t, marker), Share: hostileDir(t, marker)}
			block, err := s.InstallBlock(dirs)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
			if lines[0] != BeginMarker || lines[len(lines)-1] != EndMarker || !strings.HasSuffix(block, EndMarker+"\n") {
				t.Fatalf("block without its markers:\n%s", block)
			}
			if !strings.Contains(block, "\n"+s.InitLine()+"\n") {
				t.Fatalf("block does not load %q:\n%s", s.InitLine(), block)
			}
			// A stscred in bin whose shell-init says it ran, and a
			// completion file that says it was read.
			os.MkdirAll(dirs.Bin, 0o755)
			os.WriteFile(filepath.Join(dirs.Bin, "stscred"), []byte("#!/bin/sh\necho 'echo INIT-'\"$2\"\n"), 0o755)
			comp := s.CompletionFile(dirs.Share)
			os.MkdirAll(filepath.Dir(comp), 0o755)
			os.WriteFile(comp, []byte("echo COMPLETION-LOADED\n"), 0o644)
			cmd := tc.run(block + block + tc.show)
			cmd.Env = append(os.Environ(), "PATH=/usr/bin:/bin")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			got := string(out)
			if _, err := os.Stat(marker); err == nil {
				t.Fatal("running the block ran a command from a path")
			}
			if strings.Count(got, "INIT-"+tc.shell+"\n") != 2 || strings.Count(got, "COMPLETION-LOADED\n") != 2 {
				t.Fatalf("the block did not load stscred and the completion:\n%s", got)
			}
			var path []string
			for _, l := range strings.Split(got, "\n") {
				if v, ok := strings.CutPrefix(l, "PATH="); ok {
					path = append(path, v)
				}
			}
			want := []string{dirs.Bin, "/usr/bin", "/bin"}
			if tc.shell != "fish" {
				want = []string{dirs.Bin + ":/usr/bin:/bin"}
			}
			if strings.Join(path, "\n") != strings.Join(want, "\n") {
				t.Fatalf("PATH after the block twice:\n%q\nwant\n%q", path, want)
			}
			if tc.shell == "zsh" && strings.Count(got, "FPATH="+filepath.Dir(comp)+"\n") != 1 {
				t.Fatalf("the completion directory is not on $fpath once:\n%s", got)
			}
		})
	}
}

// The same for PathLine alone, which install.sh shows when bin is not on
// PATH.
func TestPathLine(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "pwned")
	bin := hostileDir(t, marker)
	for _, tc := range []struct {
		shell string
		argv  []string
		show  string
		want  string
	}{
		{"bash", []string{"bash", "--norc", "-c"}, `; printf '%s' "$PATH"`, bin + ":/usr/bin:/bin"},
		{"zsh", []string{"zsh", "-f", "-c"}, `; printf '%s' "$PATH"`, bin + ":/usr/bin:/bin"},
		{"fish", []string{"fish", "--no-config", "-c"}, `; string join : $PATH`, bin + ":/usr/bin:/bin\n"},
	} {
		line := mustNamed(t, tc.shell).PathLine(bin)
		cmd := exec.Command(tc.argv[0], append(tc.argv[1:], line+"\n"+line+tc.show)...)
		cmd.Env = append(os.Environ(), "PATH=/usr/bin:/bin")
		out, err := cmd.CombinedOutput()
		if err != nil || string(out) != tc.want {
			t.Errorf("%s: %v %q, want %q", tc.shell, err, out, tc.want)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a PATH line ran a command from the path")
	}
}

// hostileSpec has help texts and values a script could misquote.
var hostileSpec = CompletionSpec{
	GlobalFlags: []CompletionFlag{
		{Name: "help", Short: 'h', Help: `it's "help" $(touch x)`},
		{Name: "backend", TakesValue: true, Help: "where: `x`", Value: Completer{Values: []string{"auto", "key'ring", "fi le"}}},
	},
	Commands: []CompletionCommand{
		{Name: "role", Help: "a role's: $HOME", Flags: []CompletionFlag{
			{Name: "source", TakesValue: true, Value: Completer{Profiles: KeyHolderProfile}},
			{Name: "from", TakesValue: true, Value: Completer{Files: true}},
			{Name: "yes", Short: 'y'},
		}, Args: []CompletionArg{{Name: "name", Value: Completer{Profiles: RoleProfile}}}},
		{Name: "exec", Args: []CompletionArg{{Name: "profile", Value: Completer{Profiles: AnyProfile}}, {Name: "command", Rest: true}}},
		{Name: "use", Args: []CompletionArg{{Name: "args", Value: Completer{Values: []string{"--off"}, Profiles: AnyProfile}}}},
	},
}

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

var hostile = []string{
	"plain",
	"it's",
	`"double"`,
	"$(touch /tmp/pwned)",
	"`touch /tmp/pwned`",
	"line1\nline2",
	`back\slash\`,
	"${HOME}",
	"'; echo injected; '",
	"",
}

// hostileDir is a directory name that would run code, expand or split if
// a block did not quote it.
func hostileDir(t *testing.T, marker string) string {
	return filepath.Join(t.TempDir(), `it's "q" $HOME $(touch `+marker+`) `+"`touch "+marker+"`"+` [a]* \x`)
}

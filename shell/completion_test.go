package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

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

package main

import (
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

// stscred --help lists the commands a user types every day first (the
// credential commands among them, though CLI embeds them last), each
// command under a group, and the global flags once, after the commands.
func TestHelpOrdersCommandsByEverydayUse(t *testing.T) {
	env, out, _ := testEnv(t, cfg)
	if code := runFake([]string{"--help"}, env); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	help := out.String()
	at := func(s string) int {
		t.Helper()
		i := strings.Index(help, s)
		if i < 0 {
			t.Fatalf("--help lacks %q:\n%s", s, help)
		}
		return i
	}
	everyday, keys, setup := at("\nEvery day:\n"), at("\nKeys and cached sessions:\n"), at("\nSetup:\n")
	for _, cmd := range []string{"use", "exec", "export", "whoami", "role", "session"} {
		if i := at("\n  " + cmd + " "); i < everyday || i > keys {
			t.Errorf("%s is not under Every day:\n%s", cmd, help)
		}
	}
	if i := at("\n  add "); i < keys || i > setup {
		t.Errorf("add is not under Keys:\n%s", help)
	}
	if i := at("\n  version "); i < setup {
		t.Errorf("version is not under Setup:\n%s", help)
	}
	if g := at("\nGlobal flags (any command takes them):\n"); g < setup {
		t.Errorf("the global flags come before the commands:\n%s", help)
	}
	if n := strings.Count(help, "--mfa-token=CODE"); n != 1 {
		t.Errorf("--mfa-token shown %d times:\n%s", n, help)
	}
}

// A command's --help shows its own flags, and the global ones only by
// name: their help is stscred --help's.
func TestCommandHelpNamesTheGlobalFlagsOnce(t *testing.T) {
	for _, args := range [][]string{{"exec", "--help"}, {"role", "--help"}, {"sso", "login", "--help"}, {"help", "whoami"}} {
		env, out, _ := testEnv(t, cfg)
		if code := runFake(args, env); code != 0 {
			t.Fatalf("%v: exit %d", args, code)
		}
		help := out.String()
		for _, long := range []string{"--mfa-token=CODE", "--sts-timeout=15s", "--backend=", "--version"} {
			if strings.Contains(help, long) {
				t.Errorf("%v shows %s in full:\n%s", args, long, help)
			}
		}
		if !strings.Contains(help, "Global flags: --mfa-token, --prompt, --min-remaining, --lock-timeout, --backend,\n  --sts-timeout") {
			t.Errorf("%v does not name the global flags:\n%s", args, help)
		}
	}
	// The flags are still taken after a command.
	env, _, _ := testEnv(t, cfg)
	if code := runFake([]string{"list", "--prompt", "none", "--sts-timeout", "3s"}, env); code != 0 {
		t.Fatalf("list with global flags: exit %d", code)
	}
}

// Every command has its place in commandGroups: a new one must be placed,
// not left to "Other". Hidden commands (pick, run by the shell
// integration) are not in the help at all.
func TestEveryCommandHasAGroup(t *testing.T) {
	var cli CLI
	k, err := kong.New(&cli, kong.Vars{"version": ""})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range k.Model.Children {
		if _, g := groupOf(n.Name); g.Key == otherGroup && !n.Hidden {
			t.Errorf("command %s is in no group of commandGroups", n.Name)
		}
	}
	if _, g := groupOf("frobnicate"); g.Key != otherGroup {
		t.Fatal("an unknown command has a group")
	}
}

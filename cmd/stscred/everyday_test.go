package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/keystore"
)

// Every command a user sees has examples in its --help, and every example
// that runs stscred parses as a stscred command line.
func TestEveryCommandHasExamples(t *testing.T) {
	var cli CLI
	k, err := kong.New(&cli, kong.Vars{"version": ""})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, cmd := range k.Model.Children {
		if cmd.Hidden && cmd.Name != "completion" {
			continue
		}
		n++
		env, out, _ := testEnv(t, cfg)
		if code := runFake([]string{cmd.Name, "--help"}, env); code != 0 {
			t.Errorf("%s --help: exit %d", cmd.Name, code)
			continue
		}
		_, ex, ok := strings.Cut(out.String(), "Examples:\n")
		if !ok {
			t.Errorf("stscred %s --help has no examples:\n%s", cmd.Name, out)
			continue
		}
		ex, _, _ = strings.Cut(ex, "\nArguments:")
		ex, _, _ = strings.Cut(ex, "\nFlags:")
		seen := 0
		for _, line := range strings.Split(ex, "\n") {
			words := exampleCommand(line)
			if len(words) < 2 || words[0] != "stscred" {
				continue
			}
			seen++
			if words[1] != cmd.Name {
				t.Errorf("an example of %s runs stscred %s: %q", cmd.Name, words[1], line)
			}
			var c CLI
			p, err := kong.New(&c, kong.Vars{"version": ""}, kong.Exit(func(int) {}))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Parse(words[1:]); err != nil {
				t.Errorf("example of %s does not parse: %q: %v", cmd.Name, line, err)
			}
		}
		if seen == 0 {
			t.Errorf("stscred %s --help: no example runs stscred %s:\n%s", cmd.Name, cmd.Name, ex)
		}
	}
	if n < 15 {
		t.Fatalf("only %d commands seen", n)
	}
}

// exampleCommand is the stscred command line in an example line: inside
// $(...), before a pipe or redirection, after "credential_process =".
func exampleCommand(line string) []string {
	line = strings.TrimSpace(line)
	if _, in, ok := strings.Cut(line, "$("); ok {
		line, _, _ = strings.Cut(in, ")")
	}
	line = strings.TrimPrefix(line, "credential_process = ")
	for _, sep := range []string{" |", " >"} {
		line, _, _ = strings.Cut(line, sep)
	}
	return proc.Words(line) // as a shell splits it: a quoted --browser command is one word
}

// An error in a subcommand's flags points at that subcommand's help.
func TestUsageErrorPointsAtCommandHelp(t *testing.T) {
	for args, want := range map[string]string{
		"role --duration soon":    "see: stscred role --help",
		"export --format klingon": "see: stscred export --help",
		"frobnicate":              "see: stscred --help",
	} {
		env, _, errb := testEnv(t, cfg)
		if code := runFake(strings.Fields(args), env); code != 2 || !strings.Contains(errb.String(), "stscred: hint: "+want+"\n") {
			t.Errorf("%s: exit %d, stderr %q, want hint %q", args, code, errb, want)
		}
	}
}

func roleEntry(profile string) cache.Entry {
	return cache.Entry{Header: cache.Header{Key: "v1:role:" + profile, Kind: cache.KindRole, Profile: profile,
		Chain: []string{profile, "alice"}, MFA: true, Expires: time.Now().Add(time.Hour)}}
}

// clear of a name that is neither a profile nor cached is a typo: an
// error with what was meant, and nothing cleared.
func TestClearUnknownProfile(t *testing.T) {
	env, out, errb := testEnv(t, cfg)
	if err := env.SessionCache.Put(roleEntry("prod-admin")); err != nil {
		t.Fatal(err)
	}
	code := runFake([]string{"clear", "prod-admn"}, env)
	if code != 1 || out.Len() != 0 || !strings.Contains(errb.String(), "stscred: error: no profile prod-admn") ||
		!strings.Contains(errb.String(), `stscred: hint: did you mean "prod-admin"?`) {
		t.Fatalf("exit %d stdout %q stderr %q", code, out, errb)
	}
	if hs, _ := env.SessionCache.List(); len(hs) != 1 {
		t.Fatalf("the cache lost entries: %v", hs)
	}
	// A profile gone from the config whose sessions are still cached is
	// cleared.
	env, _, _ = testEnv(t, cfg)
	env.SessionCache.Put(roleEntry("old-role"))
	if code := runFake([]string{"clear", "old-role"}, env); code != 0 {
		t.Fatalf("clear old-role: exit %d", code)
	}
	if hs, _ := env.SessionCache.List(); len(hs) != 0 {
		t.Fatalf("old-role's entry stays: %v", hs)
	}
}

// clear of a profile tools use clears what its credential_process asks
// for.
func TestClearToolProfile(t *testing.T) {
	env, out, _ := testEnv(t, cfg+"[profile ro]\nsource_profile = alice\nrole_arn = arn:aws:iam::222222222222:role/ReadOnly\n")
	env.SessionCache.Put(roleEntry("prod-admin"))
	env.SessionCache.Put(roleEntry("ro"))
	if code := runFake([]string{"clear", "prod"}, env); code != 0 || !strings.Contains(out.String(), "removed 1 cached session (prod, which runs stscred for prod-admin)") {
		t.Fatalf("exit %d: %q", code, out)
	}
	hs, _ := env.SessionCache.List()
	if len(hs) != 1 || hs[0].Profile != "ro" {
		t.Fatalf("left in the cache: %v", hs)
	}
}

func TestRemoveWhatHoldsNoKey(t *testing.T) {
	for name, want := range map[string]string{
		"prod-admin": "profile prod-admin holds no access key to remove: it is a role profile",
		"prod":       "profile prod holds no access key to remove: it is a tool profile",
	} {
		env, out, errb := testEnv(t, cfg)
		keystore.PutKey(env.KeyStore, "alice", keystore.Key{AccessKeyID: "AKIAABCDEFGHIJKLMNOP", SecretAccessKey: "s"})
		code := runFake([]string{"remove", "--yes", name}, env)
		if code != 1 || out.Len() != 0 || !strings.Contains(errb.String(), want) || !strings.Contains(errb.String(), "stscred: hint: to drop its cached sessions: stscred clear "+name) {
			t.Errorf("%s: exit %d stderr %q", name, code, errb)
		}
		if _, err := keystore.GetKey(env.KeyStore, "alice"); err != nil {
			t.Errorf("alice's key is gone: %v", err)
		}
	}
	env, _, errb := testEnv(t, cfg)
	if code := runFake([]string{"remove", "--yes", "alcie"}, env); code != 1 || !strings.Contains(errb.String(), `did you mean "alice"?`) {
		t.Errorf("alcie: exit %d stderr %q", code, errb)
	}
}

// list without a config file says where it looked; --json is [].
func TestListWithoutConfig(t *testing.T) {
	env, out, _ := testEnv(t, cfg)
	path := filepath.Join(t.TempDir(), "nothing-here")
	vars := map[string]string{"AWS_CONFIG_FILE": path}
	env.Getenv = func(k string) string { return vars[k] }
	if code := runFake([]string{"list"}, env); code != 0 || !strings.Contains(out.String(), "no profiles: "+path+" does not exist (AWS_CONFIG_FILE)") {
		t.Fatalf("exit %d: %q", code, out)
	}
	env, out, _ = testEnv(t, cfg)
	env.Getenv = func(k string) string { return vars[k] }
	if code := runFake([]string{"list", "--json"}, env); code != 0 || strings.TrimSpace(out.String()) != "[]" {
		t.Fatalf("--json: exit %d: %q", code, out)
	}
	if err := os.WriteFile(path, []byte("# nothing yet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env, out, _ = testEnv(t, cfg)
	env.Getenv = func(k string) string { return vars[k] }
	if code := runFake([]string{"list"}, env); code != 0 || !strings.Contains(out.String(), "no profiles: "+path+" has no profiles") {
		t.Fatalf("empty config: exit %d: %q", code, out)
	}
}

// exec of a command that is not there ends as a shell does: 127 (not
// found) or 126 (not runnable), before any credential is fetched.
func TestExecCommandNotFound(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		code int
		want string
	}{
		{"no-such-command-anywhere", 127, "command not found: no-such-command-anywhere"},
		{"./no-such-file", 127, "command not found: ./no-such-file does not exist"},
		{t.TempDir(), 126, "cannot run"},
	} {
		env, out, errb := testEnv(t, cfg)
		code := runFake([]string{"exec", "prod", "--", tc.cmd}, env)
		if code != tc.code || out.Len() != 0 || !strings.Contains(errb.String(), tc.want) || !strings.Contains(errb.String(), "stscred: hint: ") {
			t.Errorf("%s: exit %d stderr %q", tc.cmd, code, errb)
		}
		if strings.Contains(errb.String(), "no access key") {
			t.Errorf("%s: credentials were fetched first: %q", tc.cmd, errb)
		}
	}
}

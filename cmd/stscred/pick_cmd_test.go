package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/sys/picker"
)

// pickerEnv is a testEnv on a terminal whose picker chooses choose ("":
// the user leaves it), recording the titles it was shown with.
func pickerEnv(t *testing.T, choose string, vars ...string) (*fakeEnv, *[]string, func() (string, string)) {
	t.Helper()
	e, stdout, stderr := testEnv(t, cfg+"[profile dev-login]\nlogin_session = arn:aws:iam::444444444444:user/dev\n")
	get := e.Getenv
	extra := map[string]string{"TERM": "xterm-256color", "STSCRED_PROMPT": "none"}
	for _, kv := range vars {
		k, v, _ := strings.Cut(kv, "=")
		extra[k] = v
	}
	e.Getenv = func(k string) string {
		if v, ok := extra[k]; ok {
			return v
		}
		return get(k)
	}
	e.StdinTerminal = true
	var titles []string
	e.Pick = func(_ context.Context, req picker.Request) (int, error) {
		titles = append(titles, req.Title)
		for i, r := range req.Rows {
			if r.Key == choose {
				return i, nil
			}
		}
		return -1, picker.ErrCanceled
	}
	// The output with the test's own directory as DIR, to compare runs.
	dir := filepath.Dir(e.Getenv("AWS_CONFIG_FILE"))
	return e, &titles, func() (string, string) {
		return strings.ReplaceAll(stdout.String(), dir, "DIR"), strings.ReplaceAll(stderr.String(), dir, "DIR")
	}
}

// Each command run without a profile on a terminal opens the picker and
// goes on with the profile chosen there.
func TestCommandsPickAProfile(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		choose string
		title  string
		want   string // in stderr: the command went on with the profile chosen
	}{
		{[]string{"whoami"}, "alice", "stscred whoami: choose a profile", "no access key is stored for profile alice"},
		{[]string{"console"}, "prod-admin", "stscred console: choose a profile", "no access key is stored for profile alice"},
		{[]string{"console", "--url"}, "alice", "stscred console: choose a profile", "no access key is stored for profile alice"},
		{[]string{"login"}, "dev-login", "stscred login: choose a profile", "profile dev-login names no region to sign in to"},
		// No command, at a terminal: the user's shell with prod's credentials.
		{[]string{"exec"}, "prod", "stscred exec: choose a profile", "starting /bin/sh with prod's credentials"},
		{[]string{"exec", "--env"}, "prod", "stscred exec: choose a profile", "starting /bin/sh with prod's credentials"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			e, titles, out := pickerEnv(t, tc.choose)
			code := runFake(tc.args, e)
			stdout, stderr := out()
			if len(*titles) != 1 || (*titles)[0] != tc.title {
				t.Fatalf("picker shown as %q, want once as %q", *titles, tc.title)
			}
			if code == 0 || !strings.Contains(stderr, tc.want) || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s\nwant %q in it", code, stdout, stderr, tc.want)
			}
		})
	}
}

// Leaving the picker ends the command at once: exit 130, nothing printed,
// nothing done.
func TestCommandsPickerLeft(t *testing.T) {
	for _, args := range [][]string{{"whoami"}, {"console"}, {"login"}, {"exec"}, {"pick"}} {
		e, titles, out := pickerEnv(t, "")
		code := runFake(args, e)
		stdout, stderr := out()
		if code != 130 || stdout != "" || stderr != "" || len(*titles) != 1 {
			t.Errorf("%s: exit %d, stdout %q, stderr %q, picker shown %d times", args, code, stdout, stderr, len(*titles))
		}
	}
}

// A profile named anywhere opens no picker: the argument, the
// environment's profile, whoami's environment keys, console's --role-arn;
// exec and use always pick without an argument.
func TestCommandsNamingAProfileOpenNoPicker(t *testing.T) {
	for _, tc := range []struct {
		args []string
		vars []string
	}{
		{[]string{"whoami", "prod"}, nil},
		{[]string{"whoami"}, []string{"AWS_PROFILE=prod"}},
		{[]string{"whoami"}, []string{"STSCRED_PROFILE=prod"}},
		{[]string{"whoami"}, []string{"AWS_DEFAULT_PROFILE=prod"}},
		{[]string{"whoami"}, []string{"AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY=x"}},
		{[]string{"whoami"}, []string{"AWS_ACCESS_KEY_ID=AKIAEXAMPLE"}},
		{[]string{"console", "prod"}, nil},
		{[]string{"console"}, []string{"AWS_PROFILE=prod"}},
		{[]string{"console", "--role-arn", "arn:aws:iam::222222222222:role/Admin", "--source", "alice"}, nil},
		{[]string{"login", "dev-login"}, nil},
		{[]string{"login"}, []string{"STSCRED_PROFILE=dev-login"}},
		{[]string{"exec", "prod", "--", "true"}, nil},
	} {
		t.Run(fmt.Sprint(tc.args, tc.vars), func(t *testing.T) {
			e, titles, _ := pickerEnv(t, "alice", tc.vars...)
			runFake(tc.args, e)
			if len(*titles) != 0 {
				t.Fatalf("the picker opened")
			}
		})
	}
}

// Without a terminal (stdin not one, or TERM=dumb), each command does
// what it did before the picker: the same output and exit status as with
// no picker at all.
func TestCommandsWithoutTerminalUnchanged(t *testing.T) {
	for _, args := range [][]string{{"whoami"}, {"console"}, {"console", "--url"}, {"login"}, {"exec"}, {"exec", "--env"}, {"exec", "--", "true"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			for _, how := range []string{"stdin", "dumb"} {
				// The same setting without any picker (exec without a
				// command starts a shell only on a terminal, so the
				// terminal is the same on both sides).
				setting := func(e *fakeEnv) {
					if how == "stdin" {
						e.StdinTerminal = false
						return
					}
					e.Getenv = func(get func(string) string) func(string) string {
						return func(k string) string {
							if k == "TERM" {
								return "dumb"
							}
							return get(k)
						}
					}(e.Getenv)
				}
				before, _, beforeOut := pickerEnv(t, "alice")
				setting(before)
				before.Pick = nil
				wantCode := runFake(args, before)
				wantOut, wantErr := beforeOut()
				e, titles, out := pickerEnv(t, "alice")
				setting(e)
				code := runFake(args, e)
				stdout, stderr := out()
				if len(*titles) != 0 || code != wantCode || stdout != wantOut || stderr != wantErr {
					t.Errorf("%s: picker shown %d times, exit %d, stdout %q, stderr:\n%s\nwant exit %d, stdout %q, stderr:\n%s",
						how, len(*titles), code, stdout, stderr, wantCode, wantOut, wantErr)
				}
			}
		})
	}
	// exec keeps kong's own error for a missing argument.
	e, _, out := pickerEnv(t, "alice")
	e.StdinTerminal = false
	code := runFake([]string{"exec"}, e)
	if _, stderr := out(); code != 2 || stderr != "stscred: error: expected \"<profile>\"\nstscred: hint: see: stscred exec --help\n" {
		t.Errorf("exec without a terminal: exit %d, %q", code, stderr)
	}
}

// stscred pick (what the shell hooks run for use) prints the name chosen
// on stdout, and only it; without a terminal it fails as a usage error.
func TestPickCommand(t *testing.T) {
	e, titles, out := pickerEnv(t, "prod-admin")
	if code := runFake([]string{"pick"}, e); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if stdout, stderr := out(); stdout != "prod-admin\n" || stderr != "" || (*titles)[0] != "stscred use: choose a profile" {
		t.Fatalf("stdout %q, stderr %q, title %q", stdout, stderr, *titles)
	}
	e, _, out = pickerEnv(t, "prod-admin")
	e.StdinTerminal = false
	code := runFake([]string{"pick"}, e)
	if stdout, stderr := out(); code != 2 || stdout != "" || !strings.Contains(stderr, "stscred: error: no profile chosen: no terminal to choose one on\nstscred: hint: name the profile: stscred use PROFILE\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

package main

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/config/credline"
)

// FuzzCommandLine parses any stscred command line (one argument a line)
// under any values of the variables the flags read ("NAME=value" lines),
// as run does, without running it. It holds: no panic but the exit kong
// takes after --help or --version; where the fast path answers, kong
// parses the same line to the same command and global flags.
func FuzzCommandLine(f *testing.F) {
	for _, seed := range [][2]string{
		{"role\nprod-admin", ""},
		{"session\nalice", "STSCRED_BACKEND=file\nSTSCRED_MIN_REMAINING=20m\nSTSCRED_MFA_TOKEN=123456"},
		{"export\nprod", "STSCRED_PROMPT=none"},
		{"role\n--role-arn\narn:aws:iam::222222222222:role/Admin\n--source\nalice\n--duration\n2h", ""},
		{"--mfa-token=123456\nwhoami\nprod\n--query\n[Account, Arn]\n--output\ntable", ""},
		{"exec\nprod\n--\nterraform\nplan", ""},
		{"sso\nlogin\ncorp\n--device-code", ""},
		{"export\nprod\n--format\ndotenv", ""},
		{"console\nprod\n--url", ""},
		{"completion\nbash", ""}, {"shell-init\nzsh", ""}, {"doctor", ""}, {"list", ""}, {"help\nrole", ""},
		{"--version", ""}, {"role\n--help", ""}, {"", ""}, {"role\nx", "STSCRED_STS_TIMEOUT=x"},
		{"role\n\xc0", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, line, vars string) {
		var args []string
		if line != "" {
			args = strings.Split(line, "\n")
		}
		env := map[string]string{}
		for _, kv := range strings.Split(vars, "\n") {
			// A variable cannot hold a NUL byte.
			if k, v, ok := strings.Cut(kv, "="); ok && !strings.Contains(v, "\x00") {
				env[k] = v
			}
		}
		credline.ScrubEmpty(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, func(k string) error { delete(env, k); return nil })
		// kong reads the process's environment; the fuzz function runs
		// alone in its process.
		for _, name := range credline.FlagVariables() {
			if v, ok := env[name]; ok {
				t.Setenv(name, v)
			} else {
				t.Setenv(name, "")
				os.Unsetenv(name)
			}
		}
		e, _, _ := testEnv(t, "")
		kongOnly(t, e, args)
		cmd, g, fast := credline.Fast(args, func(k string) string { return env[k] })
		if !fast {
			return
		}
		var cli credentialCLI
		kctx, err := parse(&cli, &cli.Globals, args, e.Process, e.services())
		if err != nil {
			t.Fatalf("%q: the fast path takes it, kong refuses it: %v", args, err)
		}
		var kcmd any
		switch kctx.Command() {
		case "role <name>":
			kcmd = &cli.Role.Role
		case "session <name>":
			kcmd = &cli.Session.Session
		case "export <profile>":
			kcmd = &cli.Export.Export
		}
		if !reflect.DeepEqual(cmd, kcmd) || !reflect.DeepEqual(*g, cli.Globals) {
			t.Fatalf("%q %v:\nfast %+v %+v\nkong %+v %+v", args, env, cmd, *g, kcmd, cli.Globals)
		}
	})
}

// kongOnly parses args with the whole CLI, as run does for a line the
// fast path does not take; only kong's exit (after --help or --version)
// may end it early.
func kongOnly(t *testing.T, e *fakeEnv, args []string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(exitCode); !ok {
				t.Fatalf("%q: panic: %v", args, r)
			}
		}
	}()
	var cli CLI
	_, _ = parse(&cli, &cli.Globals, args, e.Process, e.services())
}

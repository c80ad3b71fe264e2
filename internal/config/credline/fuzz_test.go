package credline

import (
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/internal/sys/proc"
)

// FuzzParseLine reads a credential_process line as a config file holds it
// (the profile model, doctor, list and import all parse them), under
// any values of the variables the flags read (one "NAME=value" a line).
// It holds: no panic, from the grammar or from kong (Parse passes on any
// panic but the exit of --help and --version); where Fast answers, kong
// reads the same call and accepts it.
func FuzzParseLine(f *testing.F) {
	for _, seed := range [][2]string{
		{"stscred role prod-admin", ""},
		{"stscred session alice", "STSCRED_BACKEND=file\nSTSCRED_MIN_REMAINING=20m"},
		{"/usr/local/bin/stscred export prod", ""},
		{`"C:\Program Files\stscred\stscred.exe" role prod`, ""},
		{"stscred role --role-arn arn:aws:iam::222222222222:role/Admin --source alice --mfa-serial arn:aws:iam::111111111111:mfa/alice --duration 2h", ""},
		{"stscred --prompt=none role 'name with spaces' --external-id x --session-name s", ""},
		{"stscred session imported --duration 1h", "STSCRED_SESSION_DURATION=long"},
		{"stscred role x", "STSCRED_PROMPT=sometimes"},
		{"stscred role x", "STSCRED_PROMPT="},
		{"stscred --version", ""}, {"stscred role --help", ""}, {"stscred frobnicate", ""}, {"stscred", ""},
		{"stscred role a b", ""}, {"stscred role -- -x", ""}, {"stscred role ''", ""}, {"aws-vault exec prod --json", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, line, vars string) {
		env := map[string]string{}
		for _, kv := range strings.Split(vars, "\n") {
			// A variable cannot hold a NUL byte.
			if k, v, ok := strings.Cut(kv, "="); ok && !strings.Contains(v, "\x00") {
				env[k] = v
			}
		}
		ScrubEmpty(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, func(k string) error { delete(env, k); return nil })
		// kong reads the process's environment; the fuzz function runs
		// alone in its process.
		for _, name := range FlagVariables() {
			if v, ok := env[name]; ok {
				t.Setenv(name, v)
			} else {
				t.Setenv(name, "")
				os.Unsetenv(name)
			}
		}
		getenv := func(k string) string { return env[k] }
		c, ok := ParseLine(line, getenv)
		if !ok {
			return
		}
		args := proc.Words(line)[1:]
		cmd, _, fast := Fast(args, getenv)
		if !fast {
			return
		}
		var g Grammar
		parser, err := kong.New(&g, kong.Name("stscred"), kong.Writers(io.Discard, io.Discard),
			kong.Exit(func(int) { panic(exited{}) }), kong.Vars{"version": ""})
		if err != nil {
			t.Fatal(err)
		}
		k := parseWith(parser, &g, args)
		if k.Err != nil {
			t.Fatalf("%q: Fast took it, kong refuses it: %v", args, k.Err)
		}
		if !reflect.DeepEqual(k.Request, cmd.Request()) || !reflect.DeepEqual(c.Request, cmd.Request()) {
			t.Fatalf("%q: Fast read %+v, kong %+v, ParseLine %+v", args, cmd.Request(), k.Request, c.Request)
		}
	})
}

package main

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/internal/config/credline"
)

// kongParse parses args with kong, as run does without the fast path.
func kongParse(t *testing.T, args []string, env map[string]string) (any, credline.Globals) {
	t.Helper()
	var cli credentialCLI
	for k, v := range env {
		t.Setenv(k, v)
	}
	p, err := kong.New(&cli, kong.Writers(io.Discard, io.Discard), kong.Vars{"version": "x"})
	if err != nil {
		t.Fatal(err)
	}
	kctx, err := p.Parse(args)
	if err != nil {
		t.Fatalf("kong %v: %v", args, err)
	}
	switch kctx.Command() {
	case "role <name>":
		return &cli.Role.Role, cli.Globals
	case "session <name>":
		return &cli.Session.Session, cli.Globals
	}
	t.Fatalf("kong chose %q", kctx.Command())
	return nil, credline.Globals{}
}

// Where the fast path answers, its result is exactly kong's.
func TestFastParseMatchesKong(t *testing.T) {
	for _, args := range [][]string{
		{"role", "prod-admin"},
		{"session", "alice"},
		{"role", "name with spaces"},
	} {
		cmd, g, ok := credline.Fast(args, func(string) string { return "" })
		if !ok {
			t.Fatalf("%v: fast path declined", args)
		}
		kcmd, kg := kongParse(t, args, nil)
		if !reflect.DeepEqual(cmd, kcmd) || !reflect.DeepEqual(*g, kg) {
			t.Errorf("%v:\nfast %+v %+v\nkong %+v %+v", args, cmd, *g, kcmd, kg)
		}
	}
}

// Everything else is left to kong.
func TestFastParseDeclines(t *testing.T) {
	none := func(string) string { return "" }
	for _, args := range [][]string{
		nil,
		{"role"},
		{"role", "prod-admin", "--duration", "2h"},
		{"role", "--role-arn", "arn:aws:iam::1:role/x"},
		{"role", "-h"},
		{"--version"},
		{"list", "x"},
		{"add", "alice"},
		{"role", ""},
	} {
		if _, _, ok := credline.Fast(args, none); ok {
			t.Errorf("%v: fast path must decline", args)
		}
	}
	// A variable set to what kong would refuse sends the call to kong,
	// which says what is wrong.
	for _, v := range []string{"STSCRED_PROMPT", "STSCRED_MIN_REMAINING", "STSCRED_LOCK_TIMEOUT", "STSCRED_BACKEND", "STSCRED_STS_TIMEOUT"} {
		env := func(k string) string {
			if k == v {
				return "x"
			}
			return ""
		}
		if _, _, ok := credline.Fast([]string{"role", "prod-admin"}, env); ok {
			t.Errorf("%s=x: fast path must decline", v)
		}
	}
	// One kong takes is taken as kong takes it (a user with
	// STSCRED_BACKEND=file in the profile keeps the fast path).
	env := map[string]string{"STSCRED_BACKEND": "file", "STSCRED_MIN_REMAINING": "20m", "STSCRED_MFA_TOKEN": "123456", "STSCRED_SESSION_DURATION": "1h"}
	cmd, g, ok := credline.Fast([]string{"session", "alice"}, func(k string) string { return env[k] })
	if !ok {
		t.Fatal("valid variables: fast path declined")
	}
	if s := cmd.(*credline.Session); g.Backend != "file" || g.MinRemaining != 20*time.Minute || g.MFAToken != "123456" || s.Duration != time.Hour || g.Prompt != "auto" {
		t.Errorf("valid variables read as %+v %+v", g, s)
	}
}

// The fast path gives exactly kong's result for every input of a generated
// table: each credential command and argument shape, under every
// combination of each variable the flags read being unset, set but empty
// (scrubbed first, as main does), set to a valid value or to an invalid
// one. Where it declines, kong decides alone, so they cannot differ.
func TestFastPathEqualsKongOverATable(t *testing.T) {
	names := envNames(reflect.TypeOf(CLI{}))
	if len(names) < 6 {
		t.Fatalf("only %d variables found: %v", len(names), names)
	}
	// What ScrubEmpty reads at every start is what the CLI's tags name.
	if got, want := slices.Sorted(slices.Values(credline.FlagVariables())), slices.Sorted(slices.Values(names)); !slices.Equal(got, want) {
		t.Fatalf("credline.FlagVariables() = %v, the CLI's flags read %v", got, want)
	}
	values := map[string][2]string{ // valid, invalid
		"STSCRED_MFA_TOKEN": {"123456", ""}, "STSCRED_PROMPT": {"tty", "sometimes"},
		"STSCRED_MIN_REMAINING": {"20m", "soon"}, "STSCRED_LOCK_TIMEOUT": {"1m", "-"},
		"STSCRED_BACKEND": {"file", "cloud"}, "STSCRED_STS_TIMEOUT": {"3s", "x"},
		"STSCRED_SESSION_DURATION": {"2h", "long"},
	}
	argsTable := [][]string{
		{"role", "prod-admin"}, {"session", "alice"}, {"export", "prod"},
		{"role", "name with spaces"}, {"role", "prod-admin", "--duration", "1h"},
		{"session", "alice", "--duration", "2h"}, {"--prompt", "none", "role", "x"},
		{"role"}, {"export"},
	}
	ok, declined := 0, 0
	for _, args := range argsTable {
		for _, name := range names {
			for _, val := range []*string{nil, ptr(""), ptr(values[name][0]), ptr(values[name][1])} {
				env := map[string]string{}
				if val != nil {
					env[name] = *val
				}
				credline.ScrubEmpty(func(k string) (string, bool) { v, ok := env[k]; return v, ok },
					func(k string) error { delete(env, k); return nil })
				cmd, g, fast := credline.Fast(args, func(k string) string { return env[k] })
				if !fast {
					declined++
					continue
				}
				ok++
				kcmd, kg, err := kongParseEnv(t, args, names, env)
				if err != nil {
					t.Fatalf("%v %v: the fast path ran what kong refuses: %v", args, env, err)
				}
				if !reflect.DeepEqual(cmd, kcmd) || !reflect.DeepEqual(*g, kg) {
					t.Errorf("%v %v:\nfast %+v %+v\nkong %+v %+v", args, env, cmd, *g, kcmd, kg)
				}
			}
		}
	}
	if ok == 0 || declined == 0 {
		t.Fatalf("the table exercised nothing: %d fast, %d declined", ok, declined)
	}
	t.Logf("%d inputs taken by the fast path (equal to kong's), %d left to kong", ok, declined)
}

func ptr(s string) *string { return &s }

// kongParseEnv parses args with kong with exactly env set among names.
func kongParseEnv(t *testing.T, args, names []string, env map[string]string) (any, credline.Globals, error) {
	t.Helper()
	for _, n := range names {
		if v, ok := env[n]; ok {
			t.Setenv(n, v)
		} else {
			t.Setenv(n, "")
			os.Unsetenv(n)
		}
	}
	var cli credentialCLI
	p, err := kong.New(&cli, kong.Writers(io.Discard, io.Discard), kong.Vars{"version": "x"})
	if err != nil {
		t.Fatal(err)
	}
	kctx, err := p.Parse(args)
	if err != nil {
		return nil, credline.Globals{}, err
	}
	switch kctx.Command() {
	case "role <name>":
		return &cli.Role.Role, cli.Globals, nil
	case "session <name>":
		return &cli.Session.Session, cli.Globals, nil
	case "export <profile>":
		return &cli.Export.Export, cli.Globals, nil
	}
	return nil, credline.Globals{}, fmt.Errorf("kong chose %q", kctx.Command())
}

// `STSCRED_PROMPT=` exported (set but empty) is the default for every
// shape of call, fast or not (it used to run `role x` and refuse
// `role x --duration 1h`).
func TestSetButEmptyVariableIsTheDefault(t *testing.T) {
	t.Setenv("STSCRED_PROMPT", "")
	credline.ScrubEmpty(os.LookupEnv, os.Unsetenv)
	if _, set := os.LookupEnv("STSCRED_PROMPT"); set {
		t.Fatal("not scrubbed")
	}
	for _, args := range [][]string{{"role", "x"}, {"role", "x", "--duration", "1h"}} {
		env, _, stderr := testEnv(t, "")
		if code := runFake(args, env); code == 2 {
			t.Errorf("%v: usage error: %s", args, stderr)
		}
	}
}

// envNames lists the environment variables the flags of v (a command line
// struct, walked with its commands and embedded structs) read.
func envNames(v reflect.Type) []string {
	var out []string
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		for _, name := range strings.Split(f.Tag.Get("env"), ",") {
			if name != "" {
				out = append(out, name)
			}
		}
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Duration(0)) {
			out = append(out, envNames(f.Type)...)
		}
	}
	return out
}

// credline.Commands() is every command word of the CLI: a
// credential_process line running another command parses as one.
func TestCredlineKnowsEveryCommand(t *testing.T) {
	var cli CLI
	parser, err := kong.New(&cli, kong.Vars{"version": "x"})
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, n := range parser.Model.Children {
		words = append(words, n.Name)
	}
	if got, want := slices.Sorted(slices.Values(credline.Commands())), slices.Sorted(slices.Values(words)); !slices.Equal(got, want) {
		t.Fatalf("credline.Commands() = %v, the CLI's commands are %v", got, want)
	}
}

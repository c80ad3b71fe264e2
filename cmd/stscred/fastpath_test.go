package main

import (
	"io"
	"reflect"
	"testing"

	"github.com/alecthomas/kong"
)

// kongParse parses args with kong, as run does without the fast path.
func kongParse(t *testing.T, args []string, env map[string]string) (any, Globals) {
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
		return &cli.Role, cli.Globals
	case "session <name>":
		return &cli.Session, cli.Globals
	}
	t.Fatalf("kong chose %q", kctx.Command())
	return nil, Globals{}
}

// Where the fast path answers, its result is exactly kong's.
func TestFastParseMatchesKong(t *testing.T) {
	for _, args := range [][]string{
		{"role", "prod-admin"},
		{"session", "alice"},
		{"role", "name with spaces"},
	} {
		cmd, g, ok := fastParse(args, func(string) string { return "" })
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
		if _, _, ok := fastParse(args, none); ok {
			t.Errorf("%v: fast path must decline", args)
		}
	}
	// Any variable these commands read sends the call to kong.
	for _, v := range []string{"STSCRED_MFA_TOKEN", "STSCRED_PROMPT", "STSCRED_MIN_REMAINING", "STSCRED_LOCK_TIMEOUT"} {
		env := func(k string) string {
			if k == v {
				return "x"
			}
			return ""
		}
		if _, _, ok := fastParse([]string{"role", "prod-admin"}, env); ok {
			t.Errorf("%s set: fast path must decline", v)
		}
	}
	if _, _, ok := fastParse([]string{"session", "alice"}, func(k string) string {
		if k == "STSCRED_SESSION_DURATION" {
			return "1h"
		}
		return ""
	}); ok {
		t.Error("STSCRED_SESSION_DURATION set: fast path must decline")
	}
}

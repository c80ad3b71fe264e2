package main

import (
	"slices"
	"testing"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// A cache hit does only a hit's work: it reads the config, the cache entry
// and its key, and prints. Nothing that asks for MFA, signs in to IAM
// Identity Center, reads an identity token, starts a child or talks to
// the network is built, whichever way the call is read (the fast path, or
// kong for a call with a flag).
func TestCacheHitBuildsOnlyWhatAHitNeeds(t *testing.T) {
	l := newLive(t, ststest.Options{}, "")
	if code := l.run("--mfa-token", l.code(), "role", "prod-admin"); code != 0 {
		t.Fatalf("first call: exit %d\n%s", code, l.stderr)
	}
	// What a hit may build (the keystore and the cache are the test's own
	// here, set before the run).
	allowed := []string{"config", "profile model", "resolver", "tools"}
	for _, args := range [][]string{
		{"role", "prod-admin"},                     // the fast path
		{"role", "prod-admin", "--duration", "1h"}, // kong's
		{"session", "alice"},
		{"export", "prod"},
		{"export", "--format", "json", "prod"},
	} {
		calls := l.srv.Calls(ststest.AnyAction)
		s := l.env.services()
		l.stdout.Reset()
		l.stderr.Reset()
		if code := run(args, l.env.Process, s); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, l.stderr)
		}
		if l.srv.Calls(ststest.AnyAction) != calls {
			t.Fatalf("%v: STS was called on a cache hit", args)
		}
		built := s.Built()
		for _, b := range built {
			if !slices.Contains(allowed, b) {
				t.Errorf("%v: a cache hit built %q (built: %v)", args, b, built)
			}
		}
		if !slices.Contains(built, "config") {
			t.Errorf("%v: the hit did not read the config? built: %v", args, built)
		}
	}
}

// Each service is built once per run, however often the run asks for it.
func TestServicesAreBuiltOnce(t *testing.T) {
	env, _, _ := testEnv(t, cfg)
	s := app.NewServices(env.Process)
	for range 3 {
		if _, err := s.Tools(); err != nil {
			t.Fatal(err)
		}
		s.Runner().Env()
		s.Keys()
		if _, err := s.Resolver(); err != nil {
			t.Fatal(err)
		}
	}
	built := s.Built()
	for _, b := range built {
		if n := countOf(built, b); n != 1 {
			t.Errorf("%q built %d times: %v", b, n, built)
		}
	}
	for _, want := range []string{"config", "profile model", "tools", "resolver", "runner", "keystore", "session cache"} {
		if !slices.Contains(built, want) {
			t.Errorf("%q not built: %v", want, built)
		}
	}
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

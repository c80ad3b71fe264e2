package app_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/session/mfa"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/keystore"
)

// Services build what is asked for, on first use, once, in the order
// asked; Built is a copy.
func TestServicesBuiltInOrder(t *testing.T) {
	e := newEnv(t, liveConfig)
	s := app.NewServices(e.p)
	if b := s.Built(); len(b) != 0 {
		t.Fatalf("built before use: %v", b)
	}
	s.Settings() // read from the environment, nothing built
	if b := s.Built(); len(b) != 0 {
		t.Fatalf("Settings built %v", b)
	}
	for range 2 {
		if _, err := s.Model(); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.Built(); !slices.Equal(got, []string{"config", "profile model"}) {
		t.Fatalf("built %v", got)
	}
	// The cache takes its data key from the keystore: both are built,
	// the keystore a handle that has asked no backend anything.
	c1, err := s.Cache()
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := s.Cache()
	if c1 != c2 || c1.Dir() != e.vars["STSCRED_CACHE_DIR"] {
		t.Errorf("cache %p %p in %s", c1, c2, c1.Dir())
	}
	want := []string{"config", "profile model", "session cache", "keystore"}
	if got := s.Built(); !slices.Equal(got, want) {
		t.Fatalf("built %v, want %v", got, want)
	}
	if _, ok := s.Keys().(*keystore.Lazy); !ok {
		t.Errorf("the keystore is a %T, not a lazy handle", s.Keys())
	}
	b := s.Built()
	b[0] = "changed"
	if s.Built()[0] != "config" {
		t.Error("Built returned the services' own slice")
	}
}

// Services a test sets are used as they are and never built.
func TestServicesTestsOwn(t *testing.T) {
	e := newEnv(t, liveConfig)
	s := e.services()
	cfg, err := awsconfig.Load(e.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	s.ConfigFile = cfg
	if got, _ := s.Config(); got != cfg {
		t.Error("Config is not the file set")
	}
	if s.Keys() != e.keys {
		t.Error("Keys is not the store set")
	}
	if got, _ := s.Cache(); got != e.cache {
		t.Error("Cache is not the cache set")
	}
	if _, err := s.Resolver(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tools(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.IdentityCenter(); err != nil {
		t.Fatal(err)
	}
	want := []string{"resolver", "profile model", "tools", "identity center"}
	if got := s.Built(); !slices.Equal(got, want) {
		t.Errorf("built %v, want %v", got, want)
	}
	r1, _ := s.Resolver()
	r2, _ := s.Resolver()
	i1, _ := s.IdentityCenter()
	i2, _ := s.IdentityCenter()
	if r1 != r2 || i1 != i2 {
		t.Error("a service was made twice")
	}
	if n := len(s.Built()); n != len(want) {
		t.Errorf("built %v", s.Built())
	}
}

// A config file that does not exist is an empty config, not an error.
func TestServicesMissingConfig(t *testing.T) {
	e := newEnv(t, "")
	s := e.services()
	f, err := s.Config()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.ProfileNames()) != 0 || f.Path != e.cfgPath {
		t.Errorf("config %q with %v", f.Path, f.ProfileNames())
	}
	if p, _ := s.ConfigPath(); p != e.cfgPath {
		t.Errorf("ConfigPath %q", p)
	}
	// One that does not parse is an error, and nothing is kept.
	e.write(".aws/config", "region = eu-west-1\n")
	s = e.services()
	if _, err := s.Config(); err == nil {
		t.Fatal("a key before any section parsed")
	}
	if s.ConfigFile != nil || slices.Contains(s.Built(), "config") {
		t.Errorf("a config that did not parse was kept: built %v", s.Built())
	}
}

// Children get the environment without stscred's private variables,
// from one runner, filtered once.
func TestServicesRunner(t *testing.T) {
	e := newEnv(t, "")
	s := e.services()
	env := s.Runner().Env()
	if slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "STSCRED_MFA_TOKEN=") }) {
		t.Errorf("a private variable is passed on: %v", env)
	}
	if !slices.Contains(env, "PATH=/usr/bin:/bin") {
		t.Errorf("PATH is not passed on: %v", env)
	}
	if first, again := s.Runner(), s.Runner(); first != again {
		t.Error("two runners")
	}
	if got := s.Built(); !slices.Equal(got, []string{"runner"}) {
		t.Errorf("built %v", got)
	}
}

// The keystore settings follow the flags: --prompt none forbids asking
// for the file keystore's passphrase (a hook must not), a given one is
// used.
func TestServicesKeySettings(t *testing.T) {
	e := newEnv(t, "")
	e.vars["STSCRED_FILE_DIR"] = e.home + "/keys"
	e.p.Flags.Prompt = mfa.ModeNone
	ks := app.NewServices(e.p).KeySettings()
	if ks.FileDir != e.home+"/keys" || ks.LockTimeout != e.p.Flags.LockTimeout {
		t.Errorf("settings %+v", ks)
	}
	if _, err := ks.Passphrase(false); !errors.Is(err, keystore.ErrNoPassphrase) {
		t.Errorf("--prompt none: %v", err)
	}
	e.vars["STSCRED_FILE_PASSPHRASE"] = "correct horse battery"
	if p, err := app.NewServices(e.p).KeySettings().Passphrase(false); err != nil || p != "correct horse battery" {
		t.Errorf("given passphrase: %q %v", p, err)
	}
}

// A fetch builds what it uses (MFA, an STS client); a cache hit reads the
// config, the cache entry and its key, and builds nothing that prompts,
// signs in or talks to the network.
func TestServicesFetchThenHit(t *testing.T) {
	l := newLive(t, "")
	l.p.Flags.MFAToken = l.code()
	s := l.services()
	if err := app.Export(l.p, s, app.ExportRequest{Profile: "prod", Format: "json"}); err != nil {
		t.Fatalf("export: %v\n%s", err, l.stderr)
	}
	fetch := s.Built()
	for _, want := range []string{"config", "profile model", "tools", "resolver", "mfa", "sts client"} {
		if !slices.Contains(fetch, want) {
			t.Errorf("a fetch did not build %q: %v", want, fetch)
		}
	}
	for _, never := range []string{"identity center", "identity tokens", "keystore", "session cache"} {
		if slices.Contains(fetch, never) {
			t.Errorf("a fetch built %q: %v", never, fetch)
		}
	}
	calls := l.srv.Calls(ststest.AnyAction)
	if calls != 2 {
		t.Errorf("%d STS calls, want GetSessionToken and AssumeRole", calls)
	}

	l.p.Flags.MFAToken = ""
	l.reset()
	s = l.services()
	if err := app.Export(l.p, s, app.ExportRequest{Profile: "prod", Format: "json"}); err != nil {
		t.Fatalf("export from the cache: %v\n%s", err, l.stderr)
	}
	if got := s.Built(); !slices.Equal(got, []string{"config", "profile model", "tools", "resolver"}) {
		t.Errorf("a cache hit built %v", got)
	}
	if l.srv.Calls(ststest.AnyAction) != calls {
		t.Error("a cache hit called STS")
	}
	tools, _ := s.Tools()
	res, err := tools.For(context.Background(), "prod")
	if err != nil || !res.Cached || !res.MFA || res.Region != "eu-west-1" {
		t.Errorf("tools.For: %+v %v", res, err)
	}
}

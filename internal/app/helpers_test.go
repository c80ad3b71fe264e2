package app_test

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/sys/tty"
	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testclock"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/keystore/keystoretest"
)

// syncBuffer is a bytes.Buffer safe for the goroutines that may write
// stderr (a lock waiter, a child's output).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

// t0 is where the clock of an env without STS stands.
var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// env is a Process of fakes (no terminal, a config in a temp HOME, a
// variable map, a clock standing at t0) and the test's own keystore and cache,
// which every Services it makes uses.
type env struct {
	t              *testing.T
	p              *app.Process
	stdout, stderr *syncBuffer
	vars           map[string]string
	home, cfgPath  string
	keys           *keystoretest.Memory
	cache          *cache.Cache
	clock          *testclock.Clock
}

func newEnv(t *testing.T, config string) *env {
	t.Helper()
	home := t.TempDir()
	e := &env{
		t: t, home: home, cfgPath: filepath.Join(home, ".aws", "config"),
		stdout: &syncBuffer{}, stderr: &syncBuffer{},
		keys:  keystoretest.NewMemory(),
		clock: testclock.At(t0),
	}
	e.vars = map[string]string{"HOME": home, "AWS_CONFIG_FILE": e.cfgPath, "STSCRED_CACHE_DIR": filepath.Join(home, "cache")}
	if config != "" {
		e.write(".aws/config", config)
	}
	dataKey := bytes.Repeat([]byte{7}, 32)
	e.cache = cache.New(filepath.Join(home, "cache"), func() ([]byte, error) { return dataKey, nil })
	e.p = &app.Process{
		Stdin: bufio.NewReader(strings.NewReader("")), Stdout: e.stdout, Stderr: e.stderr,
		Getenv:  func(k string) string { return e.vars[k] },
		Environ: func() []string { return []string{"PATH=/usr/bin:/bin", "STSCRED_MFA_TOKEN=123456", "HOME=" + home} },
		Now:     e.clock.Now,
		OpenTTY: func() (tty.TTY, error) { return nil, errors.New("no terminal in tests") },
		LookPath: func(prog string) (string, error) {
			if prog == "stscred" {
				return "/opt/bin/stscred", nil // for doctor's credential_process check
			}
			return "", errors.New("not found")
		},
		PID: 4242, GOOS: "linux", Version: func() string { return "test" },
		Flags: app.Flags{MinRemaining: 15 * time.Minute, LockTimeout: 5 * time.Second, STSTimeout: 10 * time.Second},
	}
	return e
}

// services are the Services of one run over the test's keystore and
// cache; the config is read from AWS_CONFIG_FILE.
func (e *env) services() *app.Services {
	s := app.NewServices(e.p)
	s.KeyStore, s.SessionCache = e.keys, e.cache
	return s
}

// reset empties stdout and stderr.
func (e *env) reset() {
	e.stdout.Reset()
	e.stderr.Reset()
}

func (e *env) write(rel, content string) string {
	e.t.Helper()
	path := filepath.Join(e.home, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return path
}

// stdin makes stdin the given text (not a terminal).
func (e *env) stdin(text string) { e.p.Stdin = bufio.NewReader(strings.NewReader(text)) }

// noSecret fails when any of secrets was printed.
func (e *env) noSecret(secrets ...string) {
	e.t.Helper()
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if strings.Contains(e.stdout.String(), s) || strings.Contains(e.stderr.String(), s) {
			e.t.Fatalf("a secret (%.6s...) was printed:\nstdout: %s\nstderr: %s", s, e.stdout, e.stderr)
		}
	}
}

// liveConfig is the README's setup, alice's MFA device filled in.
const liveConfig = `[profile alice]
region = eu-west-1
mfa_serial = SERIAL

[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin

[profile prod]
credential_process = stscred role prod-admin
region = eu-west-1
`

// live is an env talking to an STS test server (the demo world: alice
// with a key and an MFA device, the Admin role) through
// AWS_ENDPOINT_URL_STS, alice's key stored; server and Process share the
// clock.
type live struct {
	*env
	srv *ststest.Server
	url string
	key ststest.AccessKey
	mfa ststest.MFADevice
}

func newLive(t *testing.T, extraConfig string) *live {
	t.Helper()
	clock := testclock.Wall(0)
	srv := ststest.New(ststest.Options{Now: clock.Now})
	url := srv.Start()
	t.Cleanup(srv.Close)
	world := demo.Setup(srv, demo.Options{AdminMaxSession: time.Hour})
	l := &live{srv: srv, url: url, key: world.Key, mfa: world.MFA}
	l.env = newEnv(t, strings.Replace(liveConfig, "SERIAL", world.MFA.Serial, 1)+extraConfig)
	l.clock = clock
	l.p.Now = clock.Now
	l.vars["AWS_ENDPOINT_URL_STS"] = url
	if err := keystore.PutKey(l.keys, "alice", keystore.Key{AccessKeyID: world.Key.ID, SecretAccessKey: world.Key.Secret, Added: clock.Now().Add(-72 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return l
}

// code is an MFA code the server has not seen used: the clock (the
// server's and the Process's) moves on a step when both codes it takes
// now were used.
func (l *live) code() string {
	l.t.Helper()
	for range 3 {
		if c := l.srv.UnusedCode(l.mfa.Serial); c != "" {
			return c
		}
		l.clock.Advance(30 * time.Second)
	}
	l.t.Fatal("no unused MFA code")
	return ""
}

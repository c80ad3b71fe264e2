//go:build linux && realworld

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testenv"
	"github.com/stscred/stscred/keystore"
)

func TestMain(m *testing.M) { os.Exit(testenv.MainWithSecretService(m)) }

const (
	awsCLI    = "/usr/bin/aws"
	sysPython = "/usr/bin/python3"
	adminRole = demo.AdminRole
	roRole    = demo.ReadOnlyRole
)

// world is one user's machine: a temp HOME with an AWS config, a private
// keyring namespace, and an STS test server that knows the user.
type world struct {
	t       *testing.T
	bin     string // the stscred binary
	binDir  string
	home    string
	tmp     string
	cfg     string
	service string // keyring service: isolates this world's entries
	backend string // "secret-service" or "file"
	srv     *ststest.Server
	url     string
	demo    demo.World
	alice   *ststest.User
	key     ststest.AccessKey
	mfa     ststest.MFADevice

	mu      sync.Mutex
	outputs []string // every stdout seen, to check nothing secret lands on disk
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldWith(t, ststest.Options{})
}

// newWorldWith is newWorld with STS test server options.
func newWorldWith(t *testing.T, opts ststest.Options) *world {
	t.Helper()
	return newWorldOn(t, "secret-service", opts)
}

// filePassphrase is the passphrase of file-backend worlds.
const filePassphrase = "correct horse battery staple"

// newWorldOn makes a world whose keys live in backend: "secret-service"
// (the real gnome-keyring of the test session) or "file" (the file
// keystore, with D-Bus disabled, as on a headless server).
func newWorldOn(t *testing.T, backend string, opts ststest.Options) *world {
	t.Helper()
	if backend == "secret-service" {
		testenv.RequireSecretService(t)
	}
	w := &world{t: t, backend: backend, bin: testenv.Stscred(t), home: t.TempDir(), tmp: t.TempDir()}
	w.binDir = filepath.Dir(w.bin)
	w.cfg = filepath.Join(w.home, ".aws", "config")
	w.service = fmt.Sprintf("stscred-e2e-%d", time.Now().UnixNano())
	w.srv = ststest.New(opts)
	w.url = w.srv.Start()
	t.Cleanup(w.srv.Close)
	w.demo = demo.Setup(w.srv, demo.Options{})
	w.alice, w.key, w.mfa = w.demo.Alice, w.demo.Key, w.demo.MFA
	w.writeConfig(w.standardConfig())
	t.Cleanup(func() {
		// Drop this world's copies of the cache key and the file
		// keystore's identity from the kernel keyrings.
		cache.NewDataKey(nil, w.service, w.cacheDir(), 0, 0).Forget()
		w.fileStore().Forget()
	})
	return w
}

// requireTool finds a program the test needs (a name on PATH or a path);
// away from CI a missing one skips the test with the Debian package to
// install, in CI it fails it.
func requireTool(t *testing.T, tool, debPackage string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	testenv.Require(t, err == nil, tool+" is needed (Debian package "+debPackage+")")
	return path
}

// forBackends runs a test once per keystore backend.
func forBackends(t *testing.T, test func(t *testing.T, w *world)) {
	for _, b := range []string{"secret-service", "file"} {
		t.Run(b, func(t *testing.T) { test(t, newWorldOn(t, b, ststest.Options{})) })
	}
}

func (w *world) fileDir() string { return filepath.Join(w.home, ".local", "share", "stscred") }

func (w *world) fileStore() *keystore.File {
	return keystore.NewFile(w.fileDir(), func(bool) (string, error) { return filePassphrase, nil })
}

func (w *world) cacheDir() string { return filepath.Join(w.home, ".cache", "stscred") }

// standardConfig is DESIGN.md's three-profile example.
func (w *world) standardConfig() string { return w.demo.Config() }

func (w *world) writeConfig(s string) {
	w.t.Helper()
	if err := os.MkdirAll(filepath.Dir(w.cfg), 0o700); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(w.cfg, []byte(s), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// env is a clean environment: nothing of the host's AWS settings leaks in.
func (w *world) env(extra ...string) []string {
	env := []string{
		"PATH=" + w.binDir + ":/usr/local/bin:/usr/bin:/bin",
		"HOME=" + w.home,
		"TMPDIR=" + w.tmp,
		"LANG=C.UTF-8",
		"DBUS_SESSION_BUS_ADDRESS=" + os.Getenv("DBUS_SESSION_BUS_ADDRESS"),
		"AWS_CONFIG_FILE=" + w.cfg,
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(w.home, ".aws", "credentials"),
		"AWS_ENDPOINT_URL_STS=" + w.url,
		"AWS_PAGER=",
		"STSCRED_KEYRING_SERVICE=" + w.service,
		"STSCRED_KEYRING_TIMEOUT=20s",
	}
	if w.backend == "file" {
		env[4] = "DBUS_SESSION_BUS_ADDRESS=disabled:"
		env = append(env, "STSCRED_BACKEND=file", "STSCRED_FILE_PASSPHRASE="+filePassphrase)
	}
	return append(env, extra...)
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
}

// transcript keeps the output of every command a world ran, so that a
// test can check at its end that no secret was ever shown.
type transcript struct {
	mu      sync.Mutex
	results []result
}

// keep adds r to the transcript and returns it.
func (tr *transcript) keep(r result) result {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.results = append(tr.results, r)
	return r
}

// kept is everything kept so far.
func (tr *transcript) kept() []result {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return slices.Clone(tr.results)
}

// run runs a command in the world and records its output.
func (w *world) run(stdin string, env []string, name string, args ...string) result {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Dir = w.home
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	// A new session: no controlling terminal, as under CI or an IDE.
	cmd.SysProcAttr = noTTY()
	err := cmd.Run()
	res := result{stdout: out.String(), stderr: errb.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			w.t.Fatalf("running %s: %v", name, err)
		}
		res.code = ee.ExitCode()
	}
	w.mu.Lock()
	w.outputs = append(w.outputs, res.stdout)
	w.mu.Unlock()
	return res
}

func (w *world) stscred(args ...string) result {
	w.t.Helper()
	return w.run("", w.env(), w.bin, args...)
}

func (w *world) stscredEnv(env []string, args ...string) result {
	w.t.Helper()
	return w.run("", w.env(env...), w.bin, args...)
}

func (w *world) aws(env []string, args ...string) result {
	w.t.Helper()
	requireTool(w.t, awsCLI, "awscli")
	return w.run("", w.env(env...), awsCLI, append(args, "--endpoint-url", w.url)...)
}

// addAlice stores alice's key the non-interactive way: two lines on stdin.
func (w *world) addAlice() {
	w.t.Helper()
	res := w.run(w.key.ID+"\n"+w.key.Secret+"\n", w.env(), w.bin, "add", "alice")
	if res.code != 0 {
		w.t.Fatalf("stscred add alice: %s", res)
	}
}

// code returns an MFA code the server has not accepted yet, at once: when
// the current and next codes were both used, the device's clock moves on
// to its next code (ststest's FreshCode) instead of the test waiting for
// the next 30-second step.
func (w *world) code() string { return w.srv.FreshCode(w.mfa.Serial) }

// storedKey reads a profile's entry: with secret-tool for the Secret
// Service (a client independent of stscred, so the check does not trust
// stscred's own reading), with the keystore package for the file backend.
func (w *world) storedKey(profile string) string {
	w.t.Helper()
	if w.backend == "file" {
		s, err := w.fileStore().Get(keystore.KeyName(profile))
		if err != nil {
			return ""
		}
		return s
	}
	out, err := exec.Command("secret-tool", "lookup", "service", w.service, "username", "v1:key:"+profile).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

func (w *world) counts() (gst, ar, gci int) {
	return w.srv.Calls("GetSessionToken"), w.srv.Calls("AssumeRole"), w.srv.Calls("GetCallerIdentity")
}

// decode parses credential_process output, failing the test on anything
// else on stdout.
func (w *world) decode(res result) creds.Credentials {
	w.t.Helper()
	if res.code != 0 {
		w.t.Fatalf("stscred failed: %s", res)
	}
	c, err := creds.DecodeProcess([]byte(res.stdout))
	if err != nil || strings.Count(res.stdout, "\n") != 1 {
		w.t.Fatalf("stdout is not exactly one credential_process document: %v\n%s", err, res.stdout)
	}
	var doc struct{ Expiration string }
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil || !strings.HasSuffix(doc.Expiration, "Z") {
		w.t.Fatalf("Expiration must be RFC 3339 with Z: %q", doc.Expiration)
	}
	return c
}

// secrets are the values that must never be found on disk.
func (w *world) secrets() []string {
	s := []string{w.key.Secret}
	for _, sess := range w.srv.Sessions() {
		s = append(s, sess.SecretAccessKey, sess.SessionToken)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, out := range w.outputs {
		if c, err := creds.DecodeProcess([]byte(out)); err == nil {
			s = append(s, c.SecretAccessKey, c.SessionToken)
		}
	}
	return s
}

// assertNoPlaintext fails if any file under dirs holds a secret.
func (w *world) assertNoPlaintext(dirs ...string) {
	w.t.Helper()
	secrets := w.secrets()
	if len(secrets) < 3 {
		w.t.Fatalf("only %d secrets to look for: the test did not exercise anything", len(secrets))
	}
	for _, path := range w.filesHolding(dirs, secrets, "the cache is not where the test looks") {
		w.t.Errorf("%s contains a secret in the clear", path)
	}
}

// filesHolding lists the files under dirs that hold one of needles; it
// fails the test when there is no file at all to look in (why says what
// that means).
func (w *world) filesHolding(dirs, needles []string, why string) []string {
	w.t.Helper()
	var hits []string
	files := 0
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				// Directories, and what reading could block on or leave
				// the tree through: FIFOs (fish's universal-variable
				// notifier), sockets, devices, symlinks.
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil
			}
			files++
			for _, n := range needles {
				if n != "" && bytes.Contains(b, []byte(n)) {
					hits = append(hits, path)
					break
				}
			}
			return nil
		})
	}
	if files == 0 {
		w.t.Fatal("no files were written at all: " + why)
	}
	return hits
}

// assertCleanFailure checks the contract for bad input: non-zero exit,
// empty stdout, an error and a hint on stderr, no secret anywhere.
func (w *world) assertCleanFailure(res result, wantInErr string) {
	w.t.Helper()
	if res.code == 0 {
		w.t.Fatalf("want failure, got success: %s", res)
	}
	if res.stdout != "" {
		w.t.Fatalf("stdout must be empty on failure: %q", res.stdout)
	}
	if !strings.Contains(res.stderr, "stscred: error: ") || !strings.Contains(res.stderr, "stscred: hint: ") {
		w.t.Fatalf("stderr lacks error/hint lines: %s", res.stderr)
	}
	if !strings.Contains(res.stderr, wantInErr) {
		w.t.Fatalf("stderr does not say %q: %s", wantInErr, res.stderr)
	}
	for _, s := range w.secrets() {
		if s != "" && strings.Contains(res.stderr, s) {
			w.t.Fatalf("stderr leaks a secret: %s", res.stderr)
		}
	}
}

func ststestRole(arn string) ststest.Role {
	return ststest.Role{ARN: arn, MaxSessionDuration: 12 * time.Hour}
}

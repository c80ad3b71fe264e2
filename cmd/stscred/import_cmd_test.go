package main

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/keystore/keystoretest"
)

// importWorld is an in-process Env with a memory keystore, talking to an
// STS test server, with a credentials file.
type importWorld struct {
	env            *fakeEnv
	stdout, stderr *strings.Builder
	srv            *ststest.Server
	url            string
	alice          ststest.AccessKey
	mfa            ststest.MFADevice
	vars           map[string]string
	dir, cred, cfg string
}

const importConfig = `[profile alice]
region = eu-west-1
mfa_serial = SERIAL
credential_process = stscred session alice

[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin

[profile prod]
credential_process = stscred role prod-admin
`

func newImportWorld(t *testing.T, config string) *importWorld {
	t.Helper()
	w := &importWorld{srv: ststest.New(ststest.Options{}), vars: map[string]string{}}
	w.url = w.srv.Start()
	t.Cleanup(w.srv.Close)
	world := demo.Setup(w.srv, demo.Options{AdminMaxSession: time.Hour})
	w.alice, w.mfa = world.Key, world.MFA
	env, _, _ := testEnv(t, strings.ReplaceAll(config, "SERIAL", w.mfa.Serial))
	w.env = env
	w.stdout, w.stderr = &strings.Builder{}, &strings.Builder{}
	env.Stdout, env.Stderr = w.stdout, w.stderr
	w.dir = t.TempDir()
	w.cred = filepath.Join(w.dir, "credentials")
	w.cfg = env.Getenv("AWS_CONFIG_FILE")
	base := env.Getenv
	w.vars["AWS_ENDPOINT_URL_STS"] = w.url
	w.vars["AWS_SHARED_CREDENTIALS_FILE"] = w.cred
	env.Getenv = func(k string) string {
		if v, ok := w.vars[k]; ok {
			return v
		}
		return base(k)
	}
	return w
}

func (w *importWorld) run(t *testing.T, stdin string, args ...string) int {
	t.Helper()
	w.stdout.Reset()
	w.stderr.Reset()
	w.env.Stdin = bufio.NewReader(strings.NewReader(stdin))
	code := runFake(args, w.env)
	if strings.Contains(w.stdout.String()+w.stderr.String(), w.alice.Secret) {
		t.Fatalf("stscred %v printed a secret", args)
	}
	return code
}

// code is an MFA code the server has not accepted yet, at once (the
// device's clock moves to its next code when needed).
func (w *importWorld) code() string { return w.srv.FreshCode(w.mfa.Serial) }

// A profile whose credential_process is `stscred session NAME` for itself
// (what stscred import writes) is a key-holding profile for stscred:
// session, roles with it as source_profile (named and inline), list,
// export and add all treat it as the IAM user's profile.
func TestSelfCallProfileIsARoot(t *testing.T) {
	w := newImportWorld(t, importConfig+"\n[profile other]\ncredential_process = stscred session alice\n")
	if code := w.run(t, w.alice.ID+"\n"+w.alice.Secret+"\n", "add", "alice"); code != 0 {
		t.Fatalf("add alice: %s", w.stderr)
	}
	if !strings.Contains(w.stdout.String(), "stored access key") || strings.Contains(w.stdout.String(), "has no [profile alice]") {
		t.Fatalf("add: %s", w.stdout)
	}
	if code := w.run(t, "", "--mfa-token", w.code(), "session", "alice"); code != 0 {
		t.Fatalf("session alice: %s", w.stderr)
	}
	if _, err := creds.DecodeProcess([]byte(w.stdout.String())); err != nil {
		t.Fatalf("session alice: %v %q", err, w.stdout)
	}
	if code := w.run(t, "", "--mfa-token", w.code(), "role", "prod-admin"); code != 0 {
		t.Fatalf("role prod-admin (source_profile = alice): %s", w.stderr)
	}
	if code := w.run(t, "", "role", "--role-arn", "arn:aws:iam::222222222222:role/Admin", "--source", "alice"); code != 0 {
		t.Fatalf("role --source alice: %s", w.stderr)
	}
	if code := w.run(t, "", "export", "alice"); code != 0 || !strings.Contains(w.stdout.String(), "AWS_SESSION_TOKEN") {
		t.Fatalf("export alice: %s %s", w.stdout, w.stderr)
	}
	if code := w.run(t, "", "list"); code != 0 {
		t.Fatalf("list: %s", w.stderr)
	}
	list := w.stdout.String()
	rows := map[string][]string{}
	for _, line := range strings.Split(list, "\n") {
		if f := strings.Fields(line); len(f) >= 3 {
			rows[f[0]] = f[1:]
		}
	}
	if r := rows["alice"]; r[0] != "user" || r[1] != keystore.MaskID(w.alice.ID) {
		t.Fatalf("list shows alice as %v:\n%s", r, list)
	}
	if r := rows["other"]; r[0] != "tool" {
		t.Fatalf("list shows other as %v:\n%s", r, list)
	}
	// `stscred role alice` points at the session, not at a tool profile.
	if code := w.run(t, "", "role", "alice"); code != 1 || !strings.Contains(w.stderr.String(), "stscred session alice") || strings.Contains(w.stderr.String(), "it is a profile tools use") {
		t.Fatalf("role alice: %s", w.stderr)
	}
	// A credential_process that calls stscred for another profile is still
	// a tool profile.
	if code := w.run(t, "", "session", "other"); code != 1 || !strings.Contains(w.stderr.String(), "gets its credentials from credential_process") {
		t.Fatalf("session other: %d %s", code, w.stderr)
	}
}

const importCreds = "[default]\n# kept\naws_access_key_id = ALICEID\naws_secret_access_key = ALICESECRET\n\n[ghost]\naws_access_key_id = AKIAGHOSTGHOSTGHOST1\naws_secret_access_key = ghostsecret\n"

func (w *importWorld) writeCreds(t *testing.T) string {
	t.Helper()
	text := strings.NewReplacer("ALICEID", w.alice.ID, "ALICESECRET", w.alice.Secret).Replace(importCreds)
	if err := os.WriteFile(w.cred, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return text
}

func TestImportInProcess(t *testing.T) {
	w := newImportWorld(t, importConfig)
	orig := w.writeCreds(t)
	if code := w.run(t, "", "import"); code != 0 {
		t.Fatalf("import: %s", w.stderr)
	}
	out := w.stdout.String()
	t.Log(out)
	for _, want := range []string{
		"import default: access key " + keystore.MaskID(w.alice.ID) + " (arn:aws:iam::111111111111:user/alice)",
		"left ghost in the file: STS does not know the access key AKIA…OST1",
		"hint: check the key id",
		": added [default] with credential_process = stscred session default",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if k, err := keystore.GetKey(w.env.KeyStore, "default"); err != nil || k.SecretAccessKey != w.alice.Secret {
		t.Fatalf("stored: %v", err)
	}
	b, _ := os.ReadFile(w.cred)
	if string(b) != "[default]\n# kept\n\n[ghost]\naws_access_key_id = AKIAGHOSTGHOSTGHOST1\naws_secret_access_key = ghostsecret\n" {
		t.Fatalf("credentials: %q", b)
	}
	matches, _ := filepath.Glob(w.cred + ".stscred-backup-*")
	if len(matches) != 1 {
		t.Fatalf("backups: %v", matches)
	}
	if b, _ := os.ReadFile(matches[0]); string(b) != orig {
		t.Fatal("backup differs")
	}
	// default now runs stscred for itself: a root for stscred too. (A new
	// process reads the config again.)
	w.env.ConfigFile = nil
	if code := w.run(t, "", "session", "default"); code != 0 {
		t.Fatalf("session default: %s", w.stderr)
	}
}

// Verification uses each profile's own STS endpoint when the environment
// does not set one.
func TestImportUsesTheProfilesEndpoint(t *testing.T) {
	other := ststest.New(ststest.Options{})
	otherURL := other.Start()
	t.Cleanup(other.Close)
	w := newImportWorld(t, "")
	other.AddUser("333333333333", "alice").ImportAccessKey(w.alice)
	delete(w.vars, "AWS_ENDPOINT_URL_STS")
	cfg := "[default]\nendpoint_url = " + otherURL + "\n[profile ghost]\nendpoint_url = " + w.url + "\n"
	if err := os.WriteFile(w.cfg, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	w.writeCreds(t)
	if code := w.run(t, "", "import"); code != 0 {
		t.Fatalf("import: %s", w.stderr)
	}
	if !strings.Contains(w.stdout.String(), "(arn:aws:iam::333333333333:user/alice)") {
		t.Fatalf("default was not verified at its endpoint:\n%s", w.stdout)
	}
	if other.Calls("GetCallerIdentity") != 1 || w.srv.Calls("GetCallerIdentity") != 1 {
		t.Fatalf("calls: %d at default's endpoint, %d at ghost's", other.Calls("GetCallerIdentity"), w.srv.Calls("GetCallerIdentity"))
	}
}

// STS unreachable, or a keystore that fails: a clear error, nothing on
// stdout, no change.
func TestImportFailuresInProcess(t *testing.T) {
	t.Run("unreachable", func(t *testing.T) {
		w := newImportWorld(t, importConfig)
		orig := w.writeCreds(t)
		w.vars["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:1"
		if code := w.run(t, "", "import"); code != 1 || w.stdout.Len() != 0 {
			t.Fatalf("exit %d stdout %q", code, w.stdout)
		}
		errText := w.stderr.String()
		if !strings.Contains(errText, "stscred: error: could not verify the key of profile default, so nothing was changed: cannot reach STS") ||
			!strings.Contains(errText, "stscred: hint: check the network") {
			t.Fatalf("stderr: %s", errText)
		}
		assertUnchanged(t, w, orig)
	})
	t.Run("keystore fails", func(t *testing.T) {
		w := newImportWorld(t, importConfig)
		orig := w.writeCreds(t)
		w.env.KeyStore = &brokenSetStore{Memory: keystoretest.NewMemory()}
		if code := w.run(t, "", "import"); code != 1 || w.stdout.Len() != 0 {
			t.Fatalf("exit %d stdout %q", code, w.stdout)
		}
		if !strings.Contains(w.stderr.String(), "could not store the key of profile default") || !strings.Contains(w.stderr.String(), "stscred: hint: ") {
			t.Fatalf("stderr: %s", w.stderr)
		}
		assertUnchanged(t, w, orig)
	})
	t.Run("--from a missing file", func(t *testing.T) {
		w := newImportWorld(t, importConfig)
		if code := w.run(t, "", "import", "--from", filepath.Join(w.dir, "nope")); code != 1 || !strings.Contains(w.stderr.String(), "--from: there is no") {
			t.Fatalf("exit %d: %s", code, w.stderr)
		}
	})
}

type brokenSetStore struct{ *keystoretest.Memory }

func (s *brokenSetStore) Set(string, string) error { return errors.New("no space left on device") }

func assertUnchanged(t *testing.T, w *importWorld, orig string) {
	t.Helper()
	if b, _ := os.ReadFile(w.cred); string(b) != orig {
		t.Fatal("the credentials file changed")
	}
	if b, _ := os.ReadFile(w.cfg); !strings.Contains(string(b), "[profile alice]") || strings.Contains(string(b), "stscred import") {
		t.Fatal("the config changed")
	}
	if m, _ := filepath.Glob(w.cred + ".stscred-backup-*"); len(m) != 0 {
		t.Fatalf("backup left: %v", m)
	}
	if _, err := keystore.GetKey(w.env.KeyStore, "default"); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("a key is stored: %v", err)
	}
}

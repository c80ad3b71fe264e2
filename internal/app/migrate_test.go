package app_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/keystore"
)

const migratePassphrase = "correct horse battery staple"

// cheapFileStore makes an empty file keystore in dir whose identity is
// wrapped with a scrypt work factor a test can afford (stscred opens a
// store with the factor its file names); the session keyring's copy of
// the identity is dropped when the test ends.
func cheapFileStore(t *testing.T, dir string) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.NewScryptRecipient(migratePassphrase)
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(10)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(id.String())); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "identity.age"), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(keystore.NewFile(dir, nil).Forget)
}

// migrate --to file moves every entry (keys, an interrupted rotation's
// key, the index, the cache's data key) from the store in use into the
// file keystore, read back before the source loses them.
func TestMigrateToFile(t *testing.T) {
	e := newEnv(t, listConfig)
	dir := filepath.Join(e.home, "keys")
	cheapFileStore(t, dir)
	e.vars["STSCRED_FILE_DIR"] = dir
	e.vars["STSCRED_FILE_PASSPHRASE"] = migratePassphrase
	e.vars["STSCRED_FILE_SESSION_TTL"] = "1m"
	if err := keystore.PutKey(e.keys, "alice", keystore.Key{AccessKeyID: listKeyID, SecretAccessKey: listSecret}); err != nil {
		t.Fatal(err)
	}
	if err := keystore.PutKey(e.keys, "bob", keystore.Key{AccessKeyID: "AKIAEXAMPLEBOB000001", SecretAccessKey: "bobSecretbobSecretbobSecretbobSecret0001"}); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{"v1:pending-key:alice": `{"AccessKeyId":"AKIANEWKEY0000000002"}`, keystore.DataKeyName: "data-key"} {
		if err := e.keys.Set(name, v); err != nil {
			t.Fatal(err)
		}
	}
	before := map[string]string{}
	for _, n := range []string{keystore.KeyName("alice"), keystore.KeyName("bob"), "v1:pending-key:alice", keystore.DataKeyName, keystore.IndexName} {
		v, err := e.keys.Get(n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		before[n] = v
	}

	if err := app.Migrate(e.p, e.services(), "file"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, e.stderr)
	}
	if e.stdout.String() != "stscred: moved 2 keys from the memory backend to the file backend\n" || e.stderr.String() != "" {
		t.Errorf("stdout %q\nstderr %q", e.stdout, e.stderr)
	}
	if e.keys.Len() != 0 {
		t.Errorf("%d entries left in the memory store", e.keys.Len())
	}
	to := keystore.NewFile(dir, func(bool) (string, error) { return migratePassphrase, nil })
	for n, v := range before {
		if got, err := to.Get(n); err != nil || got != v {
			t.Errorf("%s in the file keystore: %q %v", n, got, err)
		}
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "keys.age"))
	if len(raw) == 0 || bytes.Contains(raw, []byte(listSecret)) {
		t.Error("keys.age is missing or holds a secret in the clear")
	}
	e.noSecret(listSecret)
}

// Moving to the backend the keys are in is refused with the way to the
// other one; nothing is touched.
func TestMigrateSameBackend(t *testing.T) {
	e := newEnv(t, listConfig)
	dir := filepath.Join(e.home, "keys")
	s := e.services()
	s.KeyStore = keystore.NewFile(dir, func(bool) (string, error) { return "", errors.New("must not be asked") })
	err := app.Migrate(e.p, s, "file")
	if err == nil || err.Error() != "the keys are already in the file backend" {
		t.Fatalf("migrate: %v", err)
	}
	if _, statErr := os.Stat(dir); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("the store was touched: %v", statErr)
	}
	if e.stdout.String() != "" {
		t.Errorf("stdout %q", e.stdout)
	}
}

// A destination that fails (here: a wrong passphrase for the file
// keystore there) moves nothing: the keys stay where they were.
func TestMigrateFailureMovesNothing(t *testing.T) {
	e := newEnv(t, listConfig)
	dir := filepath.Join(e.home, "keys")
	cheapFileStore(t, dir)
	e.vars["STSCRED_FILE_DIR"] = dir
	e.vars["STSCRED_FILE_PASSPHRASE"] = "not the passphrase at all"
	if err := keystore.PutKey(e.keys, "alice", keystore.Key{AccessKeyID: listKeyID, SecretAccessKey: listSecret}); err != nil {
		t.Fatal(err)
	}
	n := e.keys.Len()
	err := app.Migrate(e.p, e.services(), "file")
	if err == nil || !errors.Is(err, keystore.ErrWrongPassphrase) || !strings.Contains(err.Error(), "nothing was moved") {
		t.Fatalf("migrate: %v", err)
	}
	if e.keys.Len() != n {
		t.Errorf("%d entries left, had %d", e.keys.Len(), n)
	}
	if k, err := keystore.GetKey(e.keys, "alice"); err != nil || k.SecretAccessKey != listSecret {
		t.Errorf("alice's key: %v", err)
	}
	if e.stdout.String() != "" {
		t.Errorf("stdout %q", e.stdout)
	}
}

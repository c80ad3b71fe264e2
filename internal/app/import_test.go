package app_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/keystore"
)

// importLive is a live env with alice's key in the shared credentials
// file (not yet in the keystore) beside a key STS does not know.
func importLive(t *testing.T) (*live, string, string) {
	t.Helper()
	l := newLive(t, "")
	if err := keystore.DeleteKey(l.keys, "alice"); err != nil {
		t.Fatal(err)
	}
	const unknownSecret = "UnknownSecretUnknownSecretUnknownSecret1"
	cred := l.write(".aws/credentials", "[alice]\naws_access_key_id = "+l.key.ID+"\naws_secret_access_key = "+l.key.Secret+"\n\n"+
		"[stale]\naws_access_key_id = AKIAUNKNOWNKEY000001\naws_secret_access_key = "+unknownSecret+"\n")
	l.vars["AWS_SHARED_CREDENTIALS_FILE"] = cred
	return l, cred, unknownSecret
}

// import verifies each key with STS (at the STS endpoint the
// environment names), stores the good ones, leaves the one STS refuses,
// backs the file up, removes the moved keys from it, points the profile
// at stscred, and remembers the key id for the cache.
func TestImport(t *testing.T) {
	l, cred, unknownSecret := importLive(t)
	before, _ := os.ReadFile(cred)
	if err := app.Import(l.p, l.services(), "", false); err != nil {
		t.Fatalf("import: %v\n%s", err, l.stderr)
	}
	out := l.stdout.String()
	for _, want := range []string{
		"import alice: access key " + keystore.MaskID(l.key.ID) + " (arn:aws:iam::111111111111:user/alice), into the OS keyring (memory)",
		"left stale in the file: ",
		"backup of the original file: ",
		"removed the keys of alice from " + cred,
		"credential_process = stscred session alice",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if k, err := keystore.GetKey(l.keys, "alice"); err != nil || k.SecretAccessKey != l.key.Secret {
		t.Errorf("alice's key: %v", err)
	}
	if _, err := keystore.GetKey(l.keys, "stale"); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("a refused key was stored: %v", err)
	}
	after, _ := os.ReadFile(cred)
	if strings.Contains(string(after), l.key.Secret) || !strings.Contains(string(after), unknownSecret) {
		t.Errorf("credentials file now:\n%s", after)
	}
	backups, _ := filepath.Glob(cred + ".stscred-backup-*")
	if len(backups) != 1 {
		t.Fatalf("backups %v", backups)
	}
	if b, _ := os.ReadFile(backups[0]); string(b) != string(before) {
		t.Error("the backup is not the original file")
	}
	if cfg, _ := os.ReadFile(l.cfgPath); !strings.Contains(string(cfg), "credential_process = stscred session alice") {
		t.Errorf("config:\n%s", cfg)
	}
	if _, err := l.cache.Get(cache.KeyIDKey("alice")); err != nil {
		t.Errorf("the key id is not remembered: %v", err)
	}
	if l.srv.Calls("GetCallerIdentity") != 2 {
		t.Errorf("%d verifications, want 2", l.srv.Calls("GetCallerIdentity"))
	}
	l.noSecret(l.key.Secret, unknownSecret)
}

// --dry-run says what it would do and changes nothing.
func TestImportDryRun(t *testing.T) {
	l, cred, unknownSecret := importLive(t)
	before, _ := os.ReadFile(cred)
	cfgBefore, _ := os.ReadFile(l.cfgPath)
	entries := l.keys.Len()
	if err := app.Import(l.p, l.services(), "", true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l.stdout.String(), "would import alice: access key ") || !strings.Contains(l.stdout.String(), "would back up "+cred) {
		t.Errorf("stdout:\n%s", l.stdout)
	}
	after, _ := os.ReadFile(cred)
	cfgAfter, _ := os.ReadFile(l.cfgPath)
	if string(after) != string(before) || string(cfgAfter) != string(cfgBefore) {
		t.Error("a dry run changed a file")
	}
	if l.keys.Len() != entries {
		t.Errorf("a dry run stored: %d entries, was %d", l.keys.Len(), entries)
	}
	if _, err := l.cache.Get(cache.KeyIDKey("alice")); !errors.Is(err, cache.ErrMiss) {
		t.Errorf("a dry run remembered a key id: %v", err)
	}
	l.noSecret(l.key.Secret, unknownSecret)
}

// STS unreachable: nothing is moved, and the hint says where to look.
func TestImportUnreachable(t *testing.T) {
	l, cred, _ := importLive(t)
	before, _ := os.ReadFile(cred)
	entries := l.keys.Len()
	l.srv.Close()
	err := app.Import(l.p, l.services(), "", false)
	if err == nil || !strings.Contains(strings.Join(hint.Of(err), "\n"), "check the network and the STS endpoint") {
		t.Fatalf("import: %v", err)
	}
	if after, _ := os.ReadFile(cred); string(after) != string(before) || l.keys.Len() != entries {
		t.Error("something was moved")
	}
}

// --from a file that is not there is a mistake, said with the flag.
func TestImportFromMissing(t *testing.T) {
	l, _, _ := importLive(t)
	missing := filepath.Join(l.home, "nope")
	err := app.Import(l.p, l.services(), missing, false)
	if err == nil || err.Error() != "--from: there is no "+missing || !strings.Contains(strings.Join(hint.Of(err), ""), "--from ~/.aws/credentials") {
		t.Errorf("import --from: %v", err)
	}
	// Without --from, no credentials file is nothing to import.
	l.vars["AWS_SHARED_CREDENTIALS_FILE"] = missing
	if err := app.Import(l.p, l.services(), "", false); err != nil || !strings.Contains(l.stdout.String(), "nothing to import: there is no "+missing) {
		t.Errorf("no file: %v %q", err, l.stdout)
	}
}

//go:build linux && realworld

package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/keystore"
)

// withoutVar drops name from env.
func withoutVar(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// On a machine without a Secret Service the file keystore asks for its
// passphrase on the terminal: twice when it is made, then once per login
// session, however many stscred processes run. A wrong passphrase is a
// clear error and changes nothing.
func TestFileBackendPassphrasePerSession(t *testing.T) {
	w := newWorldOn(t, "file", ststest.Options{})
	env := withoutVar(w.env(), "STSCRED_FILE_PASSPHRASE")
	const prompt = "stscred: passphrase for the file keystore"

	add := startPTY(t, env, w.bin, "add", "alice")
	add.expect("Access key ID for alice: ", 1)
	add.typeLine(w.key.ID)
	add.expect("Secret access key (not shown): ", 1)
	add.typeLine(w.key.Secret)
	add.expect("stscred: choose a passphrase: ", 1)
	add.typeLine(filePassphrase)
	add.expect("stscred: repeat it: ", 1)
	add.typeLine(filePassphrase)
	add.wait()
	if strings.Contains(add.output(), filePassphrase) {
		t.Fatal("the passphrase was echoed")
	}
	if !strings.Contains(w.storedKey("alice"), w.key.Secret) {
		t.Fatalf("key not in the file keystore:\n%s", add.output())
	}
	// More processes in the same session: no question.
	for _, args := range [][]string{{"list"}, {"session", "alice"}, {"role", "prod-admin"}} {
		r := startPTY(t, append(env, "STSCRED_MFA_TOKEN="+w.code()), w.bin, args...)
		r.wait()
		if strings.Contains(r.output(), prompt) {
			t.Fatalf("stscred %v asked for the passphrase again in the same session:\n%s", args, r.output())
		}
	}
	// A new login session (the session keyring's copy gone), and no
	// cached session, so the key must be read: asked once.
	w.fileStore().Forget()
	if res := w.stscred("clear"); res.code != 0 {
		t.Fatalf("clear: %s", res)
	}
	env = append(env, "STSCRED_MFA_TOKEN="+w.code())
	before := snapshotDir(t, w.fileDir())
	bad := startPTY(t, env, w.bin, "session", "alice")
	bad.expect(prompt, 1)
	bad.typeLine("not the passphrase")
	bad.expect("wrong passphrase for the file keystore", 1)
	if err := bad.exit(); err == nil {
		t.Fatal("a wrong passphrase must fail")
	}
	if after := snapshotDir(t, w.fileDir()); !sameFiles(before, after) {
		t.Fatal("a wrong passphrase changed the keystore")
	}
	good := startPTY(t, env, w.bin, "session", "alice")
	good.expect(prompt, 1)
	good.typeLine(filePassphrase)
	good.wait()
	if !strings.Contains(good.output(), `"AccessKeyId":"ASIA`) {
		t.Fatalf("no session after the right passphrase:\n%s", good.output())
	}
	w.stscred("clear")
	again := startPTY(t, append(withoutVar(env, "STSCRED_MFA_TOKEN"), "STSCRED_MFA_TOKEN="+w.code()), w.bin, "session", "alice")
	again.wait()
	if strings.Contains(again.output(), prompt) {
		t.Fatal("asked twice in one session")
	}
	// The keystore's files hold nothing readable.
	w.assertNoPlaintext(w.fileDir())
}

// Without a terminal and without STSCRED_FILE_PASSPHRASE, the error says
// what to do.
func TestFileBackendNoTerminal(t *testing.T) {
	w := newWorldOn(t, "file", ststest.Options{})
	w.addAlice()
	w.fileStore().Forget()
	res := w.run("", withoutVar(w.env("STSCRED_MFA_TOKEN="+w.code()), "STSCRED_FILE_PASSPHRASE"), w.bin, "session", "alice")
	w.assertCleanFailure(res, "needs its passphrase, and there is no terminal")
	if !strings.Contains(res.stderr, "STSCRED_FILE_PASSPHRASE") {
		t.Fatalf("hint does not name STSCRED_FILE_PASSPHRASE: %s", res.stderr)
	}
}

// migrate moves keys between backends without loss, and back.
func TestMigrate(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	key2 := w.alice.AddAccessKey()
	if res := w.run(key2.ID+"\n"+key2.Secret+"\n", w.env(), w.bin, "add", "notinconfig"); res.code != 0 {
		t.Fatalf("add: %s", res)
	}
	sess := w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "session", "alice"))
	fileEnv := []string{"STSCRED_FILE_PASSPHRASE=" + filePassphrase}
	res := w.stscredEnv(fileEnv, "migrate", "--to", "file")
	if res.code != 0 || !strings.Contains(res.stdout, "moved 2 keys from the secret-service backend to the file backend") {
		t.Fatalf("migrate to file: %s", res)
	}
	if w.storedKey("alice") != "" || w.storedKey("notinconfig") != "" {
		t.Fatal("keys left in the Secret Service")
	}
	inFile := func(profile string) string {
		v, _ := w.fileStore().Get(keystore.KeyName(profile))
		return v
	}
	if !strings.Contains(inFile("alice"), w.key.Secret) || !strings.Contains(inFile("notinconfig"), key2.Secret) {
		t.Fatal("keys not in the file keystore")
	}
	// auto now finds the file keystore; the cached session is still
	// readable (the cache's data key moved too).
	got := w.decode(w.stscredEnv(fileEnv, "session", "alice"))
	if got != sess || w.srv.Calls("GetSessionToken") != 1 {
		t.Fatal("the cached session was lost in the move")
	}
	res = w.stscredEnv(fileEnv, "list")
	if !strings.Contains(res.stdout, "keys are kept in the file keystore") {
		t.Fatalf("list does not say where keys are: %s", res.stdout)
	}
	w.assertCleanFailure(w.stscredEnv(fileEnv, "migrate", "--to", "file"), "already in the file backend")
	// And back: the file keystore is gone afterwards, so auto picks the
	// keyring again.
	res = w.stscredEnv(fileEnv, "migrate", "--to", "keyring")
	if res.code != 0 {
		t.Fatalf("migrate back: %s", res)
	}
	if !strings.Contains(w.storedKey("alice"), w.key.Secret) {
		t.Fatal("alice's key did not come back")
	}
	if _, err := os.Stat(filepath.Join(w.fileDir(), "keys.age")); err == nil {
		t.Fatal("the emptied file keystore is still there")
	}
	res = w.stscred("list")
	if !strings.Contains(res.stdout, "keys are kept in the OS keyring") {
		t.Fatalf("list: %s", res.stdout)
	}
}

// A failed migration leaves the source as it was and undoes its copies.
func TestMigrateFailureChangesNothing(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	before := w.storedKey("alice")
	// No passphrase and no terminal: the file keystore cannot be created.
	res := w.run("", withoutVar(w.env(), "STSCRED_FILE_PASSPHRASE"), w.bin, "migrate", "--to", "file")
	w.assertCleanFailure(res, "nothing was moved")
	if w.storedKey("alice") != before {
		t.Fatal("the source changed")
	}
	if _, err := os.Stat(filepath.Join(w.fileDir(), "keys.age")); err == nil {
		t.Fatal("a partial copy was left in the file keystore")
	}
}

func snapshotDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		b, _ := os.ReadFile(filepath.Join(dir, de.Name()))
		out[de.Name()] = b
	}
	return out
}

func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(b[k], v) {
			return false
		}
	}
	return true
}

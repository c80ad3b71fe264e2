package keystore

// Linux only: the identity waits between processes in the kernel's session
// keyring, which Windows and macOS have not (there every process asks,
// unless STSCRED_FILE_PASSPHRASE is set).

import (
	"path/filepath"
	"testing"
)

// Another process in the same session (here: another File on the same
// directory) reads without asking: the identity waits in the session
// keyring. After Forget, it asks again.
func TestFileStorePassphraseAskedOncePerSession(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ks")
	a := &asker{pass: "pw-once"}
	if err := newFileStore(t, dir, a).Set("x", "1"); err != nil {
		t.Fatal(err)
	}
	b := &asker{pass: "pw-once"}
	second := newCheapFile(dir, b.ask)
	if v, err := second.Get("x"); err != nil || v != "1" {
		t.Fatalf("second instance: %q %v", v, err)
	}
	if b.asked.Load() != 0 {
		t.Fatal("a second process in the session was asked for the passphrase (the session keyring must serve it)")
	}
	second.Forget()
	third := newCheapFile(dir, b.ask)
	if _, err := third.Get("x"); err != nil {
		t.Fatal(err)
	}
	if b.asked.Load() != 1 {
		t.Fatalf("after Forget: asked %d times, want 1", b.asked.Load())
	}
}

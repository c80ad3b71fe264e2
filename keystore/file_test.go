package keystore

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stscred/stscred/internal/base/hint"
)

type asker struct {
	pass    string
	asked   atomic.Int32
	creates atomic.Int32
}

func (a *asker) ask(create bool) (string, error) {
	a.asked.Add(1)
	if create {
		a.creates.Add(1)
	}
	return a.pass, nil
}

func newFileStore(t *testing.T, dir string, a *asker) *File {
	f := newCheapFile(dir, a.ask)
	t.Cleanup(f.Forget)
	return f
}

func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		b, _ := os.ReadFile(filepath.Join(dir, de.Name()))
		out[de.Name()] = b
	}
	return out
}

func TestFileStoreRoundTripAndNoPlaintext(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ks")
	a := &asker{pass: "correct horse"}
	f := newFileStore(t, dir, a)
	if _, err := f.Get("v1:key:alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty store: %v", err)
	}
	if a.asked.Load() != 0 {
		t.Fatal("reading a store that does not exist must not ask for a passphrase")
	}
	k := Key{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	if err := PutKey(f, "alice", k); err != nil {
		t.Fatal(err)
	}
	if err := f.Set(DataKeyName, "data-key-secret"); err != nil {
		t.Fatal(err)
	}
	if a.creates.Load() != 1 {
		t.Fatalf("creation asked %d times with create=true", a.creates.Load())
	}
	got, err := GetKey(f, "alice")
	if err != nil || got != k {
		t.Fatalf("GetKey = %+v, %v", got, err)
	}
	names, _ := f.Names()
	if strings.Join(names, ",") != DataKeyName+",v1:key:alice" {
		t.Fatalf("names %v", names)
	}
	for name, b := range snapshot(t, dir) {
		for _, secret := range []string{k.SecretAccessKey, k.AccessKeyID, "data-key-secret", "v1:key:alice", "correct horse"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds %q in the clear", name, secret)
			}
		}
		// Modes only where files have them (not on Windows).
		if st, _ := os.Stat(filepath.Join(dir, name)); runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s mode %v", name, st.Mode())
		}
	}
	if err := DeleteKey(f, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := GetKey(f, "alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := DeleteKey(f, "alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

// A wrong passphrase is a clear error and changes nothing.
func TestFileStoreWrongPassphrase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ks")
	good := newFileStore(t, dir, &asker{pass: "right"})
	if err := good.Set("v1:key:alice", "secret"); err != nil {
		t.Fatal(err)
	}
	good.Forget()
	before := snapshot(t, dir)
	bad := newCheapFile(dir, (&asker{pass: "wrong"}).ask)
	_, err := bad.Get("v1:key:alice")
	if !errors.Is(err, ErrWrongPassphrase) || len(hint.Of(err)) == 0 {
		t.Fatalf("Get with a wrong passphrase: %v", err)
	}
	if err := bad.Set("v1:key:bob", "other"); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("Set with a wrong passphrase: %v", err)
	}
	after := snapshot(t, dir)
	for name, b := range before {
		if name != "lock" && !bytes.Equal(after[name], b) {
			t.Fatalf("%s changed after a wrong passphrase", name)
		}
	}
	if v, err := newCheapFile(dir, (&asker{pass: "right"}).ask).Get("v1:key:alice"); err != nil || v != "secret" {
		t.Fatalf("the right passphrase still works: %q %v", v, err)
	}
}

func TestFileStoreEmptyPassphraseRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ks")
	f := newCheapFile(dir, (&asker{pass: ""}).ask)
	if err := f.Set("x", "y"); err == nil || !strings.Contains(err.Error(), "needs a passphrase") {
		t.Fatalf("err = %v", err)
	}
	if f.Exists() {
		t.Fatal("a store was created without a passphrase")
	}
}

func TestFileStoreDamaged(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ks")
	f := newFileStore(t, dir, &asker{pass: "pw"})
	f.Set("x", "y")
	os.WriteFile(filepath.Join(dir, "keys.age"), []byte("garbage"), 0o600)
	_, err := f.Get("x")
	if err == nil || !strings.Contains(err.Error(), "is damaged") || len(hint.Of(err)) == 0 {
		t.Fatalf("err = %v", err)
	}
}

// Concurrent writers, each its own File as separate processes would be,
// lose nothing: read-modify-write runs under a lock.
func TestFileStoreConcurrentWriters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ks")
	first := newFileStore(t, dir, &asker{pass: "pw"})
	first.Set("seed", "0")
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := newCheapFile(dir, (&asker{pass: "pw"}).ask).Set(fmt.Sprintf("k%d", i), "v"); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	names, err := first.Names()
	if err != nil || len(names) != 13 {
		t.Fatalf("names %v, %v: a concurrent write was lost", names, err)
	}
}

// newCheapFile is NewFile with a scrypt work factor a test can afford (a
// store made with it is opened with the factor its file names, as any
// store is).
func newCheapFile(dir string, passphrase func(create bool) (string, error)) *File {
	f := NewFile(dir, passphrase)
	f.workFactor = 10
	return f
}

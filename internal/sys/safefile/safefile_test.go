package safefile_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/safefile"
)

// names lists what dir holds, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	return out
}

func TestPrivateDirCreatesMissingParents(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b", "c")
	if err := safefile.PrivateDir(dir, "session cache"); err != nil {
		t.Fatalf("PrivateDir: %v", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.IsDir() {
		t.Fatalf("%s is %v, want a directory", dir, fi.Mode())
	}
	// Once made, it passes the read-only check as it is.
	if err := safefile.CheckPrivate(dir, "session cache"); err != nil {
		t.Fatalf("CheckPrivate after PrivateDir: %v", err)
	}
	// And making it again is no error.
	if err := safefile.PrivateDir(dir, "session cache"); err != nil {
		t.Fatalf("PrivateDir again: %v", err)
	}
}

func TestPrivateDirRefusesAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache")
	if err := os.WriteFile(path, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := safefile.PrivateDir(path, "session cache")
	if !errors.Is(err, safefile.ErrUnsafeDir) {
		t.Fatalf("PrivateDir on a file = %v, want ErrUnsafeDir", err)
	}
	if !strings.Contains(err.Error(), "session cache") || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the directory (what and path)", err)
	}
	if len(hint.Of(err)) == 0 {
		t.Errorf("error %q has no hint", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "not a directory" {
		t.Errorf("the file was changed: %q", b)
	}
	if err := safefile.CheckPrivate(path, "session cache"); !errors.Is(err, safefile.ErrUnsafeDir) {
		t.Fatalf("CheckPrivate on a file = %v, want ErrUnsafeDir", err)
	}
}

func TestPrivateDirUnderAFileFails(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(parent, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := safefile.PrivateDir(filepath.Join(parent, "cache"), "session cache")
	if err == nil {
		t.Fatal("PrivateDir under a regular file succeeded")
	}
	if !strings.Contains(err.Error(), "session cache") {
		t.Errorf("error %q does not say which directory", err)
	}
	if len(hint.Of(err)) == 0 {
		t.Errorf("error %q has no hint", err)
	}
}

func TestCheckPrivateMissingIsNotExistAndCreatesNothing(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "cache")
	err := safefile.CheckPrivate(dir, "session cache")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("CheckPrivate of a missing directory = %v, want fs.ErrNotExist", err)
	}
	if errors.Is(err, safefile.ErrUnsafeDir) || errors.Is(err, safefile.ErrOpenDir) {
		t.Fatalf("a missing directory is reported unsafe: %v", err)
	}
	if got := names(t, root); len(got) != 0 {
		t.Fatalf("CheckPrivate created %v", got)
	}
}

func TestWriteAtomicWritesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "entry.json")
	if err := safefile.WriteAtomic(path, []byte("first version, rather long"), 0o600); err != nil {
		t.Fatalf("WriteAtomic: %v", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "first version, rather long" {
		t.Fatalf("read back %q, %v", b, err)
	}
	// A shorter replacement leaves nothing of the longer old content.
	if err := safefile.WriteAtomic(path, []byte("second"), 0o600); err != nil {
		t.Fatalf("WriteAtomic over an existing file: %v", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "second" {
		t.Fatalf("read back %q, %v", b, err)
	}
	// Empty data is a file of zero bytes, not a missing one.
	if err := safefile.WriteAtomic(path, nil, 0o600); err != nil {
		t.Fatalf("WriteAtomic of nothing: %v", err)
	}
	if b, err := os.ReadFile(path); err != nil || len(b) != 0 {
		t.Fatalf("read back %q, %v", b, err)
	}
	// No temp file is left behind by any of the writes.
	if got := names(t, dir); len(got) != 1 || got[0] != "entry.json" {
		t.Fatalf("directory holds %q, want only entry.json", got)
	}
}

func TestWriteAtomicFailureKeepsOldAndRemovesTemp(t *testing.T) {
	dir := t.TempDir()
	// The rename fails: path is a non-empty directory.
	path := filepath.Join(dir, "entry.json")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "inside"), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := safefile.WriteAtomic(path, []byte("new"), 0o600)
	if err == nil {
		t.Fatal("WriteAtomic over a non-empty directory succeeded")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
	if got := names(t, dir); len(got) != 1 || got[0] != "entry.json" {
		t.Fatalf("after the failure the directory holds %q: a temp file was left behind", got)
	}
	if b, _ := os.ReadFile(filepath.Join(path, "inside")); string(b) != "old" {
		t.Fatalf("what was there changed: %q", b)
	}
}

func TestWriteAtomicIntoMissingDirFails(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "missing", "entry.json")
	err := safefile.WriteAtomic(path, []byte("data"), 0o600)
	if err == nil {
		t.Fatal("WriteAtomic into a missing directory succeeded")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
	if got := names(t, root); len(got) != 0 {
		t.Fatalf("WriteAtomic created %q", got)
	}
}

func TestWriteAtomicLargeData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big")
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	if err := safefile.WriteAtomic(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || !bytes.Equal(b, data) {
		t.Fatalf("read back %d bytes (%v), want %d", len(b), err, len(data))
	}
}

// Two lock files opened on one path are separate holders: the second
// cannot lock while the first holds it, and can once it lets go
// (Unlock, or closing the file).
func TestLocksOnOneFileExcludeEachOther(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	a, err := safefile.OpenLock(path)
	if err != nil {
		t.Fatalf("OpenLock: %v", err)
	}
	defer a.Close()
	b, err := safefile.OpenLock(path)
	if err != nil {
		t.Fatalf("OpenLock again: %v", err)
	}
	defer b.Close()

	if ok, err := safefile.TryLock(a); !ok || err != nil {
		t.Fatalf("first TryLock = %v, %v; want true, nil", ok, err)
	}
	if ok, err := safefile.TryLock(b); ok || err != nil {
		t.Fatalf("TryLock while another holds the lock = %v, %v; want false, nil", ok, err)
	}
	if err := safefile.Unlock(a); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	if ok, err := safefile.TryLock(b); !ok || err != nil {
		t.Fatalf("TryLock after Unlock = %v, %v; want true, nil", ok, err)
	}
	if ok, err := safefile.TryLock(a); ok || err != nil {
		t.Fatalf("TryLock of the first while the second holds it = %v, %v; want false, nil", ok, err)
	}
	// Closing the holder releases the lock as well.
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if ok, err := safefile.TryLock(a); !ok || err != nil {
		t.Fatalf("TryLock after the holder closed = %v, %v; want true, nil", ok, err)
	}
}

func TestOpenLockCreatesAndReopens(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.lock")
	f, err := safefile.OpenLock(path)
	if err != nil {
		t.Fatalf("OpenLock: %v", err)
	}
	// The file is open for writing (a lock file says who holds it).
	if _, err := f.WriteString("pid 42"); err != nil {
		t.Fatalf("writing the lock file: %v", err)
	}
	f.Close()
	if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("lock file: %v, %v", fi, err)
	}
	g, err := safefile.OpenLock(path)
	if err != nil {
		t.Fatalf("OpenLock of an existing lock file: %v", err)
	}
	g.Close()
}

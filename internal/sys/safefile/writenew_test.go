package safefile

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// WriteNew writes a file that did not exist, and refuses one that does
// (a planted file is never written through; a planted symlink:
// writenew_unix_test.go).
func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "backup")
	if err := WriteNew(p, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Fatalf("content %q", b)
	}
	if err := WriteNew(p, []byte("two"), 0o600); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second write: %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Fatalf("an existing file was overwritten: %q", b)
	}
}

// Lock waits for a lock another open file holds, and gives up with the
// context's error when the context ends first; it takes a free lock at
// once.
func TestLockWaitsUntilTheContextEnds(t *testing.T) {
	p := filepath.Join(t.TempDir(), "lock")
	holder, err := OpenLock(p)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if err := Lock(context.Background(), holder); err != nil {
		t.Fatal(err)
	}
	waiter, err := OpenLock(p)
	if err != nil {
		t.Fatal(err)
	}
	defer waiter.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Lock(ctx, waiter) }()
	select {
	case err := <-done:
		t.Fatalf("Lock returned while another file holds the lock: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock after the context ended: %v, want context.Canceled", err)
	}
	// Released: the waiter gets it.
	if err := Unlock(holder); err != nil {
		t.Fatal(err)
	}
	if err := Lock(context.Background(), waiter); err != nil {
		t.Fatal(err)
	}
}

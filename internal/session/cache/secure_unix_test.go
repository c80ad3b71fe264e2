//go:build !windows

package cache

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stscred/stscred/internal/sys/safefile"
	"github.com/stscred/stscred/internal/testkit/testenv"
)

// A cache directory another user made (the audit's attack: planted before
// the victim's first run) is refused for reading, writing and locking,
// with a hint; nothing is written into it.
func TestCacheDirOfAnotherUserRefused(t *testing.T) {
	testenv.Require(t, os.Geteuid() == 0, "needs root to give a directory to another user")
	dir := filepath.Join(t.TempDir(), "stscred")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	c := New(dir, fixedKey(t))
	if _, err := c.Get("v1:role:abc"); !errors.Is(err, safefile.ErrUnsafeDir) {
		t.Fatalf("Get: %v", err)
	}
	if err := c.Put(sample("v1:role:abc")); !errors.Is(err, safefile.ErrUnsafeDir) {
		t.Fatalf("Put: %v", err)
	}
	if _, err := c.Lock(context.Background(), "v1:role:abc", Holder{PID: 1}, nil); !errors.Is(err, safefile.ErrUnsafeDir) {
		t.Fatalf("Lock: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("wrote into another user's directory: %v", ents)
	}
}

// A cache directory open to others is closed (chmod 700) and then used.
func TestCacheDirOpenToOthersIsClosed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "stscred")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	c := New(dir, fixedKey(t))
	if err := c.Put(sample("v1:role:abc")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(dir); fi.Mode().Perm() != 0o700 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
}

// A symlink where the cache directory should be is refused.
func TestCacheDirSymlinkRefused(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "elsewhere")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "stscred")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := New(link, fixedKey(t)).Put(sample("v1:role:abc")); !errors.Is(err, safefile.ErrUnsafeDir) {
		t.Fatalf("Put through a symlinked directory: %v", err)
	}
}

// A symlink planted where a lock file goes is never followed: its target
// is left as it was.
func TestLockFileSymlinkNotFollowed(t *testing.T) {
	dir := t.TempDir()
	c := New(dir, fixedKey(t))
	lease, err := c.Lock(context.Background(), "v1:role:x", Holder{PID: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lease.Unlock()
	path := filepath.Join(dir, "locks", fileName("v1:role:x")+".lock")
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Lock(context.Background(), "v1:role:x", Holder{PID: 2, Profile: "p"}, nil); err == nil {
		t.Fatal("locked through a planted symlink")
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Fatalf("the symlink's target was changed: %q", b)
	}
}

// Entries are written through a fresh temp file and a rename: a symlink
// planted at an entry's path is replaced, not followed.
func TestPutReplacesPlantedSymlink(t *testing.T) {
	dir := t.TempDir()
	c := New(dir, fixedKey(t))
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, c.path("v1:role:abc")); err != nil {
		t.Fatal(err)
	}
	if err := c.Put(sample("v1:role:abc")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Fatalf("the symlink's target was written: %q", b)
	}
	if fi, err := os.Lstat(c.path("v1:role:abc")); err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("entry is not a regular file: %v %v", fi, err)
	}
}

// Under umask 0777 the cache still works: modes are set explicitly.
func TestCacheUnderUmask0777(t *testing.T) {
	old := umask(0o777)
	defer umask(old)
	dir := filepath.Join(t.TempDir(), "a", "b", "stscred")
	c := New(dir, fixedKey(t))
	if err := c.Put(sample("v1:role:abc")); err != nil {
		t.Fatalf("Put under umask 0777: %v", err)
	}
	if _, err := c.Get("v1:role:abc"); err != nil {
		t.Fatalf("Get under umask 0777: %v", err)
	}
	lease, err := c.Lock(context.Background(), "v1:role:abc", Holder{PID: 1}, nil)
	if err != nil {
		t.Fatalf("Lock under umask 0777: %v", err)
	}
	lease.Unlock()
}

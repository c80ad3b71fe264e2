package cache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Wipe deletes what stscred writes in the cache directory (entries, used
// MFA codes, temporary files, lock files) and leaves, naming them, files
// that are not its own; the directory goes when nothing is left.
func TestWipe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "stscred")
	write := func(rel string) string {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("0123456789abcdef0123456789abcdef.json")
	write("fedcba9876543210fedcba9876543210.json")
	write("used-mfa-0123456789abcdef01234567")
	write(".0123456789abcdef0123456789abcdef.json.stscred-42")
	write("locks/0123456789abcdef0123456789abcdef.lock")
	notes := write("notes.txt")
	other := write("locks/someone-else.lock")

	n, left, err := Wipe(dir)
	if err != nil || n != 2 {
		t.Fatalf("Wipe = %d, %v; want 2 entries", n, err)
	}
	slices.Sort(left)
	if want := []string{other, notes}; !slices.Equal(left, want) {
		t.Fatalf("left %v, want %v", left, want)
	}
	var remaining []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			remaining = append(remaining, p)
		}
		return nil
	})
	slices.Sort(remaining)
	if !slices.Equal(remaining, []string{other, notes}) {
		t.Fatalf("remaining %v", remaining)
	}

	os.Remove(notes)
	os.Remove(other)
	if n, left, err := Wipe(dir); n != 0 || left != nil || err != nil {
		t.Fatalf("Wipe of an empty cache = %d, %v, %v", n, left, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the directory is still there: %v", err)
	}
	if n, left, err := Wipe(dir); n != 0 || left != nil || err != nil {
		t.Fatalf("Wipe of no directory = %d, %v, %v", n, left, err)
	}
}

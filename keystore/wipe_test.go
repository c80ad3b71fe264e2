package keystore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Destroy deletes the file keystore's files (and an interrupted write's
// temporary file) without its passphrase, and its directory unless
// something that is not its own is in it, which stays and is named.
func TestFileDestroy(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ks")
	f := NewFile(dir, func(bool) (string, error) { return "the passphrase", nil })
	t.Cleanup(f.Forget)
	if err := f.Set(IndexName, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".keys.age.stscred-123"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(dir, "README.txt")
	if err := os.WriteFile(mine, []byte("the user's"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A new File, as another process: no passphrase is asked.
	g := NewFile(dir, func(bool) (string, error) { t.Fatal("Destroy asked for the passphrase"); return "", nil })
	existed, left, err := g.Destroy()
	if err != nil || !existed || !slices.Equal(left, []string{mine}) {
		t.Fatalf("Destroy = %v, %v, %v", existed, left, err)
	}
	des, _ := os.ReadDir(dir)
	if len(des) != 1 || des[0].Name() != "README.txt" {
		t.Fatalf("left in the directory: %v", des)
	}
	if g.Exists() {
		t.Fatal("the keystore still exists")
	}

	os.Remove(mine)
	existed, left, err = g.Destroy()
	if err != nil || !existed || left != nil {
		t.Fatalf("Destroy of the empty directory = %v, %v, %v", existed, left, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the directory is still there: %v", err)
	}
	if existed, left, err := g.Destroy(); existed || left != nil || err != nil {
		t.Fatalf("Destroy of nothing = %v, %v, %v", existed, left, err)
	}
}

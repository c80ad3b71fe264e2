//go:build !windows

package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Unix only: a Windows user needs a privilege (administrator or Developer
// Mode) to make a symbolic link, and under Wine 8 os.Symlink reports
// success and makes none, so the test there would write a plain new file.

// WriteNew never writes through a planted symlink.
func TestWriteNewRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteNew(link, []byte("evil"), 0o600); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("write through a symlink: %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Fatalf("the symlink's target was written: %q", b)
	}
}

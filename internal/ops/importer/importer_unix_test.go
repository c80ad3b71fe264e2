//go:build !windows

package importer

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Unix only: a Windows user needs a privilege (administrator or Developer
// Mode) to make a symbolic link, and under Wine 8 os.Symlink reports
// success and makes none.

// A symlinked credentials file: the link stays, its target is rewritten,
// the backup is next to the link.
func TestSymlink(t *testing.T) {
	s := newSetup(t, credText, cfgText)
	real := filepath.Join(s.dir, "dotfiles-credentials")
	if err := os.Rename(s.cred, real); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, s.cred); err != nil {
		t.Fatal(err)
	}
	if _, out, err := s.run(t, false); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if st, err := os.Lstat(s.cred); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Fatal("the symlink was replaced")
	}
	if read(t, real) != credAfter {
		t.Fatal("the target was not rewritten")
	}
}

// checkMode checks path's permission bits.
func checkMode(t *testing.T, path string, mode fs.FileMode) {
	t.Helper()
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != mode {
		t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), mode)
	}
}

// plantSymlink replaces path by a symbolic link to target.
func plantSymlink(t *testing.T, target, path string) bool {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	return true
}

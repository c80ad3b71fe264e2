package importer

import (
	"io/fs"
	"os"
	"testing"
)

// checkMode: Windows files have no Unix permission bits; os.Stat says
// 0666 of a file that is not read-only and 0444 of one that is. What is
// checked is that the file is there and left writable (the AWS tools and
// stscred write the config and credentials files again).
func checkMode(t *testing.T, path string, _ fs.FileMode) {
	t.Helper()
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o666 {
		t.Errorf("%s: %v, want a writable file (0666 on Windows)", path, err)
	}
}

// plantSymlink makes no link on Windows, where that needs a privilege
// (administrator or Developer Mode) and where Wine 8's os.Symlink reports
// success and makes none; the symlink case is Unix-only.
func plantSymlink(*testing.T, string, string) bool { return false }

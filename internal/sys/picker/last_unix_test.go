//go:build !windows

package picker

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// In a directory other users may write, the file is not trusted.
func TestLastInAnOpenDirectory(t *testing.T) {
	dir := t.TempDir()
	l := Last{Path: filepath.Join(dir, "last-chosen")}
	if err := l.Save("prod"); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if got := l.Read(context.Background()); got != "" {
		t.Fatalf("read %q from a directory open to everyone", got)
	}
}

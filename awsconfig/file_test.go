package awsconfig

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stscred/stscred/hint"
)

// A config path that is not a regular file of sane size fails at once with
// a hint: /dev/zero would never end, a FIFO would block, a directory is no
// config.
func TestLoadRefusesWhatIsNoConfigFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxSize+1); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/dev/zero": "is not a regular file",
		fifo:        "is not a regular file",
		dir:         "is a directory",
		big:         "more than the 16 MiB",
	} {
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), want) || len(hint.Of(err)) == 0 {
			t.Errorf("Load(%s) = %v, want %q with a hint", path, err, want)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

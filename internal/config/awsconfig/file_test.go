package awsconfig

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/base/hint"
)

// A config path that is not a regular file of sane size fails at once with
// a hint: /dev/zero would never end, a FIFO would block, a directory is no
// config.
func TestLoadRefusesWhatIsNoConfigFile(t *testing.T) {
	dir := t.TempDir()
	fifo := makeFIFO(t, dir)
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxSize+1); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		dir:       "is a directory",
		devZero(): "is not a regular file but a character device",
		fifo:      "is not a regular file but a named pipe (FIFO)",
		big:       "more than the 16 MiB",
	} {
		if path == "" {
			continue
		}
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), want) || len(hint.Of(err)) == 0 {
			t.Errorf("Load(%s) = %v, want %q with a hint", path, err, want)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

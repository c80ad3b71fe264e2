package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/stscred/stscred/internal/sys/safefile"
)

// BackupSuffix starts the suffix of backup names:
// credentials.stscred-backup-20261124T120000Z.
const BackupSuffix = ".stscred-backup-"

// writeBackup writes data, the original credentials file, next to path
// with mode 0600 under a name no other file has, and returns that name.
func writeBackup(path string, data []byte, now time.Time) (string, error) {
	base := path + BackupSuffix + now.UTC().Format("20060102T150405Z")
	name := base
	for i := 2; ; i++ {
		err := safefile.WriteNew(name, data, 0o600)
		if errors.Is(err, fs.ErrExist) && i < 1000 {
			name = fmt.Sprintf("%s-%d", base, i)
			continue
		}
		if err != nil {
			return "", fmt.Errorf("writing the backup: %w", err)
		}
		return name, nil
	}
}

// writeAtomic replaces the file at path with data: a temp file in the same
// directory, renamed over it, so a reader sees the old file or the new one
// and a failure leaves the old one. The file keeps its mode (newMode for a
// new file). A symlink is followed: its target is replaced and the link
// stays.
func writeAtomic(path string, data []byte, newMode fs.FileMode) error {
	target := path
	if t, err := filepath.EvalSymlinks(path); err == nil {
		target = t
	}
	mode := newMode
	switch st, err := os.Stat(target); {
	case err == nil:
		mode = st.Mode().Perm()
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	default:
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := safefile.WriteAtomic(target, data, mode); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	safefile.SyncDir(filepath.Dir(target))
	return nil
}

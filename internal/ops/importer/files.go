package importer

import (
	"errors"
	"fmt"
	"io/fs"
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

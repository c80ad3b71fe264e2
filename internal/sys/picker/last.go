package picker

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/stscred/stscred/internal/sys/safefile"
)

// Last is the file that remembers the last choice: a row's key (a
// profile's name, never a secret), in a private directory.
type Last struct {
	Path string
}

type lastFile struct {
	Version int    `json:"v"`
	Key     string `json:"last"`
}

// maxLastFile caps the read of the file: one name fits many times over.
const maxLastFile = 4096

// Read returns the key last chosen, "" when none is remembered (no file,
// or one that cannot be read or is not what Save writes: the order only
// loses its first row).
func (l Last) Read(ctx context.Context) string {
	if l.Path == "" {
		return ""
	}
	if safefile.CheckPrivate(filepath.Dir(l.Path), "the picker's") != nil {
		return ""
	}
	raw, err := safefile.ReadRegular(ctx, l.Path, maxLastFile)
	if err != nil {
		return ""
	}
	var f lastFile
	if json.Unmarshal(raw, &f) != nil || f.Version != 1 {
		return ""
	}
	return f.Key
}

// Save remembers key as the last choice: written whole (safefile) to a
// file of mode 0600 in a directory of mode 0700.
func (l Last) Save(key string) error {
	raw, err := json.Marshal(lastFile{Version: 1, Key: key})
	if err != nil {
		return err
	}
	if err := safefile.PrivateDir(filepath.Dir(l.Path), "the picker's"); err != nil {
		return err
	}
	if err := safefile.WriteAtomic(l.Path, append(raw, '\n'), 0o600); err != nil {
		return fmt.Errorf("remembering the choice: %w", err)
	}
	return nil
}

// LastFirst returns rows with the row whose key is last moved to the
// front, the others in their order.
func LastFirst(rows []Row, last string) []Row {
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		if r.Key == last && last != "" {
			out = append([]Row{r}, out...)
		} else {
			out = append(out, r)
		}
	}
	return out
}

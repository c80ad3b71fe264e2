package keystore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// DeleteAll deletes every item the OS keyring files under k's service,
// whatever its name: keys, sign-ins, the cache's key, the index, and
// entries of older versions (a Secret Service is searched by the service
// attribute, the macOS Keychain by service, Windows' Credential Manager by
// the service's prefix). Items of other services are left alone. It
// returns how many it deleted (-1 where the OS does not say).
func (k *Keyring) DeleteAll() (int, error) {
	if k.Service == "" {
		return 0, errors.New("no keyring service named: refusing to delete every item")
	}
	n := 0
	err := k.call("deleting from", func() (err error) {
		n, err = deleteAll(k.Service)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	return n, err
}

// fileNames are the files a file keystore keeps in its directory.
var fileNames = []string{"keys.age", "identity.age", "lock"}

// Destroy deletes the file keystore: the session keyring's copy of its
// identity, its files (and the temporary files of an interrupted write),
// and its directory when nothing else is in it. It needs no passphrase.
// It reports whether there was anything to delete, and what it left (files
// that are not its own).
func (f *File) Destroy() (existed bool, left []string, err error) {
	f.Forget()
	des, err := os.ReadDir(f.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil, nil
	}
	if err != nil {
		return false, nil, fmt.Errorf("reading the file keystore %s: %w", f.Dir, err)
	}
	for _, de := range des {
		name := de.Name()
		if !ownFile(name) {
			left = append(left, filepath.Join(f.Dir, name))
			continue
		}
		existed = true
		if err := os.Remove(filepath.Join(f.Dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return existed, left, fmt.Errorf("deleting the file keystore: %w", err)
		}
	}
	if len(left) == 0 {
		if err := os.Remove(f.Dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return existed, left, fmt.Errorf("deleting the file keystore's directory: %w", err)
		}
		existed = true
	}
	return existed, left, nil
}

// ownFile reports a name the file keystore writes: its files, and the
// temporary files of their atomic writes (safefile's ".NAME.stscred-*").
func ownFile(name string) bool {
	for _, n := range fileNames {
		if name == n {
			return true
		}
		if m, _ := filepath.Match("."+n+".stscred-*", name); m {
			return true
		}
	}
	return false
}

package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// ownName matches what stscred writes in the cache directory: sealed
// entries, used MFA codes (mfa.UsedCodes), and the temporary files of
// their atomic writes; ownLock what it writes in locks/. Compiled when
// asked, not at package init, which every start (a cache hit's too) would
// pay for.
func ownName() *regexp.Regexp {
	return regexp.MustCompile(`^([0-9a-f]{32}\.json|used-mfa-[0-9a-f]{24}|\..+\.stscred-.*)$`)
}

func ownLock() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{32}\.lock$`) }

// Wipe deletes the cache directory dir: every sealed entry, lock file and
// used MFA code stscred wrote there, then the directory itself when
// nothing else is in it. It reports how many entries (sealed sessions) it
// deleted and what it left: files that are not stscred's, never deleted
// whatever STSCRED_CACHE_DIR points at. A missing dir is no error.
func Wipe(dir string) (entries int, left []string, err error) {
	clear := func(d string, own *regexp.Regexp) error {
		des, err := os.ReadDir(d)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the session cache %s: %w", d, err)
		}
		for _, de := range des {
			path := filepath.Join(d, de.Name())
			if d == dir && de.Name() == "locks" && de.IsDir() {
				if err := clearLocks(path, &left); err != nil {
					return err
				}
				continue
			}
			if de.IsDir() || !own.MatchString(de.Name()) {
				left = append(left, path)
				continue
			}
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("deleting %s: %w", path, err)
			}
			if filepath.Ext(de.Name()) == ".json" {
				entries++
			}
		}
		return nil
	}
	if err := clear(dir, ownName()); err != nil {
		return entries, left, err
	}
	if len(left) == 0 {
		if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return entries, left, fmt.Errorf("deleting the session cache's directory: %w", err)
		}
	}
	return entries, left, nil
}

// clearLocks deletes stscred's lock files in locks/ and, when that leaves
// it empty, locks/ itself; anything else is added to left.
func clearLocks(dir string, left *[]string) error {
	des, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("reading the session cache's locks %s: %w", dir, err)
	}
	kept, own := false, ownLock()
	for _, de := range des {
		path := filepath.Join(dir, de.Name())
		if de.IsDir() || !own.MatchString(de.Name()) {
			*left = append(*left, path)
			kept = true
			continue
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("deleting %s: %w", path, err)
		}
	}
	if !kept {
		if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("deleting %s: %w", dir, err)
		}
	}
	return nil
}

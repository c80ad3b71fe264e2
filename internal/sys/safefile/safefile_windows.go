package safefile

import (
	"fmt"
	"os"

	"github.com/stscred/stscred/internal/base/hint"
	"golang.org/x/sys/windows"
)

// checkPrivate on Windows checks the directory is a real directory; its
// ACL (inherited from the user's profile) keeps other users out.
func checkPrivate(dir, what string, _ bool) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("%s directory %s: %w", what, dir, err)
	}
	if fi.Mode()&os.ModeSymlink != 0 || !fi.IsDir() {
		return hint.With(fmt.Errorf("%w: the %s directory %s is not a directory", ErrUnsafeDir, what, dir), "remove it; stscred makes it again")
	}
	return nil
}

// OpenLock opens (creating) a lock file.
func OpenLock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}

// TryLock takes an exclusive lock on f without waiting.
func TryLock(f *os.File) (bool, error) {
	ol := new(windows.Overlapped)
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if err == windows.ERROR_LOCK_VIOLATION || err == windows.ERROR_IO_PENDING {
		return false, nil
	}
	return err == nil, err
}

// Unlock releases the lock on f.
func Unlock(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, new(windows.Overlapped))
}

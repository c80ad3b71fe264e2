//go:build !windows

package safefile

import (
	"fmt"
	"os"
	"syscall"

	"github.com/stscred/stscred/internal/base/hint"
	"golang.org/x/sys/unix"
)

func checkPrivate(dir, what string, closeIt bool) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("%s directory %s: %w", what, dir, err)
	}
	fix := "remove it (rm -rf '" + dir + "'): stscred makes it again; or point stscred at a directory of yours (STSCRED_CACHE_DIR, STSCRED_FILE_DIR)"
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		return hint.With(fmt.Errorf("%w: the %s directory %s is a symbolic link", ErrUnsafeDir, what, dir), fix)
	case !fi.IsDir():
		return hint.With(fmt.Errorf("%w: the %s directory %s is not a directory", ErrUnsafeDir, what, dir), fix)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if ok && int(st.Uid) != os.Geteuid() {
		return hint.With(fmt.Errorf("%w: the %s directory %s belongs to another user (uid %d)", ErrUnsafeDir, what, dir, st.Uid),
			"someone else made it: do not use it; have its owner or root remove it, or point stscred at a directory of yours (STSCRED_CACHE_DIR, STSCRED_FILE_DIR)")
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if !closeIt {
			return fmt.Errorf("%w: the %s directory %s has mode %04o", ErrOpenDir, what, dir, fi.Mode().Perm())
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return hint.With(fmt.Errorf("%w: the %s directory %s is open to other users (mode %04o) and cannot be closed: %v", ErrUnsafeDir, what, dir, fi.Mode().Perm(), err), fix)
		}
		again, err := os.Lstat(dir)
		if err != nil || again.Mode().Perm()&0o077 != 0 {
			return hint.With(fmt.Errorf("%w: the %s directory %s stays open to other users", ErrUnsafeDir, what, dir), fix)
		}
	}
	return nil
}

// OpenLock opens (creating) a lock file for reading and writing, never
// through a symbolic link, mode 0600, and checks that it is a regular file
// of this user.
func OpenLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.Mode().IsRegular() || ok && int(st.Uid) != os.Geteuid() {
		f.Close()
		return nil, fmt.Errorf("%w: lock file %s is not a regular file of yours", ErrUnsafeDir, path)
	}
	if fi.Mode().Perm() != 0o600 {
		_ = f.Chmod(0o600)
	}
	return f, nil
}

// TryLock takes an exclusive lock on f without waiting; ok is false when
// another open file description holds it. The kernel drops the lock when
// the holder exits, however it exits.
func TryLock(f *os.File) (ok bool, err error) {
	err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if err == unix.EWOULDBLOCK {
		return false, nil
	}
	return err == nil, err
}

// Unlock releases the lock on f.
func Unlock(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_UN) }

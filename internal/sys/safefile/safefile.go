// Package safefile writes stscred's own files so that another user, a
// planted symlink or a crash cannot turn them against the user: private
// directories that must belong to the user and be closed to everyone
// else, files written whole through a fresh temp file and a rename, and
// lock files that are never opened through a symlink; and reads the files
// another party wrote (ReadRegular) so that none can hang stscred or grow
// its memory without limit: a regular file only, opened without
// blocking, under a size cap and a deadline.
package safefile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
)

// ErrUnsafeDir means a directory stscred keeps private files in is not
// the user's alone: it belongs to someone else, is open to group or
// others after stscred tried to close it, or is not a directory.
var ErrUnsafeDir = errors.New("unsafe directory")

// ErrOpenDir means a directory of the user's is open to group or others:
// nothing read from it may be trusted until PrivateDir has closed it.
var ErrOpenDir = errors.New("directory open to other users")

// PrivateDir makes dir (and missing parents) with mode 0700, whatever the
// umask, and checks that it is safe to keep private files in: a real
// directory (not a symlink), owned by this user, closed to group and
// others (an existing one is closed with chmod 700 first). what names the
// directory in errors ("the session cache").
func PrivateDir(dir, what string) error {
	if err := mkdirAll(dir); err != nil {
		return hint.With(fmt.Errorf("creating %s directory %s: %w", what, dir, err),
			"check that the parent directory exists and is writable by you")
	}
	return checkPrivate(dir, what, true)
}

// CheckPrivate checks an existing directory as PrivateDir does, without
// creating or changing it: a missing one is fs.ErrNotExist, one open to
// group or others an error wrapping ErrOpenDir (its files are not to be
// trusted, but a writer may still close it), one that is not the user's
// an error wrapping ErrUnsafeDir.
func CheckPrivate(dir, what string) error {
	if _, err := os.Lstat(dir); err != nil {
		return err
	}
	return checkPrivate(dir, what, false)
}

// mkdirAll creates dir and its missing parents with mode 0700. Each one
// it creates is chmod-ed, since Mkdir's mode is cut by the umask (under
// umask 0777 a new directory would be unusable).
func mkdirAll(dir string) error {
	fi, err := os.Lstat(dir)
	if err == nil {
		if fi.IsDir() {
			return nil
		}
		return nil // checkPrivate says what is wrong with it
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return os.Chmod(dir, 0o700)
}

// WriteAtomic replaces path with data: written to a new temp file in the
// same directory (created exclusively, so a planted file or symlink is
// never opened), made mode perm, synced, then renamed over path. A crash
// leaves the old file or the new one, never a mix; the temp file is
// removed on failure.
func WriteAtomic(path string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".stscred-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// Chmod, not the create mode: the umask must not make the file
	// unreadable to its owner.
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return writeFailed(path, err)
	}
	if err := tmp.Sync(); err != nil {
		return writeFailed(path, err)
	}
	if err := tmp.Close(); err != nil {
		return writeFailed(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	ok = true
	return nil
}

// writeFailed explains a failed write; a full disk says so.
func writeFailed(path string, err error) error {
	e := fmt.Errorf("writing %s: %w", path, err)
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return hint.With(e, "the disk (or your quota) is full: free some space and run the command again; the old file is as it was")
	}
	return e
}

// Lock takes an exclusive lock on f (see TryLock), trying again every
// 20 ms until ctx ends; its error is then ctx's.
func Lock(ctx context.Context, f *os.File) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := TryLock(f)
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// WriteNew writes data to path, which must not exist yet: it is created
// exclusively (a planted file or symlink is never opened; the error is
// then fs.ErrExist), made mode perm whatever the umask, synced with its
// directory, and removed again when a write fails.
func WriteNew(path string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	err = f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return writeFailed(path, err)
	}
	SyncDir(filepath.Dir(path))
	return nil
}

// SyncDir makes a rename or a new file in dir durable; best effort.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Replace replaces the file at path with data: a temp file in the same
// directory, renamed over it, so a reader sees the old file or the new one
// and a failure leaves the old one. The file keeps its mode (newMode for a
// new file). A symlink is followed: its target is replaced and the link
// stays.
func Replace(path string, data []byte, newMode fs.FileMode) error {
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
	if err := WriteAtomic(target, data, mode); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	SyncDir(filepath.Dir(target))
	return nil
}

package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/stscred/stscred/hint"
)

// Holder says who holds a lock; it is written into the lock file so that
// waiters can tell the user whom they are waiting for. Never a secret.
type Holder struct {
	PID     int
	Profile string
}

func (h Holder) String() string {
	if h.PID == 0 {
		return "another stscred process"
	}
	return fmt.Sprintf("another stscred process (pid %d, profile %s)", h.PID, h.Profile)
}

// ErrLockTimeout is returned when a lock could not be taken in time.
var ErrLockTimeout = errors.New("timed out waiting for a lock")

// Lock takes the cross-process lock of a cache key: an OS file lock (flock
// on Unix, LockFileEx on Windows) that the kernel releases when the holder
// dies, so no stale lock survives a crash. Lock files live in the cache
// directory's locks/ (0700) and hold only the holder's pid and profile.
//
// When the lock is busy, onWait (if non-nil) is called once with the
// holder, then Lock polls until it gets the lock or ctx ends, in which
// case it returns an error wrapping ErrLockTimeout.
func (c *Cache) Lock(ctx context.Context, key string, me Holder, onWait func(Holder)) (unlock func(), err error) {
	dir := filepath.Join(c.dir, "locks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating lock directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("securing lock directory: %w", err)
	}
	path := filepath.Join(dir, fileName(key)+".lock")
	fl := flock.New(path, flock.SetPermissions(0o600))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if !ok {
		holder := readHolder(path)
		if onWait != nil {
			onWait(holder)
		}
		ok, err = fl.TryLockContext(ctx, 20*time.Millisecond)
		if !ok {
			holder = readHolder(path)
			msg := fmt.Errorf("%w: %s still holds the lock for profile %s", ErrLockTimeout, holder, me.Profile)
			if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				msg = fmt.Errorf("locking %s: %w", path, err)
			}
			hints := []string{"it is probably waiting for an MFA code on another terminal; answer it there"}
			if holder.PID != 0 {
				hints = append(hints, fmt.Sprintf("if process %d is stuck, end it (kill %d); its lock is released when it exits", holder.PID, holder.PID))
			}
			hints = append(hints, "wait longer with STSCRED_LOCK_TIMEOUT (e.g. 5m)")
			return nil, hint.With(msg, hints...)
		}
	}
	writeHolder(path, me)
	return func() { _ = fl.Unlock() }, nil
}

func writeHolder(path string, h Holder) {
	// Written through a separate descriptor: the lock belongs to the open
	// file description flock holds, which this does not affect.
	_ = os.WriteFile(path, []byte(strconv.Itoa(h.PID)+" "+h.Profile+"\n"), 0o600)
}

func readHolder(path string) Holder {
	b, err := os.ReadFile(path)
	if err != nil {
		return Holder{}
	}
	pid, profile, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	n, _ := strconv.Atoi(pid)
	return Holder{PID: n, Profile: profile}
}

package cache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/safefile"
)

// Holder says who holds a lock and what it is doing; it is written into the
// lock file so that waiters can tell the user whom they are waiting for
// and why. Never a secret.
type Holder struct {
	PID     int
	Profile string
	// Doing is what the holder is busy with ("asking for an MFA code for
	// ...", "calling STS at ..."), "" when not said.
	Doing string
	// Since is when it started doing it.
	Since time.Time
}

func (h Holder) String() string {
	if h.PID == 0 {
		return "another stscred process"
	}
	s := fmt.Sprintf("pid %d (profile %s)", h.PID, h.Profile)
	if h.Doing != "" {
		s += " is " + h.Doing
		if !h.Since.IsZero() {
			s += " since " + h.Since.Local().Format("15:04:05")
		}
	}
	return s
}

// Failure is what a lock holder recorded when it gave up: waiters that
// take the lock next learn it instead of trying the same thing again.
type Failure struct {
	PID     int
	Profile string
	At      time.Time
	Message string // the error, one line; never a secret
}

// ErrLockTimeout is returned when a lock could not be taken in time.
var ErrLockTimeout = errors.New("timed out waiting for a lock")

// Lease is a held lock.
type Lease struct {
	f      *os.File
	path   string
	me     Holder
	prior  *Failure // recorded by the holder this process waited for
	waited time.Time
}

// Lock takes the cross-process lock of a cache key: an OS file lock (flock
// on Unix, LockFileEx on Windows) that the kernel releases when the holder
// dies, so no stale lock survives a crash. Lock files live in the cache
// directory's locks/ (0700, the user's own) and hold only the holder's
// pid, profile and what it is doing, never a secret; they are never opened
// through a symbolic link.
//
// When the lock is busy, onWait (if non-nil) is called with the holder,
// and again each time the holder says it is doing something else; Lock
// polls until it gets the lock or ctx ends, in which case it returns an
// error wrapping ErrLockTimeout.
func (c *Cache) Lock(ctx context.Context, key string, me Holder, onWait func(Holder)) (*Lease, error) {
	return lockAt(ctx, c.dir, key, me, onWait)
}

func lockAt(ctx context.Context, cacheDir, key string, me Holder, onWait func(Holder)) (*Lease, error) {
	if err := safefile.PrivateDir(cacheDir, "session cache"); err != nil {
		return nil, cannotLock(err)
	}
	dir := filepath.Join(cacheDir, "locks")
	if err := safefile.PrivateDir(dir, "session cache's lock"); err != nil {
		return nil, cannotLock(err)
	}
	path := filepath.Join(dir, fileName(key)+".lock")
	f, err := safefile.OpenLock(path)
	if err != nil {
		if errors.Is(err, safefile.ErrUnsafeDir) {
			return nil, hint.With(err, "remove it (rm -f '"+path+"'): stscred makes it again")
		}
		return nil, hint.With(fmt.Errorf("%w: opening the lock file %s: %w", ErrCannotLock, path, err),
			"check the permissions of "+path+" (0600, yours), or remove it: stscred makes it again")
	}
	l := &Lease{f: f, path: path, me: me}
	ok, err := safefile.TryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if !ok {
		l.waited = time.Now()
		last := readHolder(f)
		if onWait != nil {
			onWait(last)
		}
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for !ok {
			select {
			case <-ctx.Done():
				f.Close()
				return nil, lockTimeout(last, me, ctx.Err())
			case <-tick.C:
			}
			if ok, err = safefile.TryLock(f); err != nil {
				f.Close()
				return nil, fmt.Errorf("locking %s: %w", path, err)
			}
			if !ok {
				if h := readHolder(f); h != last && h.PID != 0 {
					last = h
					if onWait != nil && h.Doing != "" {
						onWait(h)
					}
				}
			}
		}
		if fl, ok := readFailure(f); ok && !fl.At.Before(l.waited.Add(-time.Second)) {
			l.prior = &fl
		}
	}
	l.write(holderLine(me))
	return l, nil
}

// cannotLock classifies a failure to prepare the lock directory: an unsafe
// directory is refused outright; one that merely cannot be written is
// ErrCannotLock.
func cannotLock(err error) error {
	if errors.Is(err, safefile.ErrUnsafeDir) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrCannotLock, err)
}

func lockTimeout(h Holder, me Holder, cause error) error {
	msg := fmt.Errorf("%w: stscred %s, which still holds the lock for profile %s", ErrLockTimeout, h, me.Profile)
	var hints []string
	if strings.Contains(h.Doing, "MFA") || h.Doing == "" {
		hints = append(hints, "it is probably waiting for an MFA code on another terminal; answer it there")
	}
	if h.PID != 0 {
		hints = append(hints, fmt.Sprintf("if process %d is stuck, end it (kill %d); its lock is released when it exits", h.PID, h.PID))
	}
	hints = append(hints, "wait longer with --lock-timeout or STSCRED_LOCK_TIMEOUT (e.g. 5m)")
	_ = cause
	return hint.With(msg, hints...)
}

// Prior is the failure the holder this process waited for recorded just
// before it let go, if any.
func (l *Lease) Prior() (Failure, bool) {
	if l.prior == nil {
		return Failure{}, false
	}
	return *l.prior, true
}

// Waited reports whether Lock had to wait for another process.
func (l *Lease) Waited() bool { return !l.waited.IsZero() }

// Doing records what the holder does now, for waiters.
func (l *Lease) Doing(what string) {
	if l == nil {
		return
	}
	l.me.Doing, l.me.Since = what, time.Now()
	l.write(holderLine(l.me))
}

// Fail records that the holder gave up, and why (no secrets: the message
// is shown to waiters), for the waiters that take the lock next.
func (l *Lease) Fail(f Failure) {
	if l == nil {
		return
	}
	if f.PID == 0 {
		f.PID, f.Profile = l.me.PID, l.me.Profile
	}
	if f.At.IsZero() {
		f.At = time.Now()
	}
	msg := strings.ReplaceAll(f.Message, "\n", " ")
	l.write(fmt.Sprintf("failed %d %d %s %s\n", f.At.UnixNano(), f.PID, f.Profile, msg))
}

// Unlock releases the lock.
func (l *Lease) Unlock() {
	if l == nil || l.f == nil {
		return
	}
	_ = safefile.Unlock(l.f)
	_ = l.f.Close()
	l.f = nil
}

// write replaces the lock file's content through the locked descriptor
// (the lock belongs to that open file description, so this keeps it).
func (l *Lease) write(s string) {
	if l.f == nil {
		return
	}
	_ = l.f.Truncate(0)
	_, _ = l.f.WriteAt([]byte(s), 0)
}

// holderLine is the lock file's content while held:
// "held PID SINCE-UNIX-NANO PROFILE\tDOING".
func holderLine(h Holder) string {
	since := int64(0)
	if !h.Since.IsZero() {
		since = h.Since.UnixNano()
	}
	return fmt.Sprintf("held %d %d %s\t%s\n", h.PID, since, h.Profile, strings.ReplaceAll(h.Doing, "\n", " "))
}

func readAll(f *os.File) string {
	b := make([]byte, 4096)
	n, err := f.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	return string(b[:n])
}

func readHolder(f *os.File) Holder {
	s := strings.TrimRight(readAll(f), "\n")
	rest, ok := strings.CutPrefix(s, "held ")
	if !ok {
		return Holder{}
	}
	head, doing, _ := strings.Cut(rest, "\t")
	parts := strings.SplitN(head, " ", 3)
	if len(parts) != 3 {
		return Holder{}
	}
	pid, _ := strconv.Atoi(parts[0])
	h := Holder{PID: pid, Profile: parts[2], Doing: doing}
	if ns, err := strconv.ParseInt(parts[1], 10, 64); err == nil && ns != 0 {
		h.Since = time.Unix(0, ns)
	}
	return h
}

func readFailure(f *os.File) (Failure, bool) {
	s := strings.TrimRight(readAll(f), "\n")
	rest, ok := strings.CutPrefix(s, "failed ")
	if !ok {
		return Failure{}, false
	}
	parts := strings.SplitN(rest, " ", 4)
	if len(parts) != 4 {
		return Failure{}, false
	}
	ns, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return Failure{}, false
	}
	pid, _ := strconv.Atoi(parts[1])
	return Failure{At: time.Unix(0, ns), PID: pid, Profile: parts[2], Message: parts[3]}, true
}

package safefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// ReadTimeout bounds one ReadRegular, whatever its context: a local file
// of a few megabytes is read in milliseconds, so only a file system that
// hangs (a stale network mount, a FUSE server that stopped) reaches it.
const ReadTimeout = 15 * time.Second

// ErrNotRegular means a file stscred was to read is a directory, a FIFO,
// a device or a socket: nothing stscred reads (a config, a token, an
// assertion) is one, and reading it could block for ever (a FIFO without
// a writer) or never end (/dev/zero). The error is a *NotRegularError.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge means a file is larger than its reader's cap. The error is
// a *TooLargeError.
var ErrTooLarge = errors.New("file too large")

// ErrReadTimeout means a file was not read within its deadline (the
// context's, or ReadTimeout).
var ErrReadTimeout = errors.New("file not read in time")

// NotRegularError says what a file that is not a regular one is.
type NotRegularError struct{ Mode fs.FileMode }

func (e *NotRegularError) Error() string { return "it is " + e.What() + ", not a regular file" }

// What names what the file is: "a directory", "a named pipe (FIFO)", "a
// character device", ...
func (e *NotRegularError) What() string { return describeType(e.Mode) }

func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// TooLargeError says what the cap was.
type TooLargeError struct{ Max int64 }

func (e *TooLargeError) Error() string { return "it is larger than " + SizeText(e.Max) }

func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// ReadRegular reads the file at path, which another party may have
// written (the AWS config, a web identity token, a SAML assertion): it
// must be a regular file of at most max bytes. Opening it never blocks
// (on Unix it is opened with O_NONBLOCK and O_NOCTTY, so a FIFO without
// a writer or a terminal opens at once), and it is checked with fstat on
// the open file, before a byte is read, so nothing swapped in between a
// check and the open is read. The whole read ends when ctx ends or after
// ReadTimeout, whichever comes first (a read stuck in the kernel is left
// behind; its result is dropped).
//
// Errors do not repeat the path (callers name the file as their user
// knows it): a missing file is an error satisfying
// errors.Is(err, fs.ErrNotExist); one that is no regular file a
// *NotRegularError; one larger than max a *TooLargeError; a read that
// ran out of time wraps ErrReadTimeout.
func ReadRegular(ctx context.Context, path string, max int64) ([]byte, error) {
	return readBounded(ctx, path, max, openNoBlock, ReadTimeout)
}

func readBounded(ctx context.Context, path string, max int64, open func(string) (*os.File, error), limit time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1) // the reader never waits for a caller that left
	go func() {
		data, err := readOpen(path, max, open)
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w: reading it did not finish in time (is it on a file system that does not answer?)", ErrReadTimeout)
		}
		return nil, ctx.Err()
	}
}

func readOpen(path string, max int64, open func(string) (*os.File, error)) ([]byte, error) {
	f, err := open(path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, unwrapPath(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{Mode: fi.Mode()}
	}
	if fi.Size() > max {
		return nil, &TooLargeError{Max: max}
	}
	// One read of the size fstat gave, and one byte more to see a file
	// that grew past the cap meanwhile.
	buf := make([]byte, 0, fi.Size()+1)
	data, err := readAllInto(buf, io.LimitReader(f, max+1))
	if err != nil {
		return nil, unwrapPath(err)
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Max: max}
	}
	return data, nil
}

// readAllInto is io.ReadAll appending to buf.
func readAllInto(buf []byte, r io.Reader) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// unwrapPath drops an *fs.PathError's operation and path: callers name
// the file themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// describeType names what a file that is not a regular one is.
func describeType(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "of type " + m.Type().String()
}

// SizeText shows a size cap: 64 KiB, 16 MiB, 100 bytes.
func SizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

//go:build !windows

package safefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stscred/stscred/internal/sys/safefile"
)

// A FIFO (nobody writing, or a writer that never stops) and devices are
// refused before a byte is read: the read returns, and says what the
// file is.
func TestReadRegularRefusesFIFOsAndDevices(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readReturns(t, fifo, 1<<20); !errors.Is(err, safefile.ErrNotRegular) || err.Error() != "it is a named pipe (FIFO), not a regular file" {
		t.Fatalf("a FIFO without a writer: %v", err)
	}
	// A writer that would feed it for ever.
	w, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Write([]byte("eyJ.eyJ.sig")); err != nil {
		t.Fatal(err)
	}
	if _, err := readReturns(t, fifo, 1<<20); !errors.Is(err, safefile.ErrNotRegular) {
		t.Fatalf("a FIFO with a writer: %v", err)
	}
	for path, want := range map[string]string{
		"/dev/zero": "it is a character device, not a regular file",
		"/dev/null": "it is a character device, not a regular file",
	} {
		if _, err := os.Stat(path); err != nil {
			continue
		}
		if _, err := readReturns(t, path, 1<<20); !errors.Is(err, safefile.ErrNotRegular) || err.Error() != want {
			t.Errorf("%s: %v, want %q", path, err, want)
		}
	}
	// A symbolic link to a regular file is read; to a FIFO, refused.
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o600)
	for target, ok := range map[string]bool{file: true, fifo: false} {
		link := filepath.Join(dir, "link-"+filepath.Base(target))
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		if _, err := readReturns(t, link, 10); (err == nil) != ok {
			t.Errorf("a link to %s: %v", target, err)
		}
	}
	// A socket.
	sock := filepath.Join(dir, "sock")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: sock}); err != nil {
		t.Fatal(err)
	}
	if _, err := readReturns(t, sock, 10); err == nil {
		t.Error("a socket was read")
	}
}

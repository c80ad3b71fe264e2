package safefile_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/sys/safefile"
)

// readReturns runs ReadRegular and fails the test if it has not returned
// after a minute: a hang shows as the read not returning at all.
func readReturns(t *testing.T, path string, max int64) ([]byte, error) {
	t.Helper()
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := safefile.ReadRegular(context.Background(), path, max)
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-time.After(time.Minute):
		t.Fatalf("ReadRegular(%s) has not returned after a minute", path)
		return nil, nil
	}
}

func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	if err := os.WriteFile(file, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := readReturns(t, file, 10); err != nil || string(data) != "0123456789" {
		t.Fatalf("a file of exactly the cap: %q %v", data, err)
	}
	if _, err := readReturns(t, file, 9); !errors.Is(err, safefile.ErrTooLarge) || err.Error() != "it is larger than 9 bytes" {
		t.Fatalf("a file over the cap: %v", err)
	}
	// A huge (sparse) file is refused by its size, never read.
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 1<<40); err != nil {
		t.Fatal(err)
	}
	if _, err := readReturns(t, big, 16<<20); !errors.Is(err, safefile.ErrTooLarge) || !strings.Contains(err.Error(), "larger than 16 MiB") {
		t.Fatalf("a 1 TiB file: %v", err)
	}
	if _, err := readReturns(t, filepath.Join(dir, "missing"), 10); !errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), dir) {
		t.Fatalf("a missing file: %v (the error must not repeat the path)", err)
	}
	var nr *safefile.NotRegularError
	if _, err := readReturns(t, dir, 10); !errors.Is(err, safefile.ErrNotRegular) || !errors.As(err, &nr) || !nr.Mode.IsDir() || err.Error() != "it is a directory, not a regular file" {
		t.Fatalf("a directory: %v", err)
	}
	// An empty file is read (whether empty is allowed is the caller's).
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	if data, err := readReturns(t, empty, 10); err != nil || len(data) != 0 {
		t.Fatalf("an empty file: %q %v", data, err)
	}
}

func TestSizeText(t *testing.T) {
	for n, want := range map[int64]string{64 << 10: "64 KiB", 1 << 20: "1 MiB", 16 << 20: "16 MiB", 100: "100 bytes", 1536: "1536 bytes"} {
		if got := safefile.SizeText(n); got != want {
			t.Errorf("SizeText(%d) = %q, want %q", n, got, want)
		}
	}
}

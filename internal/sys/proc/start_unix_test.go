//go:build unix

package proc

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// lineWatcher calls seen with each line written to it, as it comes.
type lineWatcher struct {
	mu   sync.Mutex
	buf  strings.Builder
	seen func(string)
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		s := w.buf.String()
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.seen(s[:i])
		w.buf.Reset()
		w.buf.WriteString(s[i+1:])
	}
}

// StartOptions.Stderr gets the program's stderr while it runs: the
// program here waits, after its first line, for the caller to have seen
// it (a pipe it reads), so the test fails if stderr came only at the end.
func TestStartStreamsStderr(t *testing.T) {
	pr, pw := io.Pipe()
	var lines []string
	w := &lineWatcher{seen: func(l string) {
		lines = append(lines, l)
		if l == "Touch your YubiKey..." {
			go func() { pw.Write([]byte("touched\n")); pw.Close() }()
		}
	}}
	var r Runner
	// A guard, not a measure: streaming that does not stream would
	// leave the program waiting for its stdin.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := r.Start(ctx, []string{"/bin/sh", "-c", `echo 'Touch your YubiKey...' >&2; read x; echo "$x" >&2; echo 123456`},
		StartOptions{Stdin: pr, Stderr: w, Kill: true})
	if err != nil || strings.TrimSpace(string(out.Stdout)) != "123456" {
		t.Fatalf("Start: %q %v", out.Stdout, err)
	}
	if strings.Join(lines, "|") != "Touch your YubiKey...|touched" {
		t.Fatalf("stderr lines %q", lines)
	}
	// A failure's StartError holds no stderr when it was streamed.
	w = &lineWatcher{seen: func(l string) { lines = append(lines, l) }}
	_, err = r.Start(context.Background(), []string{"/bin/sh", "-c", "echo 'ERROR: No YubiKey detected!' >&2; exit 1"}, StartOptions{Stderr: w})
	var se *StartError
	if !errors.As(err, &se) || se.Stderr != "" || lines[len(lines)-1] != "ERROR: No YubiKey detected!" {
		t.Fatalf("failure: %v %+v %q", err, se, lines)
	}
}

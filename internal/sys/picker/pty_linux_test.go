//go:build linux

package picker

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// screen is a pseudo-terminal: the picker's side (tty) and the user's
// (what is drawn, read from the master; what is typed, written to it).
type screen struct {
	t      *testing.T
	master *os.File
	tty    *os.File
	mu     sync.Mutex
	drawn  bytes.Buffer
}

func newScreen(t *testing.T) *screen {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pty: %v", err)
	}
	if err := pty.Setsize(master, &pty.Winsize{Rows: 30, Cols: 100}); err != nil {
		t.Fatal(err)
	}
	s := &screen{t: t, master: master, tty: tty}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			s.mu.Lock()
			s.drawn.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		tty.Close()
		master.Close()
	})
	return s
}

func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.drawn.String()
}

// waitFor waits until the screen has shown want.
func (s *screen) waitFor(want string) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(s.text(), want) {
		if time.Now().After(deadline) {
			s.t.Fatalf("the terminal never showed %q; it shows:\n%q", want, s.text())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *screen) typeKeys(keys string) {
	s.t.Helper()
	if _, err := s.master.WriteString(keys); err != nil {
		s.t.Fatal(err)
	}
}

type result struct {
	i   int
	err error
}

// run starts the picker on the pty's terminal side.
func (s *screen) run(ctx context.Context) <-chan result {
	done := make(chan result, 1)
	go func() {
		i, err := Run(ctx, s.tty, s.tty, Request{Title: "stscred use: choose a profile", Header: []string{"PROFILE", "KIND"},
			Rows: rows, Environ: []string{"TERM=xterm-256color"}})
		done <- result{i, err}
	}()
	return done
}

func wait(t *testing.T, done <-chan result) result {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("the picker did not end")
	}
	return result{}
}

// The picker on a real terminal: drawn there, raw mode while it runs
// (keys arrive one by one, unechoed), the terminal as it was afterwards.
func TestOnATerminal(t *testing.T) {
	for _, tc := range []struct {
		name, keys string
		want       int
		err        error
	}{
		{"filter and choose", "prd\r", 2, nil},
		{"move and choose", "\x1b[B\x1b[B\x1b[B\r", 3, nil},
		{"escape", "pro\x1b", -1, ErrCanceled},
		{"ctrl-c", "pro\x03", -1, ErrCanceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScreen(t)
			before, err := unix.IoctlGetTermios(int(s.tty.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			done := s.run(context.Background())
			s.waitFor("4/4")
			s.typeKeys(tc.keys)
			r := wait(t, done)
			if r.i != tc.want || !errors.Is(r.err, tc.err) {
				t.Fatalf("got %d, %v; want %d, %v\nscreen: %q", r.i, r.err, tc.want, tc.err, s.text())
			}
			after, err := unix.IoctlGetTermios(int(s.tty.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			if after.Lflag != before.Lflag || after.Iflag != before.Iflag || after.Oflag != before.Oflag {
				t.Errorf("the terminal was not put back: lflag %#x -> %#x, iflag %#x -> %#x", before.Lflag, after.Lflag, before.Iflag, after.Iflag)
			}
			if !strings.Contains(s.text(), "stscred use: choose a profile") || !strings.Contains(s.text(), "prod-admin") {
				t.Errorf("the picker was not drawn on the terminal: %q", s.text())
			}
		})
	}
}

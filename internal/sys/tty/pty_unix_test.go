//go:build !windows

package tty

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// terminal is a pseudo-terminal: the program side (tty, what stscred
// reads and writes) and the user's side (what the user sees on screen,
// gathered from the master, and what the user types).
type terminal struct {
	t      *testing.T
	master *os.File
	tty    *os.File
	chunks chan string
	screen strings.Builder // what the user has seen so far
}

func newTerminal(t *testing.T) *terminal {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pty: %v", err)
	}
	term := &terminal{t: t, master: master, tty: tty, chunks: make(chan string, 64)}
	go func() {
		buf := make([]byte, 1024)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				term.chunks <- string(buf[:n])
			}
			if err != nil {
				close(term.chunks)
				return
			}
		}
	}()
	t.Cleanup(func() {
		tty.Close()
		master.Close()
	})
	return term
}

// waitFor waits until the screen shows s after what it showed at from,
// and returns where s ends.
func (term *terminal) waitFor(from int, s string) int {
	term.t.Helper()
	for {
		if i := strings.Index(term.screen.String()[from:], s); i >= 0 {
			return from + i + len(s)
		}
		c, ok := <-term.chunks
		if !ok {
			term.t.Fatalf("the terminal closed before showing %q; it showed %q", s, term.screen.String())
		}
		term.screen.WriteString(c)
	}
}

func (term *terminal) typeIn(s string) {
	term.t.Helper()
	if _, err := term.master.WriteString(s); err != nil {
		term.t.Fatal(err)
	}
}

func (term *terminal) state() unix.Termios {
	term.t.Helper()
	st, err := unix.IoctlGetTermios(int(term.tty.Fd()), ioctlGetTermios)
	if err != nil {
		term.t.Fatal(err)
	}
	return *st
}

// spy is the terminal as ReadHidden gets it, noting the terminal's echo
// setting at every write: the prompt must find echo already off. (Its
// methods are spelled out: an embedded *os.File would lend it WriteString,
// which io.WriteString prefers to Write.)
type spy struct {
	File     *os.File
	mu       sync.Mutex
	echoAt   []bool // at each write, whether echo was on
	modesAt  []unix.Termios
	writeLog []string
}

func (s *spy) Write(p []byte) (int, error) {
	st, err := unix.IoctlGetTermios(int(s.File.Fd()), ioctlGetTermios)
	s.mu.Lock()
	if err == nil {
		s.echoAt = append(s.echoAt, st.Lflag&unix.ECHO != 0)
		s.modesAt = append(s.modesAt, *st)
	}
	s.writeLog = append(s.writeLog, string(p))
	s.mu.Unlock()
	return s.File.Write(p)
}

func (s *spy) Read(p []byte) (int, error) { return s.File.Read(p) }
func (s *spy) Close() error               { return s.File.Close() }
func (s *spy) Fd() uintptr                { return s.File.Fd() }

type result struct {
	line string
	err  error
}

func readHidden(t TTY, prompt string) <-chan result {
	done := make(chan result, 1)
	go func() {
		line, err := ReadHidden(t, prompt)
		done <- result{line, err}
	}()
	return done
}

func TestReadHiddenOnATerminal(t *testing.T) {
	term := newTerminal(t)
	before := term.state()
	if before.Lflag&unix.ECHO == 0 {
		t.Fatal("a new pty does not echo: nothing to test")
	}
	s := &spy{File: term.tty}
	done := readHidden(s, "MFA code for arn:aws:iam::111111111111:mfa/alice: ")
	at := term.waitFor(0, "mfa/alice: ")
	// Typed the moment the prompt shows.
	term.typeIn("123456\n")
	r := <-done
	if r.err != nil || r.line != "123456" {
		t.Fatalf("ReadHidden = %q, %v; want 123456, nil", r.line, r.err)
	}
	// The line ends what the user sees of the prompt; the code is not on
	// the screen.
	end := term.waitFor(at, "\n")
	if shown := term.screen.String()[at:end]; strings.Contains(shown, "123456") {
		t.Errorf("the code was echoed: %q", shown)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.echoAt) == 0 || s.echoAt[0] {
		t.Errorf("echo at each write: %v; want off when the prompt is written", s.echoAt)
	}
	if len(s.modesAt) > 0 {
		if m := s.modesAt[0]; m.Lflag&unix.ICANON == 0 || m.Lflag&unix.ISIG == 0 {
			t.Errorf("at the prompt, line editing (ICANON) or Ctrl-C (ISIG) is off: lflag %#x", m.Lflag)
		}
	}
	if after := term.state(); after != before {
		t.Errorf("terminal not restored:\nbefore %+v\nafter  %+v", before, after)
	}
}

// What is typed after the line stays on the terminal for the next reader.
func TestReadHiddenTakesOneLine(t *testing.T) {
	term := newTerminal(t)
	done := readHidden(term.tty, "first: ")
	at := term.waitFor(0, "first: ")
	term.typeIn("111111\n222222\n")
	if r := <-done; r.err != nil || r.line != "111111" {
		t.Fatalf("first ReadHidden = %q, %v", r.line, r.err)
	}
	done = readHidden(term.tty, "second: ")
	term.waitFor(at, "second: ")
	if r := <-done; r.err != nil || r.line != "222222" {
		t.Fatalf("second ReadHidden = %q, %v; want the line typed after the first", r.line, r.err)
	}
}

// A terminal in raw mode (as a full-screen program may leave it) gets
// line editing and Ctrl-C back for the prompt, gives a line, and is left
// raw again.
func TestReadHiddenRestoresRawMode(t *testing.T) {
	term := newTerminal(t)
	if _, err := makeRaw(term.tty); err != nil {
		t.Fatal(err)
	}
	before := term.state()
	s := &spy{File: term.tty}
	done := readHidden(s, "code: ")
	term.waitFor(0, "code: ")
	term.typeIn("654321\r")
	if r := <-done; r.err != nil || r.line != "654321" {
		t.Fatalf("ReadHidden = %q, %v; want 654321, nil", r.line, r.err)
	}
	s.mu.Lock()
	if len(s.modesAt) == 0 {
		t.Fatal("nothing written")
	}
	if m := s.modesAt[0]; m.Lflag&unix.ECHO != 0 || m.Lflag&unix.ICANON == 0 || m.Lflag&unix.ISIG == 0 {
		t.Errorf("at the prompt: lflag %#x; want ECHO off, ICANON and ISIG on", m.Lflag)
	}
	s.mu.Unlock()
	if after := term.state(); after != before {
		t.Errorf("raw mode not restored:\nbefore %+v\nafter  %+v", before, after)
	}
}

func makeRaw(f *os.File) (*term.State, error) { return term.MakeRaw(int(f.Fd())) }

// Ctrl-C, SIGTERM and SIGHUP at the prompt restore the terminal, and
// ReadHidden says the user interrupted.
func TestReadHiddenInterrupted(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			// Should the signal come before ReadHidden listens, it lands
			// here rather than ending the test binary.
			guard := make(chan os.Signal, 1)
			signal.Notify(guard, sig)
			defer signal.Stop(guard)

			term := newTerminal(t)
			before := term.state()
			s := &spy{File: term.tty}
			done := readHidden(s, "code: ")
			at := term.waitFor(0, "code: ")
			term.typeIn("12") // half a code
			if err := syscall.Kill(os.Getpid(), sig); err != nil {
				t.Fatal(err)
			}
			r := <-done
			if !errors.Is(r.err, ErrInterrupted) {
				t.Fatalf("ReadHidden after %v = %q, %v; want ErrInterrupted", sig, r.line, r.err)
			}
			if r.line != "" {
				t.Errorf("ReadHidden after %v returned %q", sig, r.line)
			}
			if after := term.state(); after != before {
				t.Errorf("terminal not restored after %v:\nbefore %+v\nafter  %+v", sig, before, after)
			}
			// The cursor is left on a line of its own.
			term.waitFor(at, "\n")
		})
	}
}

// ReadHiddenFrom reads from a terminal on in and prompts on out: echo is
// off by the time the prompt is written, and on again afterwards.
func TestReadHiddenFromATerminal(t *testing.T) {
	term := newTerminal(t)
	before := term.state()
	out := &promptWriter{fd: int(term.tty.Fd()), wrote: make(chan struct{}, 8)}
	done := make(chan result, 1)
	go func() {
		line, err := ReadHiddenFrom(term.tty, out, "Secret access key (not shown): ")
		done <- result{line, err}
	}()
	<-out.wrote
	term.typeIn("wJalrXUtnFEMI/K7MDENG\n")
	r := <-done
	if r.err != nil || r.line != "wJalrXUtnFEMI/K7MDENG" {
		t.Fatalf("ReadHiddenFrom = %q, %v", r.line, r.err)
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	if !strings.HasPrefix(out.text.String(), "Secret access key (not shown): ") {
		t.Errorf("prompt written: %q", out.text.String())
	}
	if len(out.echoAt) == 0 || out.echoAt[0] {
		t.Errorf("echo at each write to out: %v; want off at the prompt", out.echoAt)
	}
	if after := term.state(); after != before {
		t.Errorf("terminal not restored:\nbefore %+v\nafter  %+v", before, after)
	}
	// Nothing of the secret reached the screen: send a marker line to see
	// everything the terminal echoed up to now.
	term.typeIn("marker\n")
	end := term.waitFor(0, "marker")
	if shown := term.screen.String()[:end]; strings.Contains(shown, "wJalr") {
		t.Errorf("the secret was echoed: %q", shown)
	}
}

// promptWriter is ReadHiddenFrom's out (stderr), noting the echo setting
// of the terminal fd at each write.
type promptWriter struct {
	fd     int
	mu     sync.Mutex
	text   strings.Builder
	echoAt []bool
	wrote  chan struct{}
}

func (w *promptWriter) Write(p []byte) (int, error) {
	st, err := unix.IoctlGetTermios(w.fd, ioctlGetTermios)
	if err != nil {
		return 0, fmt.Errorf("termios: %w", err)
	}
	w.mu.Lock()
	w.echoAt = append(w.echoAt, st.Lflag&unix.ECHO != 0)
	w.text.Write(p)
	w.mu.Unlock()
	select {
	case w.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}

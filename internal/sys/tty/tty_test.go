package tty_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/sys/tty"
)

// fakeTTY is a terminal without a file descriptor: what it reads comes
// from in, what is written to it goes to out, and log records the order
// of reads and writes.
type fakeTTY struct {
	in     io.Reader
	out    bytes.Buffer
	log    []string
	closed bool
}

func (f *fakeTTY) Read(p []byte) (int, error) {
	f.log = append(f.log, "read")
	return f.in.Read(p)
}

func (f *fakeTTY) Write(p []byte) (int, error) {
	f.log = append(f.log, "write "+string(p))
	return f.out.Write(p)
}

func (f *fakeTTY) Close() error {
	f.closed = true
	return nil
}

func TestNotifyWithoutATerminal(t *testing.T) {
	if tty.Notify(nil, "waiting") {
		t.Error("Notify with no opener reported a terminal")
	}
	opened := 0
	open := func() (tty.TTY, error) {
		opened++
		return nil, errors.New("open /dev/tty: no such device or address")
	}
	if tty.Notify(open, "waiting") {
		t.Error("Notify reported a terminal it could not open")
	}
	if opened != 1 {
		t.Errorf("opener called %d times, want 1", opened)
	}
}

func TestNotifyWritesOneLineAndCloses(t *testing.T) {
	f := &fakeTTY{in: strings.NewReader("")}
	open := func() (tty.TTY, error) { return f, nil }
	if !tty.Notify(open, "waiting for process 4242 (prod-admin)") {
		t.Fatal("Notify did not report the terminal")
	}
	if got, want := f.out.String(), "stscred: waiting for process 4242 (prod-admin)\n"; got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
	if !f.closed {
		t.Error("the terminal was left open")
	}
}

// A message carrying control characters (from a profile name, say) cannot
// forge a second line or reach the terminal as an escape sequence.
func TestNotifyEscapesControlCharacters(t *testing.T) {
	f := &fakeTTY{in: strings.NewReader("")}
	open := func() (tty.TTY, error) { return f, nil }
	tty.Notify(open, "waiting for prod\nstscred: hint: run evil\x1b]0;title\x07\r")
	got := f.out.String()
	if strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "\n") {
		t.Errorf("wrote %q: want exactly one line", got)
	}
	if strings.ContainsAny(got, "\x1b\x07\r") {
		t.Errorf("wrote %q: a control character reached the terminal", got)
	}
	if !strings.HasPrefix(got, "stscred: waiting for prod") {
		t.Errorf("wrote %q", got)
	}
}

func TestReadHiddenFromAFakeTerminal(t *testing.T) {
	f := &fakeTTY{in: strings.NewReader("123456\r\nnext line\n")}
	line, err := tty.ReadHidden(f, "MFA code: ")
	if err != nil || line != "123456" {
		t.Fatalf("ReadHidden = %q, %v; want 123456, nil", line, err)
	}
	if got := f.out.String(); got != "MFA code: " {
		t.Errorf("wrote %q, want the prompt", got)
	}
	if len(f.log) == 0 || f.log[0] != "write MFA code: " {
		t.Errorf("the prompt was not written before reading: %q", f.log)
	}
	if f.closed {
		t.Error("ReadHidden closed the terminal; that is its owner's job")
	}
}

func TestReadHiddenAtEndOfInput(t *testing.T) {
	f := &fakeTTY{in: strings.NewReader("")}
	line, err := tty.ReadHidden(f, "MFA code: ")
	if err == nil {
		t.Fatalf("ReadHidden at end of input = %q, nil; want an error", line)
	}
	if line != "" {
		t.Errorf("ReadHidden at end of input = %q", line)
	}
}

// pipeTTY has a file descriptor that is not a terminal: echo cannot be
// turned off, and the line is read all the same.
type pipeTTY struct {
	r   *os.File // the read end
	out bytes.Buffer
}

func (p *pipeTTY) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p *pipeTTY) Write(b []byte) (int, error) { return p.out.Write(b) }
func (p *pipeTTY) Close() error                { return p.r.Close() }
func (p *pipeTTY) Fd() uintptr                 { return p.r.Fd() }

func TestReadHiddenFromAPipeWithAFileDescriptor(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if _, err := w.WriteString("s3cret passphrase\n"); err != nil {
		t.Fatal(err)
	}
	p := &pipeTTY{r: r}
	line, err := tty.ReadHidden(p, "passphrase: ")
	if err != nil || line != "s3cret passphrase" {
		t.Fatalf("ReadHidden = %q, %v", line, err)
	}
	if got := p.out.String(); got != "passphrase: " {
		t.Errorf("wrote %q, want the prompt", got)
	}
}

func TestReadHiddenFromAPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if _, err := w.WriteString("wJalrXUtnFEMI/K7MDENG\r\n"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	line, err := tty.ReadHiddenFrom(r, &out, "Secret access key (not shown): ")
	if err != nil || line != "wJalrXUtnFEMI/K7MDENG" {
		t.Fatalf("ReadHiddenFrom = %q, %v", line, err)
	}
	if got := out.String(); got != "Secret access key (not shown): " {
		t.Errorf("wrote %q, want the prompt only", got)
	}
	if strings.Contains(out.String(), "wJalr") {
		t.Error("the secret was written out")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("stderr closed") }

func TestReadHiddenFromPromptFails(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	w.WriteString("123456\n")
	if line, err := tty.ReadHiddenFrom(r, failingWriter{}, "Code: "); err == nil {
		t.Fatalf("ReadHiddenFrom with a failing prompt = %q, nil; want the error", line)
	}
}

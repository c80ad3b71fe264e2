package proc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"syscall"
	"time"
)

// Runner is the one place stscred starts child processes: a line from the
// config (Line), a program such as a browser or a desktop dialog (Start),
// and the command `stscred exec` runs (Exec). Every child gets the
// environment without stscred's private variables (the file keystore's
// passphrase, the MFA code given to stscred), whatever environment the
// caller hands in, and what stscred reads back from a child is bounded in
// size and time. No other code of stscred's starts a process: a test of
// this package fails if any does.
type Runner struct {
	// Environ is the environment of this process, as main read it.
	Environ []string
	// LookPath finds a program on PATH (a line's, before it is run, so
	// that a missing one is reported by name; nil skips that check).
	LookPath func(string) (string, error)

	env []string
}

// Env is Environ without what no child may inherit, worked out once. A
// nil Runner starts children with an empty environment.
func (r *Runner) Env() []string {
	if r == nil {
		return []string{}
	}
	if r.env == nil {
		r.env = ChildEnv(r.Environ)
	}
	return r.env
}

// DefaultMaxOutput is how much a child may write for stscred to read: far
// more than any credential document, token, assertion or code.
const DefaultMaxOutput = 1 << 20

func (o LineOptions) maxOutput() int64 {
	if o.MaxOutput > 0 {
		return o.MaxOutput
	}
	return DefaultMaxOutput
}

// StartOptions say how to start a program.
type StartOptions struct {
	// Patience is how long to wait for the program to end before leaving
	// it running (a browser started directly may stay until its window
	// closes); 0 waits as long as ctx allows.
	Patience time.Duration
	// Stdin is what the program reads; nil is empty.
	Stdin io.Reader
	// Quiet discards what the program writes to stderr; otherwise it
	// comes back with a failure (StartError).
	Quiet bool
	// Kill ends the program when ctx ends (a dialog nobody answered);
	// otherwise it is left running (a browser the user still uses).
	Kill bool
	// Stderr, when set, is given what the program writes to stderr as it
	// writes it (at most 64 KiB), for a caller that watches it (ykman's
	// "Touch your YubiKey..."); a failure's StartError then holds none.
	Stderr io.Writer
}

// Started is what a program started with Start did.
type Started struct {
	// Stdout is what it printed, at most DefaultMaxOutput bytes.
	Stdout []byte
	// Running is true when it was left running after Patience.
	Running bool
}

// Start runs the program argv[0] (a path) with argv's arguments, not
// through a shell, with the runner's environment, and waits for it to end
// (up to Patience, or until ctx ends). Its stdout is kept (bounded); its
// stderr comes back in the error when it fails.
func (r *Runner) Start(ctx context.Context, argv []string, o StartOptions) (Started, error) {
	if len(argv) == 0 {
		return Started{}, errors.New("no program to start")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = r.Env()
	cmd.Stdin = o.Stdin
	var stdout, stderr bytes.Buffer
	out := &cappedWriter{w: &stdout, max: DefaultMaxOutput}
	cmd.Stdout = out
	switch {
	case o.Stderr != nil:
		cmd.Stderr = &cappedWriter{w: o.Stderr, max: 64 << 10}
	case !o.Quiet:
		cmd.Stderr = &cappedWriter{w: &stderr, max: 64 << 10}
	}
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return Started{}, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var patience <-chan time.Time
	if o.Patience > 0 {
		t := time.NewTimer(o.Patience)
		defer t.Stop()
		patience = t.C
	}
	select {
	case err := <-done:
		if err != nil {
			return Started{Stdout: stdout.Bytes()}, &StartError{Err: err, Stderr: stderr.String()}
		}
		if out.exceeded {
			return Started{}, fmt.Errorf("%s printed more than %s", argv[0], bytesHuman(out.max))
		}
		return Started{Stdout: stdout.Bytes()}, nil
	case <-patience:
		return Started{Running: true}, nil
	case <-ctx.Done():
		if o.Kill {
			_ = cmd.Process.Kill()
			<-done
		}
		return Started{Running: !o.Kill}, ctx.Err()
	}
}

// StartError is a program that ended with an error, with the last of
// what it wrote to stderr (for the caller to show, blanking what must not
// be shown).
type StartError struct {
	Err    error
	Stderr string
}

func (e *StartError) Error() string { return e.Err.Error() }
func (e *StartError) Unwrap() error { return e.Err }

// Exec runs the command `stscred exec` runs: path with argv, stdio passed
// through, signals relayed, ending with the child's status (see
// runChild). Its environment is env without stscred's private variables;
// the child holds the sockets in hold (the credentials endpoint's
// listener) for as long as it runs, so that their ports stay bound even
// if stscred dies first (on Unix as fd 3, 4, ...; on Windows as inherited
// handles); started runs once the child has started.
func (r *Runner) Exec(path string, argv, env []string, hold []Held, started func()) error {
	return runChild(path, argv, ChildEnv(env), hold, started)
}

// Held is a socket a child holds: a *net.TCPListener. It must stay open
// until Exec returns.
type Held interface {
	SyscallConn() (syscall.RawConn, error)
}

// cappedWriter passes at most max bytes on; past that it records the
// excess and calls over (which stops the child).
type cappedWriter struct {
	w        io.Writer
	max      int64
	n        int64
	exceeded bool
	over     func()
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	if c.exceeded {
		return len(p), nil
	}
	if c.n+int64(len(p)) > c.max {
		c.exceeded = true
		if c.over != nil {
			c.over()
		}
		return len(p), nil
	}
	c.n += int64(len(p))
	return c.w.Write(p)
}

func bytesHuman(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

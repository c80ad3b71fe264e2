// Package app is stscred's application below the command line, in three
// parts: the Process (what main hands in: stdio, the environment, the
// clock, the terminal, the PID and the global flags), the Services built
// from it lazily, each once, only when a command reaches them (the config
// and its profile model, the keystore, the session cache, the resolver and
// what it asks — MFA, identity tokens, IAM Identity Center), and the
// operations the commands ask for, each a function that takes only what
// it uses and prints what it did. cmd/stscred's commands read their flags
// and call it; it knows nothing of kong. It may import any stscred
// package except cmd/stscred.
package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/sys/picker"
	"github.com/stscred/stscred/internal/sys/tty"
)

// Process is everything a command may touch outside the process: main
// fills it with the real thing, tests with fakes. Nothing past main reads
// the os package's view of the process.
type Process struct {
	Stdin         *bufio.Reader
	Stdout        io.Writer
	Stderr        io.Writer
	StdinTerminal bool
	ReadSecret    func(prompt string) (string, error) // prompts on stderr and reads a line from the terminal without echo
	Getenv        func(string) string
	Environ       func() []string
	Now           func() time.Time
	OpenTTY       func() (tty.TTY, error)
	LookPath      func(string) (string, error)
	PID           int
	GOOS          string
	// ParentName is the command name of the process that ran stscred ("" if
	// unknown): export writes the syntax of the shell that will read it.
	ParentName func() string
	// Version is what `stscred version` and --version print: asked only
	// by them (reading the build info is work no other call needs).
	Version func() string
	// Pick shows the profile picker on the controlling terminal and
	// returns the row chosen (picker.OnTerminal); nil for none.
	Pick func(ctx context.Context, req picker.Request) (int, error)

	// ReadKernelFile reads a small file the kernel publishes
	// (/proc/sys/...): where WSL shows itself. nil reads none.
	ReadKernelFile func(string) ([]byte, error)

	// Flags are the global flags, set once they are parsed.
	Flags Flags
}

// Flags are the global flags every command takes, and what a command sets
// for the whole run before any service is built.
type Flags struct {
	MFAToken     string        // --mfa-token
	Prompt       string        // --prompt
	MinRemaining time.Duration // --min-remaining
	LockTimeout  time.Duration // --lock-timeout
	Backend      string        // --backend
	STSTimeout   time.Duration // --sts-timeout
	// SignIn lets a call start an Identity Center sign-in when it has no
	// token (stscred use on a terminal).
	SignIn bool
}

// Parent is the command name of the process that ran stscred, "" if
// unknown.
func (p *Process) Parent() string {
	if p.ParentName == nil {
		return ""
	}
	return p.ParentName()
}

// Human is stdout for messages to a person (never for credentials or
// shell code): control characters from config text are escaped.
func (p *Process) Human() io.Writer { return textsafe.Writer{W: p.Stdout} }

// Environment is the process environment (nil when the Process has none:
// tests).
func (p *Process) Environment() []string {
	if p.Environ == nil {
		return nil
	}
	return p.Environ()
}

// Notify tells the user on the terminal, or on stderr when there is none.
func (p *Process) Notify(msg string) {
	if !tty.Notify(p.OpenTTY, msg) {
		fmt.Fprintf(p.Stderr, "stscred: %s\n", textsafe.Escape(msg))
	}
}

// Warnf writes a warning line to stderr: one line, whatever its
// arguments hold (textsafe.Escape).
func (p *Process) Warnf(format string, args ...any) {
	fmt.Fprintf(p.Stderr, "stscred: warning: %s\n", textsafe.Escape(fmt.Sprintf(format, args...)))
}

// Notef writes a note to stderr: something a person should know besides
// what the command did, one line whatever its arguments hold.
func (p *Process) Notef(format string, args ...any) {
	fmt.Fprintf(p.Stderr, "stscred: note: %s\n", textsafe.Escape(fmt.Sprintf(format, args...)))
}

// Context is the context commands run in.
func (p *Process) Context() context.Context { return context.Background() }

// DefaultProfile is the profile the AWS tools would use in this shell.
func (p *Process) DefaultProfile() string {
	if name := p.ProfileFromEnvironment(); name != "" {
		return name
	}
	return "default"
}

// readCode reads a line the user pastes: on the terminal (not echoed),
// else from stdin.
func (p *Process) readCode(prompt string) (string, error) {
	if p.OpenTTY != nil {
		if t, err := p.OpenTTY(); err == nil {
			defer t.Close()
			return tty.ReadHidden(t, prompt)
		}
	}
	line, err := p.Stdin.ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no code on standard input: %w", err)
	}
	return strings.TrimSpace(line), nil
}

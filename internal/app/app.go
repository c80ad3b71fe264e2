// Package app is stscred's application: the Env every command runs in
// (stdio, the environment, the clock, the terminal, LookPath; main fills it
// with the real thing, tests with fakes) and the wiring of the packages
// from it, set up on first use: the config and its profile model, the
// keystore and its choice, the session cache, the resolver with its STS,
// MFA, identity provider and Identity Center clients, and the operations
// that combine them (adding, rotating and importing keys, signing out).
// cmd/stscred's commands read their flags and call it; it knows nothing of
// kong. It may import any stscred package except cmd/stscred.
package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/sys/tty"
	"github.com/stscred/stscred/keystore"
)

// Env is everything a command may touch outside the process: main fills it
// with the real thing, tests with fakes.
type Env struct {
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
	Version    string
	// Parse reads the arguments of a `stscred ...` command line as the
	// command line itself does (cmd/stscred's grammar).
	Parse profile.Parser

	// Flags are the global flags, set once they are parsed.
	Flags Flags
	// SignIn lets a call start an Identity Center sign-in when it has no
	// token (stscred use on a terminal).
	SignIn bool

	// Set up on first use when nil (tests set them).
	ConfigFile   *awsconfig.File
	KeyStore     keystore.Store
	SessionCache *cache.Cache
}

// Flags are the global flags every command takes.
type Flags struct {
	MFAToken     string        // --mfa-token
	Prompt       string        // --prompt
	MinRemaining time.Duration // --min-remaining
	LockTimeout  time.Duration // --lock-timeout
	Backend      string        // --backend
	STSTimeout   time.Duration // --sts-timeout
}

// Parent is the command name of the process that ran stscred, "" if
// unknown.
func (e *Env) Parent() string {
	if e.ParentName == nil {
		return ""
	}
	return e.ParentName()
}

// Human is stdout for messages to a person (never for credentials or
// shell code): control characters from config text are escaped.
func (e *Env) Human() io.Writer { return textsafe.Writer{W: e.Stdout} }

// Environment is the process environment (nil when the Env has none:
// tests).
func (e *Env) Environment() []string {
	if e.Environ == nil {
		return nil
	}
	return e.Environ()
}

// Notify tells the user on the terminal, or on stderr when there is none.
func (e *Env) Notify(msg string) {
	if !tty.Notify(e.OpenTTY, msg) {
		fmt.Fprintf(e.Stderr, "stscred: %s\n", msg)
	}
}

// Warnf writes a warning line to stderr.
func (e *Env) Warnf(format string, args ...any) {
	fmt.Fprintf(e.Stderr, "stscred: warning: "+format+"\n", args...)
}

// Context is the context commands run in.
func (e *Env) Context() context.Context { return context.Background() }

// DefaultProfile is the profile the AWS tools would use in this shell.
func (e *Env) DefaultProfile() string {
	for _, v := range []string{"STSCRED_PROFILE", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if p := e.Getenv(v); p != "" {
			return p
		}
	}
	return "default"
}

package proc

// Lines: the command lines a user writes into the AWS config (mfa_process,
// a foreign credential_process, and the token and assertion commands of
// the sources without a stored key), run by a Runner, and said what they
// are without repeating them.
//
// Such a line may hold a secret (`mfa_process = oathtool --totp -b SEED`,
// a token argument), so nothing here ever puts the line, or any argument
// of it, into an error or hint: messages name the program, the profile and
// the config key. What the program itself writes to stderr is passed on to
// the user with the line's arguments blotted out, in case the program
// echoes them.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
)

// DefaultTimeout is how long a command may take when the caller sets no
// limit: the Go SDK's own limit for credential_process.
const DefaultTimeout = time.Minute

// Line is a command line from the config, and where it came from.
type Line struct {
	Text    string // the command line as written
	Profile string // the profile (section) it is in
	Key     string // the config key: mfa_process, credential_process, ...
}

// Program is the name of the program the line starts, for messages: the
// base name of its first word that is not a variable assignment, "" when
// there is none. It never includes an argument.
func (l Line) Program() string { return Program(l.Text) }

// What names the line for messages: "mfa_process of profile alice
// (program oathtool)".
func (l Line) What() string {
	s := l.Key + " of profile " + l.Profile
	if p := l.Program(); p != "" {
		s += " (program " + p + ")"
	}
	return s
}

// Program returns the name of the program a command line starts: the base
// name of its first word that is not a NAME=value assignment (an
// assignment's value may be a secret too). Quotes are removed; "" when the
// line starts none.
func Program(line string) string {
	words := Words(line)
	if f := strings.Fields(line); len(f) > 0 && strings.Contains(f[0], `\`) && !strings.ContainsAny(f[0], `"'`) {
		words = f // a Windows path: backslashes separate, they do not escape
	}
	for _, w := range words {
		if isAssignment(w) {
			continue
		}
		// A word with blanks may be a line quoted as a whole ("prog
		// --arg SECRET", and a secret may hold a slash): only what comes
		// before the first blank is shown, marked as cut short (a path
		// with a blank in it is shown short too).
		// A program's path that ends in its name is shown by its name
		// (C:\Program Files\Yubico\ykman.exe).
		cut := ""
		if f := strings.Fields(w); len(f) > 1 && !isProgramPath(w) {
			w, cut = f[0], "…"
		}
		name := filepath.Base(strings.ReplaceAll(w, `\`, "/")) + cut
		if len(name) > 64 {
			name = name[:64] + "…"
		}
		return name
	}
	return ""
}

// Executable is the program a shell would run for the line, as written
// (a path or a name to look up on PATH), skipping NAME=value assignments
// and the exec, command and env prefixes; "" when only the shell can tell
// (a pipeline, a list, an expansion). It is for finding the program, never
// for showing: show Program.
func Executable(line string) string {
	if strings.ContainsAny(line, "|&;<>()$`*?") {
		return ""
	}
	for _, w := range Words(line) {
		switch {
		case w == "exec" || w == "command" || w == "env" || w == "":
			continue
		case strings.Contains(w, "=") && !strings.ContainsRune(w, '/'):
			continue // VAR=value
		}
		return w
	}
	return ""
}

// ProgramWord is the first word of the line that is not an assignment, as
// written (with its path), "" when there is none: what a shell would look
// up on PATH.
func ProgramWord(line string) string {
	for _, w := range Words(line) {
		if !isAssignment(w) {
			return w
		}
	}
	return ""
}

// isProgramPath reports a word with blanks that is the path of a Windows
// program (it ends in .exe, .com, .bat or .cmd and its last element has no
// blank), not a whole line quoted as one word.
func isProgramPath(w string) bool {
	base := filepath.Base(strings.ReplaceAll(w, `\`, "/"))
	if strings.ContainsAny(base, " \t") || !strings.ContainsAny(w, `/\`) {
		return false
	}
	switch strings.ToLower(filepath.Ext(base)) {
	case ".exe", ".com", ".bat", ".cmd":
		return true
	}
	return false
}

func isAssignment(w string) bool {
	name, _, ok := strings.Cut(w, "=")
	if !ok || name == "" {
		return false
	}
	for i, c := range name {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Secrets returns the parts of a line that must never be shown: every
// word after the program, every assignment's value, and the value after
// "=" in a --flag=value word; only parts of 4 characters or more, so that
// blotting them out of a program's messages leaves those readable.
func Secrets(line string) []string {
	var out []string
	add := func(s string) {
		if len(s) >= 4 {
			out = append(out, s)
		}
	}
	seenProgram := false
	for _, w := range Words(line) {
		if isAssignment(w) && !seenProgram {
			_, v, _ := strings.Cut(w, "=")
			add(v)
			continue
		}
		if !seenProgram {
			seenProgram = true
			continue
		}
		add(w)
		if _, v, ok := strings.Cut(w, "="); ok {
			add(v)
		}
	}
	// Longest first, so that a part of a longer secret is not blotted
	// alone and leaves the rest.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Redact replaces every secret in s with "…".
func Redact(s string, secrets []string) string {
	for _, sec := range secrets {
		s = strings.ReplaceAll(s, sec, "…")
	}
	return s
}

// LineOptions say how to run a line.
type LineOptions struct {
	// Stdout receives the program's output (required), at most
	// MaxOutput bytes of it: a program that writes more is stopped.
	Stdout io.Writer
	// Stderr receives the program's messages, with the line's arguments
	// blotted out; nil discards them.
	Stderr io.Writer
	// Timeout bounds the whole run, grandchildren holding the output open
	// included; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxOutput bounds what the program may write to Stdout; 0 means
	// DefaultMaxOutput.
	MaxOutput int64
}

// Line runs the line through the platform's shell (sh -c, cmd /C: as the
// Go SDK runs credential_process), with stdin empty and the runner's
// environment. When the time is up, ctx ends or the program writes more
// than MaxOutput, the whole process group is killed, and Line returns at
// most a moment later even if a grandchild keeps the output open. The
// error names the line (Line.What), never its text, and carries a hint.
func (r *Runner) Line(ctx context.Context, l Line, o LineOptions) error {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	secrets := Secrets(l.Text)
	if r != nil && r.LookPath != nil && lookFirst {
		if word := ProgramWord(l.Text); word != "" && simpleWord(word) {
			if _, err := r.LookPath(word); err != nil {
				return notFound(l)
			}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := shellCommand(ctx, l.Text)
	cmd.Env = r.Env()
	cmd.Stdin = nil
	stdout := &cappedWriter{w: o.Stdout, max: o.maxOutput(), over: cancel}
	cmd.Stdout = stdout
	var stderr *redactingWriter
	if o.Stderr != nil {
		stderr = &redactingWriter{w: o.Stderr, secrets: secrets}
		cmd.Stderr = stderr
	}
	// A grandchild that keeps stdout or stderr open must not hold Run
	// past the deadline: the group is killed, and the pipes are closed
	// this long after.
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	if stderr != nil {
		stderr.Flush()
	}
	if stdout.exceeded {
		return hint.With(fmt.Errorf("%s: it printed more than %s, which no credential or code takes; stopped", l.What(), bytesHuman(stdout.max)),
			"run that "+l.Key+" line of [profile "+l.Profile+"] yourself to see what it prints")
	}
	if ctx.Err() != nil {
		why := fmt.Errorf("no answer within %s", timeout)
		if errors.Is(ctx.Err(), context.Canceled) {
			why = errors.New("interrupted")
		}
		return hint.With(fmt.Errorf("%s: %w", l.What(), why),
			"run that "+l.Key+" line of [profile "+l.Profile+"] yourself to see why it hangs",
			"stscred stopped it and every process it started")
	}
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ee.ExitCode() == notFoundStatus {
			return notFound(l)
		}
		return hint.With(fmt.Errorf("%s failed: exit status %d", l.What(), ee.ExitCode()),
			"run that "+l.Key+" line of [profile "+l.Profile+"] yourself to see what is wrong")
	}
	return hint.With(fmt.Errorf("%s could not be started: %v", l.What(), Redact(err.Error(), secrets)),
		"check the "+l.Key+" line of [profile "+l.Profile+"]")
}

func notFound(l Line) error {
	prog := l.Program()
	return hint.With(fmt.Errorf("%s: program %s not found", l.What(), prog),
		"install "+prog+" (it must be on PATH), or fix the "+l.Key+" line of [profile "+l.Profile+"]")
}

// simpleWord reports a word a shell would look up on PATH as is: no
// expansions, redirections or other syntax.
func simpleWord(w string) bool {
	return w != "" && !strings.ContainsAny(w, "$`;&|<>(){}*?[]~!#") && !strings.Contains(w, "/")
}

// ChildEnv is environ without what a child must never inherit: the file
// keystore's passphrase and the MFA code given to stscred.
func ChildEnv(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if slices.Contains(Private(), name) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// Private are the variables no child of stscred inherits.
func Private() []string { return []string{"STSCRED_FILE_PASSPHRASE", "STSCRED_MFA_TOKEN"} }

// redactingWriter passes whole lines on with secrets blotted out.
type redactingWriter struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string
	buf     bytes.Buffer
}

func (r *redactingWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf.Write(p)
	for {
		i := bytes.IndexByte(r.buf.Bytes(), '\n')
		if i < 0 {
			break
		}
		line := string(r.buf.Next(i + 1))
		if _, err := io.WriteString(r.w, Redact(line, r.secrets)); err != nil {
			return len(p), nil // the user's stderr going away must not fail the program
		}
	}
	// A program that never ends its line still gets shown, in pieces.
	if r.buf.Len() > 4096 {
		_, _ = io.WriteString(r.w, Redact(r.buf.String(), r.secrets))
		r.buf.Reset()
	}
	return len(p), nil
}

// Flush writes what is left without a line end.
func (r *redactingWriter) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.buf.Len() > 0 {
		_, _ = io.WriteString(r.w, Redact(r.buf.String(), r.secrets)+"\n")
		r.buf.Reset()
	}
}

package mfa

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/proc"
)

// Process runs a profile's mfa_process command and reads the code from its
// stdout (e.g. "ykman oath accounts code -s aws"). Its stderr goes to the
// user (a hardware key may ask to be touched), with the line's arguments
// blotted out. Messages name the program and the profile whose section
// holds the line, never the line: it may hold a TOTP seed.
type Process struct {
	Command string
	// Profile is the profile whose section holds mfa_process.
	Profile string
	Stderr  io.Writer
	Timeout time.Duration
	// Runner runs the line (nil: with an empty environment).
	Runner *proc.Runner
}

func (p Process) Name() string      { return "mfa_process" }
func (p Process) Interactive() bool { return false }

func (p Process) line() proc.Line {
	return proc.Line{Text: p.Command, Profile: p.Profile, Key: "mfa_process"}
}

func (p Process) Code(ctx context.Context, req Request) (string, error) {
	var out bytes.Buffer
	l := p.line()
	if l.Profile == "" {
		l.Profile = req.Profile
	}
	if err := p.Runner.Line(ctx, l, proc.LineOptions{Stdout: &out, Stderr: p.Stderr, Timeout: p.Timeout}); err != nil {
		return "", err
	}
	code := normalize(out.String())
	if !ValidCode(code) {
		return "", hint.With(fmt.Errorf("%s printed something that is not a 6-digit code", l.What()),
			"mfa_process must print only the code on stdout; run that line of [profile "+l.Profile+"] yourself to see what it prints")
	}
	return code, nil
}

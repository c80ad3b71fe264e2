package mfa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"time"

	"github.com/stscred/stscred/hint"
)

// Process runs a profile's mfa_process command and reads the code from its
// stdout (e.g. "ykman oath accounts code -s aws"). Its stderr goes to the
// user (a hardware key may ask to be touched).
type Process struct {
	Command string
	Stderr  io.Writer
	Timeout time.Duration
}

func (p Process) Name() string      { return "mfa_process" }
func (p Process) Interactive() bool { return false }

func (p Process) Code(ctx context.Context, req Request) (string, error) {
	timeout := p.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd", "/C", p.Command)
	} else {
		cmd = exec.CommandContext(ctx, "sh", "-c", p.Command)
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = p.Stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("no answer within %s", timeout)
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("exit status %d", ee.ExitCode())
		}
		return "", hint.With(fmt.Errorf("mfa_process of profile %s failed: %w", req.Profile, err),
			"run it yourself to see what is wrong: "+p.Command)
	}
	code := normalize(out.String())
	if !ValidCode(code) {
		return "", hint.With(fmt.Errorf("mfa_process of profile %s printed something that is not a 6-digit code", req.Profile),
			"mfa_process must print only the code on stdout: "+p.Command)
	}
	return code, nil
}

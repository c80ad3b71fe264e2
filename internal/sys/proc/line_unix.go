//go:build !windows

package proc

import (
	"context"
	"os/exec"
	"syscall"
)

// shellCommand runs line with sh -c in a process group of its own, which
// is killed as a whole when ctx ends.
func shellCommand(ctx context.Context, line string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		// The negative pid names the group: sh and everything it started.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	return cmd
}

// sh exits 127 when it finds no program by the line's name. A line's
// program is looked up on PATH first, so that a missing one is named.
const (
	notFoundStatus = 127
	lookFirst      = true
)

package proc

import (
	"context"
	"os/exec"
)

// shellCommand runs line with cmd /C. When ctx ends the child is killed;
// Cmd.WaitDelay then stops the wait for what it started.
func shellCommand(ctx context.Context, line string) *exec.Cmd {
	return exec.CommandContext(ctx, "cmd", "/C", line)
}

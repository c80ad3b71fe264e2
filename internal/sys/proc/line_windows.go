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

// cmd exits 9009 when it finds no program by the line's name. cmd's own
// commands (echo, set, type) are on no PATH: the line is not looked up
// first, cmd says whether it found the program.
const (
	notFoundStatus = 9009
	lookFirst      = false
)

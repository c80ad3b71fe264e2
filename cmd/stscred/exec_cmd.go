package main

import (
	"context"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/ops/credserver"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/internal/sys/proc"
)

// ExecCmd runs a command with a profile's credentials (credserver.Exec).
type ExecCmd struct {
	Profile string   `arg:"" complete:"profile=any" help:"Profile whose credentials the command gets."`
	Command []string `arg:"" optional:"" passthrough:"" help:"The command and its arguments, after --; none, at a terminal: your shell ($$SHELL)."`
	Env     bool     `name:"env" help:"Put the credentials in the command's environment (AWS_ACCESS_KEY_ID, ...) instead of serving them; they are not renewed."`
}

func (c *ExecCmd) Run(p *app.Process, tools *resolve.Tools, runner *proc.Runner) error {
	if len(c.Command) > 0 && c.Command[0] == "--" {
		c.Command = c.Command[1:]
	}
	return credserver.Exec{
		Profile: c.Profile, Command: c.Command, Environ: p.Environment(), Getenv: p.Getenv, AsEnv: c.Env,
		Fetch: func(ctx context.Context) (creds.Credentials, string, error) {
			tc, err := tools.For(ctx, c.Profile)
			return tc.Creds, tc.Region, err
		},
		Stderr: p.Stderr, PrintErr: printError, Runner: runner,
		Terminal: p.StdinTerminal, GOOS: p.GOOS, Parent: p.Parent(),
	}.Run(p.Context())
}

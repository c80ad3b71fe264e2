package main

import (
	"context"
	"errors"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/ops/credserver"
	"github.com/stscred/stscred/shell"
)

// ExecCmd runs a command with a profile's credentials (credserver.Exec).
type ExecCmd struct {
	Profile string   `arg:"" optional:"" complete:"profile=any" help:"Profile whose credentials the command gets (on a terminal, chosen in a picker when not given)."`
	Command []string `arg:"" optional:"" passthrough:"" help:"The command and its arguments, after --; none, at a terminal: your shell ($$SHELL)."`
	Env     bool     `name:"env" help:"Put the credentials in the command's environment (AWS_ACCESS_KEY_ID, ...) instead of serving them; they are not renewed."`
}

func (c *ExecCmd) Run(p *app.Process, s *app.Services) error {
	if c.Profile == "" {
		// Without a terminal, the usage error kong gave when the profile
		// was a required argument.
		name, err := pickProfile(p, s, "exec", shell.AnyProfile)
		if err != nil {
			return err
		}
		if name == "" {
			return usageError{hint.With(errors.New(`expected "<profile>"`), "see: stscred exec --help")}
		}
		c.Profile = name
	}
	tools, err := s.Tools()
	if err != nil {
		return err
	}
	runner := s.Runner()
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

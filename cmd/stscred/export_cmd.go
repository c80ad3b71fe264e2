package main

import (
	"fmt"

	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/shell"
)

// ExportCmd prints the credentials of a profile as environment variables
// for a shell: eval "$(stscred export prod)".
type ExportCmd struct {
	Profile string `arg:"" optional:"" help:"Profile (default: STSCRED_PROFILE, then AWS_PROFILE, then default)."`
	Format  string `enum:"auto,sh,fish,powershell,dotenv,json" default:"auto" help:"Output syntax: ${enum} (auto: from the SHELL variable, else sh)."`
}

func (c *ExportCmd) Run(env *Env, g *Globals) error {
	name := c.Profile
	if name == "" {
		name = env.defaultProfile()
	}
	format := c.Format
	if format == "" || format == "auto" {
		format = shell.FormatFor(env.Getenv("SHELL"))
	}
	tc, err := env.credentialsFor(env.context(), g, name)
	if err != nil {
		return err
	}
	if !tc.Creds.Temporary() {
		return hint.With(fmt.Errorf("profile %s yields long-term keys, which stscred does not export", name),
			"export a role or a session: stscred export <role profile>")
	}
	return shell.Write(env.Stdout, format, shell.Export{Profile: name, Region: tc.Region, Creds: tc.Creds})
}

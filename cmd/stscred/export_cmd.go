package main

import "github.com/stscred/stscred/internal/app"

// ExportCmd prints the credentials of a profile as environment variables
// for a shell: eval "$(stscred export prod)".
type ExportCmd struct {
	Profile string `arg:"" optional:"" complete:"profile=any" help:"Profile (default: STSCRED_PROFILE, then AWS_PROFILE, then default)."`
	Format  string `enum:"auto,sh,bash,zsh,fish,powershell,pwsh,dotenv,json" default:"auto" help:"Output syntax: ${enum} (auto: that of the shell that runs stscred, else sh; bash and zsh read sh)."`
	// Hook is how the shell integration renews before a prompt: it never
	// asks for anything, and when it would need to, it says in one line
	// what to run and ends with a status the hook shows in the prompt.
	Hook bool `name:"hook" hidden:"" help:"Renew for a prompt hook: never ask; say what to run instead."`
}

func (c *ExportCmd) Run(env *app.Env) error {
	return env.Export(c.Profile, c.Format, c.Hook)
}

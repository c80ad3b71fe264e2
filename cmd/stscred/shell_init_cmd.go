package main

import (
	"fmt"

	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/shell"
)

// ShellInitCmd prints the shell integration for eval.
type ShellInitCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish,powershell" help:"The shell: ${enum}."`
}

func (c *ShellInitCmd) Run(env *Env) error {
	s, err := shell.Hook(c.Shell)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(env.Stdout, s)
	return err
}

// UseCmd is reached only without the shell integration: a program cannot
// change its parent shell's environment, the shell function can.
type UseCmd struct {
	Args []string `arg:"" optional:"" passthrough:"" help:"PROFILE, or --off."`
}

func (c *UseCmd) Run(env *Env) error {
	sh := shell.FormatFor(env.Getenv("SHELL"))
	load := `eval "$(stscred shell-init bash)"   (zsh: shell-init zsh)`
	switch sh {
	case "fish":
		load = "stscred shell-init fish | source"
	case "powershell":
		load = "Invoke-Expression (& stscred shell-init powershell | Out-String)"
	}
	return hint.With(fmt.Errorf("stscred use changes the current shell, so it needs the shell integration loaded"),
		"load it in this shell: "+load,
		"or install it for every new shell: ./install.sh --shell-hook",
		`or, once: eval "$(stscred export PROFILE)"`)
}

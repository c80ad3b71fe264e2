package main

import (
	"fmt"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/internal/app"
)

// VersionCmd prints what --version does: the version (a release's tag,
// else "dev" and what is known of the build), the commit, its date, the Go
// version and the platform (buildinfo.Info).
type VersionCmd struct{}

func (c *VersionCmd) Run(p *app.Process) error {
	_, err := fmt.Fprintf(p.Stdout, "stscred %s\n", p.Version())
	return err
}

// HelpCmd prints the help of stscred or of a command. run turns a leading
// `stscred help ...` into --help itself; this serves the rest (global
// flags before it: stscred --prompt none help role).
type HelpCmd struct {
	Command []string `arg:"" optional:""`
}

func (c *HelpCmd) Run(kctx *kong.Context) error {
	_, err := kctx.Kong.Parse(append(c.Command, "--help"))
	return err
}

package main

import (
	"fmt"
	"strings"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/cli/examples"
	"github.com/stscred/stscred/shell"
)

// ShellInitCmd prints the shell integration for eval. Its hidden options
// answer install.sh, which asks the binary it has just built instead of
// knowing each shell itself.
type ShellInitCmd struct {
	// Not a kong enum: the shells are shell.All(), and completion offers
	// shell.Names().
	Shell string `arg:"" complete:"shells" help:"The shell: one of those below."`

	RCFile         bool   `name:"rc-file" hidden:"" help:"Print the shell's rc file (for HOME, ZDOTDIR, XDG_CONFIG_HOME) instead."`
	InstallBlock   bool   `name:"install-block" hidden:"" help:"Print the block install.sh puts in the rc file (needs --bin and --share) instead."`
	CompletionFile bool   `name:"completion-file" hidden:"" help:"Print where the completion script goes under --share instead."`
	PathLine       bool   `name:"path-line" hidden:"" help:"Print the rc-file line that puts --bin on PATH instead."`
	Bin            string `name:"bin" hidden:"" placeholder:"DIR" help:"The install's bin directory."`
	Share          string `name:"share" hidden:"" placeholder:"DIR" help:"The install's share directory."`
}

// Help is the text `stscred shell-init --help` shows: the line to put in
// each shell's rc file, as install.sh --shell-hook does.
func (c *ShellInitCmd) Help() string {
	var b strings.Builder
	b.WriteString("Load it from your shell's rc file with the line for your shell (./install.sh --shell-hook adds it for you, between the lines '" +
		shell.BeginMarker + "' and '" + shell.EndMarker + "'):\n\n")
	for _, s := range shell.All() {
		where := s.RCFile("~", nil)
		// And where it is when the variables it depends on are set.
		if alt := s.RCFile("~", func(k string) string { return "$" + k }); alt != where {
			where += " (or " + alt + ")"
		}
		if where == "" {
			where = "$PROFILE"
		}
		fmt.Fprintf(&b, "  %-11s in %s:\n      %s\n", s.Name(), where, s.InitLine())
	}
	b.WriteString("\nIt gives stscred use PROFILE, stscred use --off, and renewal before each prompt.\n\n")
	b.WriteString(examples.For("shell-init"))
	return b.String()
}

func (c *ShellInitCmd) Run(p *app.Process) error {
	sh, err := shell.Named(c.Shell)
	if err != nil {
		return hint.With(err, "see: stscred shell-init --help")
	}
	var out string
	switch {
	case c.RCFile:
		out = sh.RCFile(p.Getenv("HOME"), p.Getenv)
		if out == "" {
			return fmt.Errorf("stscred edits no rc file for %s: add this line to it yourself: %s", sh.Name(), sh.InitLine())
		}
		if p.Getenv("HOME") == "" {
			return fmt.Errorf("HOME is not set: cannot tell where the %s rc file is", sh.Name())
		}
		out += "\n"
	case c.InstallBlock:
		if out, err = sh.InstallBlock(shell.InstallDirs{Bin: c.Bin, Share: c.Share}); err != nil {
			return err
		}
	case c.CompletionFile:
		if c.Share == "" {
			return fmt.Errorf("--completion-file needs --share DIR")
		}
		if out = sh.CompletionFile(c.Share); out == "" {
			return fmt.Errorf("stscred has no completion script for %s", sh.Name())
		}
		out += "\n"
	case c.PathLine:
		if c.Bin == "" {
			return fmt.Errorf("--path-line needs --bin DIR")
		}
		out = sh.PathLine(c.Bin) + "\n"
	default:
		if out, err = sh.Hook(); err != nil {
			return err
		}
	}
	_, err = fmt.Fprint(p.Stdout, out)
	return err
}

// UseCmd is reached only without the shell integration: a program cannot
// change its parent shell's environment, the shell function can.
type UseCmd struct {
	Args []string `arg:"" optional:"" passthrough:"" complete:"values=--off;profile=any" help:"PROFILE, or --off."`
}

func (c *UseCmd) Run(p *app.Process) error {
	load := shell.All()[0].InitLine() + "   (zsh: shell-init zsh)"
	if sh, err := shell.Named(p.Getenv("SHELL")); err == nil {
		load = sh.InitLine()
	}
	return hint.With(fmt.Errorf("stscred use changes the current shell, so it needs the shell integration loaded"),
		"load it in this shell: "+load,
		"or install it for every new shell: ./install.sh --shell-hook",
		`or, once: eval "$(stscred export PROFILE)"`)
}

package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/cli/clispec"
	"github.com/stscred/stscred/shell"
)

// CompletionCmd prints a completion script; install.sh installs them. The
// scripts run it again, hidden, for profile names: --profiles KIND.
type CompletionCmd struct {
	Shell    string `arg:"" optional:"" help:"The shell: bash, zsh or fish."`
	Profiles string `name:"profiles" hidden:"" placeholder:"KIND" help:"Print the names of the profiles of KIND (any, role, keyholder, sso, login), one a line, for completion scripts."`
	Shells   bool   `name:"shells" hidden:"" help:"Print the shells stscred has completion scripts for, one a line (install.sh installs them)."`
}

func (c *CompletionCmd) Run(p *app.Process, s *app.Services) error {
	switch {
	case c.Profiles != "":
		return c.printProfiles(p, s)
	case c.Shells:
		for _, sh := range shell.All() {
			if _, err := sh.Completion(shell.CompletionSpec{}); err == nil {
				fmt.Fprintln(p.Stdout, sh.Name())
			}
		}
		return nil
	case c.Shell == "":
		return hint.With(fmt.Errorf("which shell? stscred completion bash, zsh or fish"), "install.sh installs them for you")
	}
	sh, err := shell.Named(c.Shell)
	if err != nil {
		return err
	}
	var cli CLI
	parser, err := kong.New(&cli, kong.Name("stscred"), kong.Writers(io.Discard, io.Discard), kong.Vars{"version": ""})
	if err != nil {
		return err
	}
	script, err := sh.Completion(clispec.FromKong(parser.Model.Node))
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(p.Stdout, script)
	return err
}

func (c *CompletionCmd) printProfiles(p *app.Process, s *app.Services) error {
	kind := shell.ProfileKind(c.Profiles)
	known := false
	for _, k := range shell.ProfileKinds() {
		known = known || k == kind
	}
	if !known {
		return fmt.Errorf("--profiles takes any, role, keyholder, sso or login, not %q", c.Profiles)
	}
	m, err := s.Model()
	if err != nil {
		return err
	}
	names := app.ProfileNames(m, kind)
	var b strings.Builder
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] && !strings.ContainsAny(n, "\n\r") { // one name a line, always
			seen[n] = true
			b.WriteString(n + "\n")
		}
	}
	_, err = io.WriteString(p.Stdout, b.String())
	return err
}

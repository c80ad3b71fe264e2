package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/shell"
)

// CompletionCmd prints a completion script; install.sh installs them.
type CompletionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: ${enum}."`
}

func (c *CompletionCmd) Run(env *Env) error {
	var cli CLI
	parser, err := kong.New(&cli, kong.Name("stscred"), kong.Writers(io.Discard, io.Discard), kong.Vars{"version": ""})
	if err != nil {
		return err
	}
	script, err := shell.Completion(c.Shell, completionSpec(parser.Model.Node))
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(env.Stdout, script)
	return err
}

// completionSpec reads commands and flags from kong's model, so completion
// follows the command line as it changes.
func completionSpec(root *kong.Node) shell.CompletionSpec {
	var spec shell.CompletionSpec
	for _, f := range root.Flags {
		if !f.Hidden {
			spec.GlobalFlags = append(spec.GlobalFlags, "--"+f.Name)
		}
	}
	for _, n := range root.Children {
		if n.Hidden {
			continue
		}
		c := shell.CompletionCommand{Name: n.Name, Help: strings.TrimSuffix(n.Help, ".")}
		for _, f := range n.Flags {
			if !f.Hidden {
				c.Flags = append(c.Flags, "--"+f.Name)
			}
		}
		if len(n.Positional) > 0 {
			switch p := n.Positional[0]; {
			case p.Name == "name" || p.Name == "profile":
				c.Profile = true
			case p.Enum != "":
				c.Choices = strings.Split(p.Enum, ",")
			}
		}
		spec.Commands = append(spec.Commands, c)
	}
	return spec
}

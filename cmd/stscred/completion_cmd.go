package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/shell"
)

// CompletionCmd prints a completion script; install.sh installs them. The
// scripts run it again, hidden, for profile names: --profiles KIND.
type CompletionCmd struct {
	Shell    string `arg:"" optional:"" help:"The shell: bash, zsh or fish."`
	Profiles string `name:"profiles" hidden:"" placeholder:"KIND" help:"Print the names of the profiles of KIND (any, role, keyholder), one a line, for completion scripts."`
	Shells   bool   `name:"shells" hidden:"" help:"Print the shells stscred has completion scripts for, one a line (install.sh installs them)."`
}

func (c *CompletionCmd) Run(env *Env) error {
	switch {
	case c.Profiles != "":
		return c.printProfiles(env)
	case c.Shells:
		for _, s := range shell.All() {
			if _, err := s.Completion(shell.CompletionSpec{}); err == nil {
				fmt.Fprintln(env.Stdout, s.Name())
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
	script, err := sh.Completion(completionSpec(parser.Model.Node))
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(env.Stdout, script)
	return err
}

func (c *CompletionCmd) printProfiles(env *Env) error {
	kind := shell.ProfileKind(c.Profiles)
	known := false
	for _, k := range shell.ProfileKinds {
		known = known || k == kind
	}
	if !known {
		return fmt.Errorf("--profiles takes any, role or keyholder, not %q", c.Profiles)
	}
	names, err := completionProfiles(env, kind)
	if err != nil {
		return err
	}
	var b strings.Builder
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] && !strings.ContainsAny(n, "\n\r") { // one name a line, always
			seen[n] = true
			b.WriteString(n + "\n")
		}
	}
	_, err = io.WriteString(env.Stdout, b.String())
	return err
}

// completionSpec reads commands, flags and arguments from kong's model,
// so completion follows the command line as it changes. What completes a
// value comes from, in order: a `complete:"..."` tag on the field (see
// tagCompleter), kong's enum, completionHints below, and for a flag whose
// placeholder is FILE, file names; a positional named name or profile
// takes any profile.
func completionSpec(root *kong.Node) shell.CompletionSpec {
	var spec shell.CompletionSpec
	spec.GlobalFlags = completionFlags("", root.Flags)
	for _, n := range root.Children {
		if n.Hidden {
			continue
		}
		c := shell.CompletionCommand{Name: n.Name, Help: strings.TrimSuffix(n.Help, "."), Flags: completionFlags(n.Name, n.Flags)}
		for _, p := range n.Positional {
			a := shell.CompletionArg{Name: p.Name, Value: valueCompleter(n.Name+" "+p.Name, p)}
			if _, hinted := completionHints[n.Name+" "+p.Name]; !hinted && a.Value.Profiles == "" && (p.Name == "name" || p.Name == "profile") {
				a.Value.Profiles = shell.AnyProfile
			}
			// A passthrough argument takes the rest of the line (exec's
			// command), unless it is told what completes it (use's).
			if (p.Passthrough || p.PassthroughMode != 0) && a.Value.Profiles == "" && len(a.Value.Values) == 0 {
				a.Rest = true
			}
			c.Args = append(c.Args, a)
		}
		spec.Commands = append(spec.Commands, c)
	}
	return spec
}

func completionFlags(cmd string, flags []*kong.Flag) []shell.CompletionFlag {
	var out []shell.CompletionFlag
	for _, f := range flags {
		if f.Hidden {
			continue
		}
		cf := shell.CompletionFlag{
			Name: f.Name, Short: f.Short, Help: strings.TrimSuffix(firstSentence(f.Help), "."),
			TakesValue: !f.IsBool() && !f.IsCounter(),
		}
		if cf.TakesValue {
			cf.Value = valueCompleter(strings.TrimSpace(cmd+" --"+f.Name), f.Value)
			if cf.Value.Profiles == "" && len(cf.Value.Values) == 0 && f.PlaceHolder == "FILE" {
				cf.Value.Files = true
			}
		}
		out = append(out, cf)
	}
	return out
}

// valueCompleter says what completes v, known in completionHints as key
// ("CMD --flag", "CMD argname", "--flag" for a global flag).
func valueCompleter(key string, v *kong.Value) shell.Completer {
	if v.Tag != nil && v.Tag.Has("complete") {
		return tagCompleter(v.Tag.Get("complete"))
	}
	if v.Enum != "" {
		return shell.Completer{Values: v.EnumSlice()}
	}
	return completionHints[key]
}

// tagCompleter reads a `complete:"..."` tag: parts separated by ";", each
// "profile=KIND" (any, role, keyholder), "values=a,b,c" or "file".
func tagCompleter(tag string) shell.Completer {
	var c shell.Completer
	for _, part := range strings.Split(tag, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "profile":
			c.Profiles = shell.ProfileKind(v)
		case "values":
			c.Values = strings.Split(v, ",")
		case "file":
			c.Files = true
		}
	}
	return c
}

// completionHints is what completes the values kong's model does not
// enumerate. Each entry could be a `complete:"..."` tag on the field
// instead (the tag wins), e.g. on WhoamiCmd.Output
// `complete:"values=json,text,table,yaml,yaml-stream"`.
var completionHints = map[string]shell.Completer{
	// Profiles of the fitting kind: a role for role; the IAM user's
	// profile (its key stored with stscred add) for what works on a key.
	"role name":        {Profiles: shell.RoleProfile},
	"role --source":    {Profiles: shell.KeyHolderProfile},
	"session name":     {Profiles: shell.KeyHolderProfile},
	"add name":         {Profiles: shell.KeyHolderProfile},
	"remove name":      {Profiles: shell.KeyHolderProfile},
	"rotate name":      {Profiles: shell.KeyHolderProfile},
	"clear name":       {Profiles: shell.AnyProfile},
	"export profile":   {Profiles: shell.AnyProfile},
	"exec profile":     {Profiles: shell.AnyProfile},
	"whoami profile":   {Profiles: shell.AnyProfile},
	"doctor --profile": {Profiles: shell.AnyProfile},
	"use args":         {Values: []string{"--off"}, Profiles: shell.AnyProfile},
	"whoami --output":  {Values: []string{"json", "text", "table", "yaml", "yaml-stream"}},
	"shell-init shell": {Values: shell.Names()},
}

// firstSentence keeps flag help short enough for a completion menu.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i]
	}
	if i := strings.Index(s, " ("); i >= 0 {
		return s[:i]
	}
	return s
}

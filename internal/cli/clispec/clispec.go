// Package clispec turns kong's model of stscred's command line into the
// shell package's completion spec, so completion follows the command line
// as it changes. What completes a value is declared on the field:
//
//	complete:"profile=role"            profile names of a kind (any, role, keyholder)
//	complete:"values=json,text"        these words
//	complete:"values=--off;profile=any" both
//	complete:"file"                    file names
//	complete:"shells"                  the shells stscred supports
//
// A kong enum completes its values; a flag whose placeholder is FILE,
// file names.
package clispec

import (
	"strings"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/shell"
)

// FromKong is the completion spec of the command line whose model's root
// is root; hidden commands and flags are left out.
func FromKong(root *kong.Node) shell.CompletionSpec {
	var spec shell.CompletionSpec
	spec.GlobalFlags = flags(root.Flags)
	for _, n := range root.Children {
		if n.Hidden {
			continue
		}
		c := shell.CompletionCommand{Name: n.Name, Help: strings.TrimSuffix(n.Help, "."), Flags: flags(n.Flags)}
		for _, p := range n.Positional {
			a := shell.CompletionArg{Name: p.Name, Value: completer(p)}
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

func flags(fs []*kong.Flag) []shell.CompletionFlag {
	var out []shell.CompletionFlag
	for _, f := range fs {
		if f.Hidden {
			continue
		}
		cf := shell.CompletionFlag{
			Name: f.Name, Short: f.Short, Help: strings.TrimSuffix(firstSentence(f.Help), "."),
			TakesValue: !f.IsBool() && !f.IsCounter(),
		}
		if cf.TakesValue {
			cf.Value = completer(f.Value)
			if cf.Value.Profiles == "" && len(cf.Value.Values) == 0 && f.PlaceHolder == "FILE" {
				cf.Value.Files = true
			}
		}
		out = append(out, cf)
	}
	return out
}

// completer says what completes v: its complete tag, else its enum.
func completer(v *kong.Value) shell.Completer {
	var c shell.Completer
	if v.Tag == nil || !v.Tag.Has("complete") {
		if v.Enum != "" {
			c.Values = v.EnumSlice()
		}
		return c
	}
	for _, part := range strings.Split(v.Tag.Get("complete"), ";") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "profile":
			c.Profiles = shell.ProfileKind(val)
		case "values":
			c.Values = strings.Split(val, ",")
		case "file":
			c.Files = true
		case "shells":
			c.Values = shell.Names()
		}
	}
	return c
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

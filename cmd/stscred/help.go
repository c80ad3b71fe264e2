package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/alecthomas/kong"
)

// commandGroups is the order `stscred --help` lists the commands in: by
// how often a user types them, the everyday ones first. A command is
// placed by its name, whichever struct declares it; one missing here goes
// under "Other" at the end (a test fails while one is missing).
var commandGroups = []struct {
	key, title string
	names      []string
}{
	{"everyday", "Every day:", []string{"use", "exec", "export", "whoami", "console", "role", "session"}},
	{"signin", "Signing in:", []string{"login", "logout", "sso"}},
	{"keys", "Keys and cached sessions:", []string{"add", "list", "remove", "rotate", "import", "migrate", "clear"}},
	{"setup", "Setup:", []string{"doctor", "shell-init", "version", "completion", "help"}},
}

const otherGroup = "other"

// groupOf is the group a top-level command belongs to: its index in
// commandGroups and the group, or len(commandGroups) and "Other".
func groupOf(name string) (int, *kong.Group) {
	for i, g := range commandGroups {
		if slices.Contains(g.names, name) {
			return i*100 + slices.Index(g.names, name), &kong.Group{Key: g.key, Title: g.title}
		}
	}
	return len(commandGroups) * 100, &kong.Group{Key: otherGroup, Title: "Other:"}
}

// layOutHelp orders the top-level commands by commandGroups and puts each
// under its group's title. Kong lists a command under the group of its
// nearest grouped ancestor, in the order the commands come.
func layOutHelp(app *kong.Application) {
	global := &kong.Group{Key: "global", Title: "Global flags (any command takes them):"}
	for _, f := range app.Flags {
		if f.Name != "help" && f.Name != "version" {
			f.Group = global
		}
	}
	for _, n := range app.Children {
		_, n.Group = groupOf(n.Name)
	}
	slices.SortStableFunc(app.Children, func(a, b *kong.Node) int {
		ia, _ := groupOf(a.Name)
		ib, _ := groupOf(b.Name)
		return ia - ib
	})
}

// printHelp is kong's help, with the global flags shown once: in full
// under `stscred --help`, and by name only under a command's.
func printHelp(options kong.HelpOptions, ctx *kong.Context) error {
	if ctx.Selected() == nil {
		// The commands first: they are what a newcomer looks for.
		options.FlagsLast = true
		return kong.DefaultHelpPrinter(options, ctx)
	}
	var names []string
	var hidden []*kong.Flag
	for _, f := range ctx.Model.Flags {
		if f.Hidden || f.Name == "help" {
			continue
		}
		if f.Name != "version" {
			names = append(names, "--"+f.Name)
		}
		f.Hidden = true
		hidden = append(hidden, f)
	}
	defer func() {
		for _, f := range hidden {
			f.Hidden = false
		}
	}()
	if err := kong.DefaultHelpPrinter(options, ctx); err != nil {
		return err
	}
	if len(names) == 0 {
		return nil
	}
	_, err := fmt.Fprintf(ctx.Stdout, "\n%s\n", wrap("Global flags: "+strings.Join(names, ", ")+" (stscred --help says what they do).", 80))
	return err
}

// wrap breaks text at blanks into lines of at most width, indenting the
// lines after the first.
func wrap(text string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(text) {
		switch {
		case i == 0:
		case line+1+len(w) > width:
			b.WriteString("\n  ")
			line = 2
		default:
			b.WriteString(" ")
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/stscred/stscred/listing"
)

// ListCmd shows profiles, stored keys and cached sessions (package
// listing). It never shows a secret.
type ListCmd struct {
	JSON bool `help:"Print JSON instead of a table."`
}

func (c *ListCmd) Run(env *Env, g *Globals) error {
	m, err := env.Model()
	if err != nil {
		return err
	}
	ch, err := env.Cache()
	if err != nil {
		return err
	}
	headers, err := ch.List()
	if err != nil {
		return err
	}
	l := listing.Build(m, headers, env.Keys(), env.Now())
	ic, err := env.IdentityCenter(g, "")
	if err != nil {
		return err
	}
	l.AddSSO(m, ic.Status)
	if l.KeysErr != nil {
		fmt.Fprintf(env.Stderr, "stscred: warning: could not read stored keys: %v\n", l.KeysErr)
	}
	if c.JSON {
		return l.WriteJSON(env.Stdout)
	}
	if len(l.Rows) == 0 {
		return c.nothing(env, m.File.Path)
	}
	return l.WriteTable(env.human(), env.describeKeys())
}

// nothing says where list looked when it found no profile at all.
func (c *ListCmd) nothing(env *Env, path string) error {
	why := path + " has no profiles"
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		why = path + " does not exist"
	}
	if env.Getenv("AWS_CONFIG_FILE") != "" {
		why += " (AWS_CONFIG_FILE)"
	}
	_, err := fmt.Fprintf(env.human(), "stscred: no profiles: %s, and no key is stored in %s\n"+
		"stscred: hint: describe your IAM user and roles there (see the README), then store the user's key: stscred add NAME\n",
		why, env.describeKeys())
	return err
}

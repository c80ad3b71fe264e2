package main

import (
	"fmt"

	"github.com/stscred/stscred/listing"
)

// ListCmd shows profiles, stored keys and cached sessions (package
// listing). It never shows a secret.
type ListCmd struct {
	JSON bool `help:"Print JSON instead of a table."`
}

func (c *ListCmd) Run(env *Env) error {
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
	if l.KeysErr != nil {
		fmt.Fprintf(env.Stderr, "stscred: warning: could not read stored keys: %v\n", l.KeysErr)
	}
	if c.JSON {
		return l.WriteJSON(env.Stdout)
	}
	return l.WriteTable(env.human(), env.describeKeys())
}

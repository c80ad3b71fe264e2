package main

import (
	"fmt"

	"github.com/stscred/stscred/listing"
)

// ClearCmd drops cached sessions (listing.ClearingOf says which); stored
// keys stay.
type ClearCmd struct {
	Name string `arg:"" optional:"" complete:"profile=any" help:"Only sessions of this profile and of roles it is the source of."`
}

func (c *ClearCmd) Run(env *Env) error {
	ch, err := env.Cache()
	if err != nil {
		return err
	}
	m, err := env.Model()
	if err != nil {
		return err
	}
	headers, err := ch.List()
	if err != nil {
		return err
	}
	clearing, err := listing.ClearingOf(m, headers, c.Name)
	if err != nil {
		return err
	}
	n, err := ch.DeleteWhere(clearing.Match)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.human(), "stscred: removed %d cached session%s (%s)\n", n, plural(n, "", "s"), clearing.What())
	return nil
}

package main

import "github.com/stscred/stscred/internal/app"

// ClearCmd drops cached sessions (listing.ClearingOf says which); stored
// keys stay.
type ClearCmd struct {
	Name string `arg:"" optional:"" complete:"profile=any" help:"Only sessions of this profile and of roles it is the source of."`
}

func (c *ClearCmd) Run(env *app.Env) error { return env.Clear(c.Name) }

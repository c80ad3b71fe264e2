package main

import (
	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
)

// ClearCmd drops cached sessions (listing.ClearingOf says which); stored
// keys stay.
type ClearCmd struct {
	Name string `arg:"" optional:"" complete:"profile=any" help:"Only sessions of this profile and of roles it is the source of."`
}

func (c *ClearCmd) Run(p *app.Process, m *profile.Model, ch *cache.Cache) error {
	return app.Clear(p, m, ch, c.Name)
}

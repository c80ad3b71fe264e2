package main

import "github.com/stscred/stscred/internal/app"

// RemoveCmd deletes a stored key and every session derived from it
// (package accesskey); it asks first.
type RemoveCmd struct {
	Name string `arg:"" complete:"profile=keyholder" help:"Profile whose key to delete."`
	Yes  bool   `short:"y" help:"Do not ask for confirmation."`
}

func (c *RemoveCmd) Run(p *app.Process, s *app.Services) error {
	return app.RemoveKey(p, s, c.Name, c.Yes)
}

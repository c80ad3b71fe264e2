package main

import "github.com/stscred/stscred/internal/app"

// ListCmd shows profiles, stored keys and cached sessions (package
// listing). It never shows a secret.
type ListCmd struct {
	JSON bool `help:"Print JSON instead of a table."`
}

func (c *ListCmd) Run(p *app.Process, s *app.Services) error { return app.List(p, s, c.JSON) }

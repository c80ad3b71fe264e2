package main

import "github.com/stscred/stscred/internal/app"

// MigrateCmd moves stored keys from the backend in use to another one.
type MigrateCmd struct {
	To string `name:"to" required:"" enum:"keyring,file" help:"Backend to move the keys to: ${enum}."`
}

func (c *MigrateCmd) Run(p *app.Process, s *app.Services) error { return app.Migrate(p, s, c.To) }

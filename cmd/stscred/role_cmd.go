package main

import (
	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/config/credline"
	"github.com/stscred/stscred/internal/session/resolve"
)

// RoleCmd prints AssumeRole credentials for a role profile, or for a role
// given inline (its grammar is credline.Role).
type RoleCmd struct {
	credline.Role `embed:""`
}

func (c *RoleCmd) Run(p *app.Process, tools *resolve.Tools) error {
	cr, err := tools.Of(p.Context(), c.Request())
	if err != nil {
		return err
	}
	return creds.WriteProcess(p.Stdout, cr)
}

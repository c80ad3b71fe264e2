package main

import (
	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/config/credline"
	"github.com/stscred/stscred/internal/session/resolve"
)

// SessionCmd prints an IAM user's GetSessionToken credentials (its grammar
// is credline.Session).
type SessionCmd struct {
	credline.Session `embed:""`
}

func (c *SessionCmd) Run(p *app.Process, tools *resolve.Tools) error {
	cr, err := tools.Of(p.Context(), c.Request())
	if err != nil {
		return err
	}
	return creds.WriteProcess(p.Stdout, cr)
}

package main

import (
	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/config/credline"
)

// ExportCmd prints the credentials of a profile as environment variables
// for a shell: eval "$(stscred export prod)" (its grammar is
// credline.Export). It takes the Services, not a service: it decides
// whether the call may prompt before any is built.
type ExportCmd struct {
	credline.Export `embed:""`
}

func (c *ExportCmd) Run(p *app.Process, s *app.Services) error {
	return app.Export(p, s, app.ExportRequest{Profile: c.Profile, Format: c.Format, Hook: c.Hook, Use: c.Use})
}

package main

import (
	"time"

	"github.com/stscred/stscred/internal/app"
)

// RotateCmd replaces an IAM user's access key: a new key in IAM and in the
// keystore, the old one deactivated and deleted.
type RotateCmd struct {
	Name          string        `arg:"" complete:"profile=keyholder" help:"Profile whose access key to replace (the IAM user's profile)."`
	KeepOld       bool          `name:"keep-old" help:"Deactivate the old key but keep it in IAM (to delete later)."`
	DryRun        bool          `name:"dry-run" help:"Say what would be done; change nothing."`
	VerifyTimeout time.Duration `name:"verify-timeout" default:"60s" help:"How long to wait for IAM to make the new key usable."`
}

func (c *RotateCmd) Run(p *app.Process, s *app.Services) error {
	return app.Rotate(p, s, app.Rotation{Profile: c.Name, KeepOld: c.KeepOld, DryRun: c.DryRun, VerifyTimeout: c.VerifyTimeout})
}

package main

import (
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/config/credline"
	"github.com/stscred/stscred/internal/ops/console"
	"github.com/stscred/stscred/shell"
)

// ConsoleCmd opens the AWS console signed in as a profile (package
// console).
type ConsoleCmd struct {
	Profile            string `arg:"" optional:"" complete:"profile=any" help:"Role profile, or IAM user's profile (default: STSCRED_PROFILE, then AWS_PROFILE; else chosen in a picker on a terminal, or default)."`
	credline.RoleFlags `embed:""`

	Duration time.Duration `name:"duration" help:"How long the console session lasts (a role: 15m to 12h, default as long as its credentials; an IAM user: up to 36h, default 12h)."`
	Path     string        `name:"path" placeholder:"PAGE" help:"Console page to land on: s3, or ec2/home#Instances: (default: the console home)."`
	Region   string        `name:"region" help:"The console's region (default: the profile's)."`
	URL      bool          `name:"url" help:"Print the sign-in URL on stdout instead of opening a browser (it signs in whoever opens it, for 15 minutes)."`
	Browser  string        `name:"browser" placeholder:"CMD" help:"The command that opens the URL (default: $BROWSER, else xdg-open, open or rundll32)."`
}

func (c *ConsoleCmd) Run(p *app.Process, s *app.Services) error {
	name := c.Profile
	if name == "" && c.RoleARN == "" && p.ProfileFromEnvironment() == "" {
		var err error
		if name, err = pickProfile(p, s, "console", shell.AnyProfile); err != nil {
			return err
		}
	}
	if name == "" && c.RoleARN == "" {
		name = p.DefaultProfile()
	}
	m, err := s.Model()
	if err != nil {
		return err
	}
	req := console.Request{Role: c.RoleFlags.Request(name), Duration: c.Duration, Path: c.Path, Region: c.Region}
	return app.Console(p, m, s.Resolver, s.Browser(c.Browser), req, c.URL)
}

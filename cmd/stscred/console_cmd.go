package main

import (
	"fmt"
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/config/credline"
	"github.com/stscred/stscred/internal/ops/console"
	"github.com/stscred/stscred/internal/sys/browser"
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
	Browser  string        `name:"browser" placeholder:"CMD" help:"The command that opens the URL, which goes where %s is, else last (default: $BROWSER, else xdg-open, open or rundll32; under WSL wslview or Windows' rundll32.exe)."`

	Container      string `name:"container" placeholder:"NAME" help:"Open the console in this Firefox container (needs the container add-on; the browser is Firefox unless --browser or $BROWSER names another)."`
	ContainerAddon string `name:"container-addon" placeholder:"ADDON" help:"The Firefox add-on that opens --container: open-url-in-container (ext+container: URLs, the default) or granted (ext+granted-containers:); default: STSCRED_CONTAINER_ADDON."`
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
	b := s.Browser(c.Browser)
	if b.Container = c.Container; b.Container != "" {
		addon, from := c.ContainerAddon, "--container-addon"
		if addon == "" {
			addon, from = p.Getenv("STSCRED_CONTAINER_ADDON"), "STSCRED_CONTAINER_ADDON"
		}
		if b.Addon, err = browser.Addon(addon); err != nil {
			return fmt.Errorf("%s: %w", from, err)
		}
	}
	if !c.URL {
		if err := b.Check(); err != nil {
			return err // before the sign-in, not after it
		}
	}
	return app.Console(p, m, s.Resolver, b, req, c.URL)
}

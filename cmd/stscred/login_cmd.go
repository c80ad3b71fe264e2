package main

import (
	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/shell"
)

// LoginCmd signs a profile in with AWS Sign-In for local development (what
// `aws login` does; package signin): its refresh token and proof key stay
// in the keystore.
type LoginCmd struct {
	Profile   string `arg:"" optional:"" complete:"profile=login" help:"The profile to sign in (an IAM user's, or a new name; default: STSCRED_PROFILE, then AWS_PROFILE; else chosen in a picker on a terminal, or default)."`
	Region    string `name:"region" help:"The region to sign in to (default: the profile's, else AWS_REGION)."`
	Remote    bool   `name:"remote" help:"Sign in on another device: print the URL, then paste the code its page shows (for SSH sessions and machines without a browser)."`
	Browser   string `name:"browser" placeholder:"CMD" help:"The command that opens the sign-in page, which goes where %s is, else last (default: $BROWSER, else xdg-open, open or rundll32; under WSL wslview or Windows' rundll32.exe)."`
	NoBrowser bool   `name:"no-browser" help:"Open no browser: print the URL to open."`
}

func (c *LoginCmd) Run(p *app.Process, s *app.Services) error {
	name := c.Profile
	if name == "" && p.ProfileFromEnvironment() == "" {
		var err error
		if name, err = pickProfile(p, s, "login", shell.LoginProfile); err != nil {
			return err
		}
	}
	if name == "" {
		name = p.DefaultProfile()
	}
	return app.Login(p, s, app.LoginRequest{Profile: name, Region: c.Region, Remote: c.Remote, Browser: c.Browser, NoBrowser: c.NoBrowser})
}

// LogoutCmd forgets a profile's AWS Sign-In session.
type LogoutCmd struct {
	Profile string `arg:"" optional:"" complete:"profile=login" help:"The signed-in profile (default: STSCRED_PROFILE, then AWS_PROFILE, then default)."`
}

func (c *LogoutCmd) Run(p *app.Process, s *app.Services) error {
	name := c.Profile
	if name == "" {
		name = p.DefaultProfile()
	}
	return app.Logout(p, s, name)
}

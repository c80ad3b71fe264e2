package main

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stscred/stscred/console"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/internal/humantime"
	"github.com/stscred/stscred/resolve"
)

// ConsoleCmd opens the AWS console signed in as a profile (package
// console).
type ConsoleCmd struct {
	Profile   string `arg:"" optional:"" complete:"profile=any" help:"Role profile, or IAM user's profile (default: STSCRED_PROFILE, then AWS_PROFILE, then default)."`
	RoleFlags `embed:""`

	Duration time.Duration `name:"duration" help:"How long the console session lasts (a role: 15m to 12h, default as long as its credentials; an IAM user: up to 36h, default 12h)."`
	Path     string        `name:"path" placeholder:"PAGE" help:"Console page to land on: s3, or ec2/home#Instances: (default: the console home)."`
	Region   string        `name:"region" help:"The console's region (default: the profile's)."`
	URL      bool          `name:"url" help:"Print the sign-in URL on stdout instead of opening a browser (it signs in whoever opens it, for 15 minutes)."`
	Browser  string        `name:"browser" placeholder:"CMD" help:"The command that opens the URL (default: $BROWSER, else xdg-open, open or rundll32)."`
}

func (c *ConsoleCmd) Run(env *Env, g *Globals) error {
	m, err := env.Model()
	if err != nil {
		return err
	}
	name := c.Profile
	if name == "" && c.RoleARN == "" {
		name = env.defaultProfile()
	}
	setup := console.Setup{
		Model:         m,
		Resolver:      func() (*resolve.Resolver, error) { return env.Resolver(g) },
		HTTP:          &http.Client{Timeout: g.STSTimeout},
		FederationURL: env.Getenv("STSCRED_FEDERATION_URL"),
		Now:           env.Now,
		Notes:         env.Stderr,
	}
	in, err := setup.SignIn(env.context(), console.Request{
		Role:     c.RoleFlags.request(name),
		Duration: c.Duration, Path: c.Path, Region: c.Region,
	})
	if err != nil {
		return err
	}
	until := fmt.Sprintf("stscred: console session of %s as %s until %s (%s)\n", in.Profile, in.Principal,
		in.Until.Local().Format("15:04"), humantime.Left(in.Until, env.Now()))
	if c.URL {
		fmt.Fprint(env.Stderr, until)
		_, err := fmt.Fprintln(env.Stdout, in.URL)
		return err
	}
	b := console.Browser{Command: c.Browser, Getenv: env.Getenv, GOOS: env.GOOS, LookPath: env.LookPath}
	if err := b.Open(env.context(), in.URL); err != nil {
		if errors.Is(err, console.ErrNoBrowser) {
			// No display and no browser: the URL is the answer.
			fmt.Fprintln(env.Stdout, in.URL)
			fmt.Fprint(env.Stderr, until)
			fmt.Fprintln(env.Stderr, "stscred: hint: no browser to open it here (no --browser, no $BROWSER, no display): open the URL above in a browser within 15 minutes; it signs in whoever opens it")
			return nil
		}
		return hint.With(err, "name the browser: --browser firefox, or print the URL instead: stscred console --url")
	}
	fmt.Fprint(env.Stderr, until)
	return nil
}

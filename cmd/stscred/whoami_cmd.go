package main

import (
	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/shell"
)

// WhoamiCmd calls GetCallerIdentity with a profile's credentials, or with
// the ones the AWS tools would use in this shell, and prints the answer as
// `aws sts get-caller-identity` does (package whoami).
type WhoamiCmd struct {
	Profile string `arg:"" optional:"" complete:"profile=any" help:"Profile (default: the AWS_ACCESS_KEY_ID... credentials in the environment, else STSCRED_PROFILE, AWS_PROFILE; else chosen in a picker on a terminal, or default)."`
	Output  string `name:"output" placeholder:"FORMAT" complete:"values=json,text,table,yaml,yaml-stream" help:"json (default), text, table, yaml or yaml-stream, as the AWS CLI prints them (also AWS_DEFAULT_OUTPUT, or the profile's output setting)."`
	Query   string `name:"query" placeholder:"JMESPATH" help:"JMESPath expression applied before the output, as the AWS CLI's --query: --query Account --output text."`
	Verbose bool   `short:"v" help:"Add Profile, Source (cache, sts, environment, credential_process), Expiration, MinutesLeft and MFAAuthenticated."`
}

func (c *WhoamiCmd) Run(p *app.Process, s *app.Services) error {
	if c.Profile == "" && p.Getenv("AWS_ACCESS_KEY_ID") == "" && p.Getenv("AWS_SECRET_ACCESS_KEY") == "" && p.ProfileFromEnvironment() == "" {
		var err error
		if c.Profile, err = pickProfile(p, s, "whoami", shell.AnyProfile); err != nil {
			return err
		}
	}
	return app.Whoami(p, s, app.WhoamiRequest{Profile: c.Profile, Output: c.Output, Query: c.Query, Verbose: c.Verbose})
}

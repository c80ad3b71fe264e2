package main

import "github.com/stscred/stscred/internal/app"

// AddCmd stores an IAM user's access key (package accesskey).
type AddCmd struct {
	Name     string `arg:"" complete:"profile=keyholder" help:"Profile the key belongs to (the IAM user's profile in ~/.aws/config)."`
	Env      bool   `help:"Read the key from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."`
	NoVerify bool   `name:"no-verify" help:"Store without checking the key with STS GetCallerIdentity."`
}

func (c *AddCmd) Run(p *app.Process, s *app.Services) error {
	return app.AddKey(p, s, c.Name, c.Env, c.NoVerify)
}

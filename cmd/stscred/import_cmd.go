package main

import "github.com/stscred/stscred/internal/app"

// ImportCmd moves the static keys of the shared credentials file, and the
// AWS CLI's plaintext sign-ins (aws login), into the keystore; the
// procedures are package importer's.
type ImportCmd struct {
	From   string `name:"from" placeholder:"FILE" help:"The shared credentials file (default: AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials)."`
	DryRun bool   `name:"dry-run" help:"Verify the keys, check the sign-ins, and say what would change; change nothing."`
}

func (c *ImportCmd) Run(p *app.Process, s *app.Services) error {
	return app.Import(p, s, c.From, c.DryRun)
}

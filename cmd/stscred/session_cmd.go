package main

import (
	"fmt"
	"time"

	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/credproc"
	"github.com/stscred/stscred/hint"
)

// SessionCmd prints an IAM user's GetSessionToken credentials.
type SessionCmd struct {
	Name     string        `arg:"" help:"The IAM user's profile (its key is stored with stscred add)."`
	Duration time.Duration `env:"STSCRED_SESSION_DURATION" default:"12h" help:"Session length when a new one is fetched (15m to 36h)."`
}

func (c *SessionCmd) Run(env *Env, g *Globals) error {
	if c.Duration < 15*time.Minute || c.Duration > 36*time.Hour {
		return hint.With(fmt.Errorf("--duration %s is outside what GetSessionToken allows", c.Duration), "use a duration from 15m to 36h")
	}
	p, err := env.Profile(c.Name)
	if err != nil {
		return err
	}
	if err := checkRoot(p); err != nil {
		return err
	}
	r, err := env.Resolver(g)
	if err != nil {
		return err
	}
	r.SessionDuration = c.Duration
	res, err := r.Credentials(env.context(), p)
	if err != nil {
		return err
	}
	return credproc.Write(env.Stdout, res.Creds)
}

// checkRoot accepts a profile whose own key is stored: not a role, not a
// profile that runs a credential_process.
func checkRoot(p *awsconfig.Profile) error {
	switch {
	case p.IsRole():
		return hint.With(fmt.Errorf("profile %s is a role (role_arn = %s)", p.Name, p.RoleARN),
			"for its credentials use: stscred role "+p.Name)
	case p.CredentialProcess != "" && !selfCall(p):
		return hint.With(fmt.Errorf("profile %s gets its credentials from credential_process, not from a stored key", p.Name),
			"name the IAM user's profile (the one whose key you stored with stscred add)")
	}
	return nil
}

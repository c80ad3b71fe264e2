package main

import (
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/config/profile"
)

// SessionCmd prints an IAM user's GetSessionToken credentials.
type SessionCmd struct {
	Name     string        `arg:"" complete:"profile=keyholder" help:"The IAM user's profile (its key is stored with stscred add)."`
	Duration time.Duration `env:"STSCRED_SESSION_DURATION" default:"12h" help:"Session length when a new one is fetched (15m to 36h)."`
}

func (c *SessionCmd) Run(env *app.Env) error {
	tools, err := env.Tools()
	if err != nil {
		return err
	}
	cr, err := tools.Of(env.Context(), profile.Request{Command: "session", Profile: c.Name, Duration: c.Duration})
	if err != nil {
		return err
	}
	return creds.WriteProcess(env.Stdout, cr)
}

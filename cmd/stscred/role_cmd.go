package main

import (
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/config/profile"
)

// RoleCmd prints AssumeRole credentials for a role profile, or for a role
// given inline.
type RoleCmd struct {
	Name      string `arg:"" optional:"" complete:"profile=role" help:"Role profile (with role_arn and source_profile)."`
	RoleFlags `embed:""`
	Duration  time.Duration `name:"duration" help:"Role session length (default: duration_seconds, else 1h)."`
}

// RoleFlags give a role inline, or override a role profile's values:
// role and console take them.
type RoleFlags struct {
	RoleARN     string `name:"role-arn" help:"Assume this role (instead of a role profile)."`
	Source      string `name:"source" complete:"profile=keyholder" help:"With --role-arn: the IAM user's profile that signs AssumeRole."`
	MFASerial   string `name:"mfa-serial" help:"MFA device to use (default: the profile's mfa_serial)."`
	ExternalID  string `name:"external-id" help:"External id the role's trust policy requires."`
	SessionName string `name:"session-name" help:"Role session name (default: role_session_name, else stscred-SOURCE)."`
}

// request is what the flags ask for of the profile name.
func (f RoleFlags) request(name string) profile.Request {
	return profile.Request{Command: "role", Profile: name, RoleARN: f.RoleARN, Source: f.Source,
		MFASerial: f.MFASerial, ExternalID: f.ExternalID, SessionName: f.SessionName}
}

func (c *RoleCmd) request() profile.Request {
	r := c.RoleFlags.request(c.Name)
	r.Duration = c.Duration
	return r
}

func (c *RoleCmd) Run(env *app.Env) error {
	tools, err := env.Tools()
	if err != nil {
		return err
	}
	cr, err := tools.Of(env.Context(), c.request())
	if err != nil {
		return err
	}
	return creds.WriteProcess(env.Stdout, cr)
}

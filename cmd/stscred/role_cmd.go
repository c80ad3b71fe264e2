package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/cmdline"
	"github.com/stscred/stscred/credproc"
	"github.com/stscred/stscred/hint"
)

// RoleCmd prints AssumeRole credentials for a role profile, or for a role
// given inline.
type RoleCmd struct {
	Name        string        `arg:"" optional:"" help:"Role profile (with role_arn and source_profile)."`
	RoleARN     string        `name:"role-arn" help:"Assume this role (instead of a role profile)."`
	Source      string        `name:"source" help:"With --role-arn: the IAM user's profile that signs AssumeRole."`
	MFASerial   string        `name:"mfa-serial" help:"MFA device to use (default: the profile's mfa_serial)."`
	ExternalID  string        `name:"external-id" help:"External id the role's trust policy requires."`
	Duration    time.Duration `name:"duration" help:"Role session length (default: duration_seconds, else 1h)."`
	SessionName string        `name:"session-name" help:"Role session name (default: role_session_name, else stscred-SOURCE)."`
}

func (c *RoleCmd) Run(env *Env, g *Globals) error {
	p, err := c.profile(env)
	if err != nil {
		return err
	}
	r, err := env.Resolver(g)
	if err != nil {
		return err
	}
	res, err := r.Credentials(env.context(), p)
	if err != nil {
		return err
	}
	return credproc.Write(env.Stdout, res.Creds)
}

// profile builds the role to assume from the named profile or the inline
// flags, flags overriding the profile.
func (c *RoleCmd) profile(env *Env) (*awsconfig.Profile, error) {
	var p awsconfig.Profile
	switch {
	case c.Name != "" && c.RoleARN != "":
		return nil, hint.With(errors.New("give a role profile or --role-arn, not both"),
			"stscred role prod-admin, or stscred role --role-arn ARN --source alice")
	case c.Name == "" && c.RoleARN == "":
		return nil, hint.With(errors.New("which role? give a role profile or --role-arn"),
			"stscred role prod-admin, or stscred role --role-arn ARN --source alice")
	case c.Name != "":
		if c.Source != "" {
			return nil, hint.With(errors.New("--source goes with --role-arn; a role profile names its source with source_profile"),
				"drop --source, or use --role-arn instead of the profile name")
		}
		named, err := env.Profile(c.Name)
		if err != nil {
			return nil, err
		}
		if !named.IsRole() {
			return nil, notARole(named)
		}
		p = *named
	default:
		if !strings.HasPrefix(c.RoleARN, "arn:") || !strings.Contains(c.RoleARN, ":role/") {
			return nil, hint.With(fmt.Errorf("--role-arn %q is not a role ARN", c.RoleARN), "a role ARN looks like arn:aws:iam::222222222222:role/Admin")
		}
		if c.Source == "" {
			return nil, hint.With(errors.New("--role-arn needs --source, the IAM user's profile whose key signs AssumeRole"),
				"stscred role --role-arn "+c.RoleARN+" --source alice")
		}
		src, err := env.Profile(c.Source)
		if err != nil {
			return nil, err
		}
		if src.CredentialProcess != "" && !src.IsRole() && !selfCall(src) {
			return nil, checkRoot(src)
		}
		p = awsconfig.Profile{
			Name: c.RoleARN, RoleARN: c.RoleARN, SourceProfile: src.Name, Source: src,
			Region: src.Region, MFASerial: src.MFASerial, MFAProcess: src.MFAProcess,
			EndpointURL: src.EndpointURL, STSRegionalEndpoints: src.STSRegionalEndpoints,
		}
	}
	if c.MFASerial != "" {
		p.MFASerial = c.MFASerial
	}
	if c.ExternalID != "" {
		p.ExternalID = c.ExternalID
	}
	if c.SessionName != "" {
		p.RoleSessionName = c.SessionName
	}
	if c.Duration != 0 {
		if c.Duration < 15*time.Minute || c.Duration > 12*time.Hour {
			return nil, hint.With(fmt.Errorf("--duration %s is outside what AssumeRole allows", c.Duration), "use 15m to 12h (and at most the role's maximum session duration)")
		}
		p.DurationSeconds = int(c.Duration / time.Second)
	}
	return &p, nil
}

// notARole explains why a profile cannot be assumed, pointing at the
// common mix-up of naming the tool profile instead of the role profile.
func notARole(p *awsconfig.Profile) error {
	if p.CredentialProcess != "" && !selfCall(p) {
		return hint.With(fmt.Errorf("profile %s has no role_arn: it is a profile tools use (its credential_process runs %s)", p.Name, cmdline.Program(p.CredentialProcess)),
			"name the role profile, the one with role_arn and source_profile: e.g. stscred role prod-admin")
	}
	return hint.With(fmt.Errorf("profile %s has no role_arn", p.Name),
		"for the IAM user's own session use: stscred session "+p.Name,
		"to assume a role, add a profile with role_arn and source_profile = "+p.Name)
}

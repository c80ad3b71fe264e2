package main

import (
	"context"
	"fmt"
	"time"

	"github.com/stscred/stscred/awsapi"
	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/creds"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/profile"
	"github.com/stscred/stscred/resolve"
	"github.com/stscred/stscred/rotate"
)

// RotateCmd replaces an IAM user's access key: a new key in IAM and in the
// keystore, the old one deactivated and deleted.
type RotateCmd struct {
	Name          string        `arg:"" complete:"profile=keyholder" help:"Profile whose access key to replace (the IAM user's profile)."`
	KeepOld       bool          `name:"keep-old" help:"Deactivate the old key but keep it in IAM (to delete later)."`
	DryRun        bool          `name:"dry-run" help:"Say what would be done; change nothing."`
	VerifyTimeout time.Duration `name:"verify-timeout" default:"60s" help:"How long to wait for IAM to make the new key usable."`
}

func (c *RotateCmd) Run(env *Env, g *Globals) error {
	p, err := c.profile(env)
	if err != nil {
		return err
	}
	settings := env.Settings()
	rot := &rotate.Rotation{
		Profile:       c.Name,
		IAM:           awsapi.NewIAMSDK(settings.IAMEndpoint(p, env.Getenv("AWS_ENDPOINT_URL_IAM"))),
		STS:           env.NewAPI(settings.EndpointFor(p)),
		Keys:          env.Keys(),
		Where:         env.describeKeys(),
		KeepOld:       c.KeepOld,
		DryRun:        c.DryRun,
		VerifyTimeout: c.VerifyTimeout,
		Now:           env.Now,
		Progress:      env.Stderr,
		OnStored: func(k keystore.Key) {
			if ch, err := env.Cache(); err == nil {
				rotate.Forget(ch, c.Name, k, env.Now(), env.Stderr)
			}
		},
	}
	if p.MFASerial != "" {
		// IAM refuses session credentials without MFA context, and
		// policies often refuse the long-term key: sign with the MFA
		// session (from the cache, or asking for a code).
		rot.Signer = func(ctx context.Context, k keystore.Key) (creds.Credentials, error) {
			r, err := env.Resolver(g)
			if err != nil {
				return creds.Credentials{}, err
			}
			if ch, err := env.Cache(); err == nil {
				// The session cache is keyed by the stored key's id.
				_ = resolve.RememberKeyID(ch, c.Name, k.AccessKeyID, env.Now())
			}
			res, err := r.Credentials(ctx, p)
			return res.Creds, err
		}
	}
	ch, err := env.Cache()
	if err != nil {
		return err
	}
	unlock, err := rotate.Lock(env.context(), ch, c.Name, env.PID)
	if err != nil {
		return err
	}
	defer unlock()
	res, err := rot.Run(env.context())
	if err != nil {
		return err
	}
	res.Print(env.human(), c.Name, env.describeKeys(), c.DryRun)
	return nil
}

// profile resolves NAME: an IAM user's profile, or a name not in the
// config (a key stored with stscred add only).
func (c *RotateCmd) profile(env *Env) (*awsconfig.Profile, error) {
	m, err := env.Model()
	if err != nil {
		return nil, err
	}
	if !m.File.Has(c.Name) {
		return &awsconfig.Profile{Name: c.Name}, nil
	}
	p, err := m.Get(c.Name)
	if err != nil {
		return nil, err
	}
	if p.Kind == profile.Role && p.SourceProfile != p.Name {
		return nil, hint.With(fmt.Errorf("profile %s is a role (role_arn = %s); only an IAM user's key can be rotated", p.Name, p.RoleARN),
			"rotate the key of its source profile: stscred rotate "+p.Root().Name)
	}
	return p.Profile, nil
}

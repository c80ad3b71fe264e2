package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/awsapi"
	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/cache"
	"github.com/stscred/stscred/creds"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/resolve"
	"github.com/stscred/stscred/rotate"
)

// RotateCmd replaces an IAM user's access key: a new key in IAM and in the
// keystore, the old one deactivated and deleted.
type RotateCmd struct {
	Name          string        `arg:"" help:"Profile whose access key to replace (the IAM user's profile)."`
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
		OnStored:      func(k keystore.Key) { c.forgetOldKey(env, k) },
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
	unlock, err := c.lock(env)
	if err != nil {
		return err
	}
	defer unlock()
	res, err := rot.Run(env.context())
	if err != nil {
		return err
	}
	out := env.human()
	if c.DryRun {
		for _, step := range res.Plan {
			fmt.Fprintf(out, "stscred: dry run: would %s\n", step)
		}
		return nil
	}
	verb := "rotated"
	if res.Resumed {
		verb = "finished rotating"
	}
	fmt.Fprintf(out, "stscred: %s the access key of %s: %s → %s, stored in %s\n", verb, c.Name, keystore.MaskID(res.Old), keystore.MaskID(res.New), env.describeKeys())
	if res.OldDeleted {
		fmt.Fprintf(out, "stscred: the old key %s was deleted in IAM\n", keystore.MaskID(res.Old))
	} else {
		fmt.Fprintf(out, "stscred: the old key %s is inactive and kept in IAM; delete it when sure nothing needs it: aws iam delete-access-key --access-key-id %s\n", keystore.MaskID(res.Old), res.Old)
	}
	if res.State != nil {
		fmt.Fprintf(out, "stscred: %s\n", strings.ReplaceAll(res.State.String(), "\n", "\n  "))
	}
	return nil
}

// profile resolves NAME: an IAM user's profile, or a name not in the
// config (a key stored with stscred add only).
func (c *RotateCmd) profile(env *Env) (*awsconfig.Profile, error) {
	f, err := env.Config()
	if err != nil {
		return nil, err
	}
	if !f.Has(c.Name) {
		return &awsconfig.Profile{Name: c.Name}, nil
	}
	p, err := f.Resolve(c.Name)
	if err != nil {
		return nil, err
	}
	if p.IsRole() && p.SourceProfile != p.Name {
		return nil, hint.With(fmt.Errorf("profile %s is a role (role_arn = %s); only an IAM user's key can be rotated", p.Name, p.RoleARN),
			"rotate the key of its source profile: stscred rotate "+p.Root().Name)
	}
	return p, nil
}

// lock makes sure no other stscred rotates this profile's key at the same
// time: the second would resume the first's pending key under its feet.
// It does not wait.
func (c *RotateCmd) lock(env *Env) (func(), error) {
	ch, err := env.Cache()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(env.context())
	defer cancel()
	var busy *cache.Holder
	lease, err := ch.Lock(ctx, "v1:rotate:"+c.Name, cache.Holder{PID: env.PID, Profile: c.Name, Doing: "rotating the key of " + c.Name}, func(h cache.Holder) {
		busy = &h
		cancel()
	})
	if err != nil && busy != nil {
		return nil, hint.With(fmt.Errorf("stscred pid %d is already rotating the key of %s; nothing was changed", busy.PID, c.Name),
			"wait for it to finish; then stscred rotate "+c.Name+" --dry-run shows where things stand")
	}
	if err != nil {
		return nil, err
	}
	return lease.Unlock, nil
}

// forgetOldKey drops the cached sessions made with the replaced key (and
// the roles signed with them) and records the new key's id.
func (c *RotateCmd) forgetOldKey(env *Env, k keystore.Key) {
	ch, err := env.Cache()
	if err != nil {
		fmt.Fprintf(env.Stderr, "stscred: warning: could not drop the old key's cached sessions: %v\n", err)
		return
	}
	if _, err := ch.DeleteWhere(func(h cache.Header) bool { return h.Involves(c.Name) }); err != nil {
		fmt.Fprintf(env.Stderr, "stscred: warning: could not drop the old key's cached sessions: %v\n", err)
	}
	if err := resolve.RememberKeyID(ch, c.Name, k.AccessKeyID, env.Now()); err != nil {
		fmt.Fprintf(env.Stderr, "stscred: warning: could not update the session cache: %v\n", err)
	}
}

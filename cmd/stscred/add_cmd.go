package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stscred/stscred/awsapi"
	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/cache"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/resolve"
)

// AddCmd stores an IAM user's long-term access key.
type AddCmd struct {
	Name     string `arg:"" complete:"profile=keyholder" help:"Profile the key belongs to (the IAM user's profile in ~/.aws/config)."`
	Env      bool   `help:"Read the key from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."`
	NoVerify bool   `name:"no-verify" help:"Store without checking the key with STS GetCallerIdentity."`
}

func (c *AddCmd) Run(env *Env, g *Globals) error {
	p, inConfig, err := c.profile(env)
	if err != nil {
		return err
	}
	id, secret, err := keystore.Input{
		Profile: c.Name, FromEnv: c.Env, Getenv: env.Getenv,
		Terminal: env.StdinTerminal, Stdin: env.Stdin, Prompts: env.Stderr, ReadSecret: env.ReadSecret,
	}.Read()
	if err != nil {
		return err
	}
	if err := keystore.ValidateKey(id, secret); err != nil {
		return hint.With(err, "nothing was stored; copy the key from the IAM console or the CSV AWS gave you")
	}
	key := keystore.Key{AccessKeyID: id, SecretAccessKey: secret, Added: env.Now().UTC()}
	if !c.NoVerify {
		ep := env.Settings().EndpointFor(p)
		arn, err := awsapi.VerifyKey(env.context(), env.NewAPI(ep), id, secret)
		if err != nil {
			return verifyHints(err)
		}
		key.UserARN = arn
	}
	keys := env.Keys()
	old, err := keystore.GetKey(keys, c.Name)
	replacing := err == nil
	if err != nil && !errors.Is(err, keystore.ErrNotFound) {
		return fmt.Errorf("nothing was stored: %w", err)
	}
	if err := keystore.PutKey(keys, c.Name, key); err != nil {
		return err
	}
	if ch, err := env.Cache(); err == nil {
		if replacing && old.AccessKeyID != id {
			if _, err := ch.DeleteWhere(func(h cache.Header) bool { return h.Involves(c.Name) }); err != nil {
				fmt.Fprintf(env.Stderr, "stscred: warning: could not drop the old key's cached sessions: %v\n", err)
			}
		}
		if err := resolve.RememberKeyID(ch, c.Name, id, env.Now()); err != nil {
			fmt.Fprintf(env.Stderr, "stscred: warning: could not update the session cache: %v\n", err)
		}
	}
	who := ""
	if key.UserARN != "" {
		who = " (" + key.UserARN + ")"
	}
	verb := "stored"
	if replacing {
		verb = "replaced the stored key with"
	}
	fmt.Fprintf(env.human(), "stscred: %s access key %s for profile %s%s in %s\n", verb, keystore.MaskID(id), c.Name, who, env.describeKeys())
	if !inConfig {
		path, _ := env.ConfigPath()
		fmt.Fprintf(env.human(), "stscred: note: %s has no [profile %s] yet; add one (with region and mfa_serial) so roles can use it as source_profile\n", path, c.Name)
	}
	return nil
}

// profile finds the endpoint settings for the key's verification: the
// profile's when it is in the config, else the environment's defaults.
func (c *AddCmd) profile(env *Env) (*awsconfig.Profile, bool, error) {
	if strings.TrimSpace(c.Name) == "" || strings.ContainsAny(c.Name, "[]\r\n") {
		return nil, false, hint.With(fmt.Errorf("%q is not a usable profile name", c.Name), "use the name of the IAM user's profile, e.g. stscred add alice")
	}
	f, err := env.Config()
	if err != nil {
		return nil, false, err
	}
	if !f.Has(c.Name) {
		return &awsconfig.Profile{Name: c.Name}, false, nil
	}
	p, err := f.Resolve(c.Name)
	if err != nil {
		return nil, true, err
	}
	if p.IsRole() && p.SourceProfile != p.Name {
		return nil, true, hint.With(fmt.Errorf("profile %s is a role (role_arn = %s); keys belong to the IAM user's profile", p.Name, p.RoleARN),
			"store the key under its source profile: stscred add "+p.Root().Name)
	}
	return p, true, nil
}

// verifyHints adds what to do when the key could not be checked.
func verifyHints(err error) error {
	if errors.Is(err, awsapi.ErrKeyRejected) {
		return err
	}
	err = fmt.Errorf("could not verify the key, nothing was stored: %w", err)
	if awsapi.Unreachable(err) {
		return hint.With(err, "check the network, or store it unchecked with --no-verify")
	}
	return hint.With(err, "store it unchecked with --no-verify if you are sure it is right")
}

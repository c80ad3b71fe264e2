package main

import (
	"fmt"

	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/userkey"
)

// AddCmd stores an IAM user's access key (package userkey).
type AddCmd struct {
	Name     string `arg:"" complete:"profile=keyholder" help:"Profile the key belongs to (the IAM user's profile in ~/.aws/config)."`
	Env      bool   `help:"Read the key from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."`
	NoVerify bool   `name:"no-verify" help:"Store without checking the key with STS GetCallerIdentity."`
}

func (c *AddCmd) Run(env *Env) error {
	keys, err := env.userKeys()
	if err != nil {
		return err
	}
	if err := keys.Check(c.Name); err != nil {
		return err
	}
	id, secret, err := keystore.Input{
		Profile: c.Name, FromEnv: c.Env, Getenv: env.Getenv,
		Terminal: env.StdinTerminal, Stdin: env.Stdin, Prompts: env.Stderr, ReadSecret: env.ReadSecret,
	}.Read()
	if err != nil {
		return err
	}
	added, err := keys.Add(env.context(), c.Name, id, secret, c.NoVerify)
	if err != nil {
		return err
	}
	who := ""
	if added.Key.UserARN != "" {
		who = " (" + added.Key.UserARN + ")"
	}
	verb := "stored"
	if added.Replaced {
		verb = "replaced the stored key with"
	}
	fmt.Fprintf(env.human(), "stscred: %s access key %s for profile %s%s in %s\n", verb, keystore.MaskID(id), c.Name, who, env.describeKeys())
	if !added.InConfig {
		path, _ := env.ConfigPath()
		fmt.Fprintf(env.human(), "stscred: note: %s has no [profile %s] yet; add one (with region and mfa_serial) so roles can use it as source_profile\n", path, c.Name)
	}
	return nil
}

// userKeys adds and removes IAM users' keys.
func (e *Env) userKeys() (userkey.Setup, error) {
	m, err := e.Model()
	if err != nil {
		return userkey.Setup{}, err
	}
	return userkey.Setup{
		Model: m, Keys: e.Keys(), Cache: e.Cache, NewAPI: e.NewAPI, Settings: e.Settings(), Now: e.Now,
		Warn: func(format string, args ...any) { fmt.Fprintf(e.Stderr, "stscred: warning: "+format+"\n", args...) },
	}, nil
}

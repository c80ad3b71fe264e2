package main

import (
	"fmt"

	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/rotate"
)

// MigrateCmd moves stored keys from the backend in use to another one.
type MigrateCmd struct {
	To string `name:"to" required:"" enum:"keyring,file" help:"Backend to move the keys to: ${enum}."`
}

func (c *MigrateCmd) Run(env *Env) error {
	from := keystore.Unwrap(env.Keys())
	settings := env.keySettings()
	var to keystore.Store = settings.Keyring()
	if c.To == "file" {
		to = settings.File()
	}
	if from.Backend() == to.Backend() {
		return hint.With(fmt.Errorf("the keys are already in the %s backend", from.Backend()),
			"to move them away from it, name the other backend: --to keyring or --to file")
	}
	var profiles []string
	if f, err := env.Config(); err == nil {
		profiles = f.ProfileNames()
	}
	names, err := keystore.Migratable(from, profiles, rotate.PendingName)
	if err != nil {
		return fmt.Errorf("listing the keys in the %s backend: %w", from.Backend(), err)
	}
	res, err := keystore.Migrate(from, to, names)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.human(), "stscred: moved %d key%s from the %s backend to the %s backend\n", res.Keys, plural(res.Keys, "", "s"), from.Backend(), to.Backend())
	if len(res.Left) > 0 {
		fmt.Fprintf(env.Stderr, "stscred: warning: %d entr%s could not be deleted from the %s backend (they are safely in %s too): %v\n",
			len(res.Left), plural(len(res.Left), "y", "ies"), from.Backend(), to.Backend(), res.Left)
	}
	if c.To == "keyring" && settings.Backend == "file" {
		fmt.Fprintln(env.Stderr, "stscred: note: STSCRED_BACKEND=file still points at the file backend; unset it")
	}
	return nil
}

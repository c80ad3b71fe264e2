package main

import (
	"fmt"
	"strings"

	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/keystore"
)

// RemoveCmd deletes a stored key and every session derived from it
// (package userkey); it asks first.
type RemoveCmd struct {
	Name string `arg:"" complete:"profile=keyholder" help:"Profile whose key to delete."`
	Yes  bool   `short:"y" help:"Do not ask for confirmation."`
}

func (c *RemoveCmd) Run(env *Env) error {
	keys, err := env.userKeys()
	if err != nil {
		return err
	}
	k, err := keys.Stored(c.Name)
	if err != nil {
		return err
	}
	if !c.Yes {
		if !env.StdinTerminal {
			return hint.With(fmt.Errorf("refusing to delete the key of %s without confirmation", c.Name),
				"a deleted key cannot be recovered from stscred; pass --yes if you mean it")
		}
		fmt.Fprintf(env.Stderr, "Delete access key %s of profile %s from %s? It cannot be recovered. [y/N] ", keystore.MaskID(k.AccessKeyID), c.Name, env.describeKeys())
		answer, _ := env.Stdin.ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			return hint.With(fmt.Errorf("the key of %s was not deleted: %w", c.Name, errNotConfirmed), "answer y to delete it")
		}
	}
	r, err := keys.Remove(c.Name)
	if err != nil {
		return err
	}
	if r.PendingKey {
		fmt.Fprintf(env.human(), "stscred: also deleted the new key of an interrupted rotation of %s (it still exists in IAM: delete it there)\n", c.Name)
	}
	n := r.CachedEntries
	fmt.Fprintf(env.human(), "stscred: deleted access key %s of profile %s and %d cached entr%s\n", keystore.MaskID(k.AccessKeyID), c.Name, n, plural(n, "y", "ies"))
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

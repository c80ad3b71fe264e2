package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/cache"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/profile"
	"github.com/stscred/stscred/rotate"
)

// RemoveCmd deletes a stored key and every session derived from it.
type RemoveCmd struct {
	Name string `arg:"" complete:"profile=keyholder" help:"Profile whose key to delete."`
	Yes  bool   `short:"y" help:"Do not ask for confirmation."`
}

func (c *RemoveCmd) Run(env *Env) error {
	keys := env.Keys()
	k, err := keystore.GetKey(keys, c.Name)
	if errors.Is(err, keystore.ErrNotFound) {
		return c.noKey(env)
	}
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
	if err := keystore.DeleteKey(keys, c.Name); err != nil {
		return fmt.Errorf("deleting the key of %s: %w", c.Name, err)
	}
	// The new key of an interrupted rotation is the same user's, too.
	if err := keys.Delete(rotate.PendingName(c.Name)); err == nil {
		fmt.Fprintf(env.human(), "stscred: also deleted the new key of an interrupted rotation of %s (it still exists in IAM: delete it there)\n", c.Name)
	}
	n := 0
	if ch, err := env.Cache(); err == nil {
		n, err = ch.DeleteWhere(func(h cache.Header) bool { return h.Involves(c.Name) })
		if err != nil {
			fmt.Fprintf(env.Stderr, "stscred: warning: could not drop cached sessions: %v\n", err)
		}
	}
	fmt.Fprintf(env.human(), "stscred: deleted access key %s of profile %s and %d cached entr%s\n", keystore.MaskID(k.AccessKeyID), c.Name, n, plural(n, "y", "ies"))
	return nil
}

// noKey explains why there is nothing to remove: a profile that is not a
// key holder holds no key, and its sessions go with clear.
func (c *RemoveCmd) noKey(env *Env) error {
	m, err := env.Model()
	if err != nil {
		return err
	}
	p, err := m.Get(c.Name)
	switch {
	case errors.Is(err, awsconfig.ErrProfileNotFound):
		return hint.With(fmt.Errorf("no profile %s, and no access key is stored for it", c.Name),
			append(didYouMean(err), "see the profiles and stored keys: stscred list")...)
	case err == nil && p.Kind != profile.KeyHolder:
		return hint.With(fmt.Errorf("profile %s holds no access key to remove: it is a %s profile, not an IAM user's (stscred list shows each profile's type)", c.Name, p.Kind),
			"to drop its cached sessions: stscred clear "+c.Name)
	}
	return hint.With(fmt.Errorf("no access key is stored for profile %s", c.Name), "see what is stored: stscred list")
}

// didYouMean keeps the "did you mean" hints of a profile-not-found error.
func didYouMean(err error) []string {
	var out []string
	for _, h := range hint.Of(err) {
		if strings.HasPrefix(h, "did you mean") {
			out = append(out, h)
		}
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

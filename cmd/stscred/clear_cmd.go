package main

import (
	"fmt"

	"github.com/stscred/stscred/cache"
)

// ClearCmd drops cached sessions; stored keys stay.
type ClearCmd struct {
	Name string `arg:"" optional:"" help:"Only sessions of this profile and of roles it is the source of."`
}

func (c *ClearCmd) Run(env *Env) error {
	ch, err := env.Cache()
	if err != nil {
		return err
	}
	n, err := ch.DeleteWhere(func(h cache.Header) bool {
		return h.Kind != cache.KindKeyID && (c.Name == "" || h.Involves(c.Name))
	})
	if err != nil {
		return err
	}
	what := "all profiles"
	if c.Name != "" {
		what = c.Name
	}
	fmt.Fprintf(env.human(), "stscred: removed %d cached session%s (%s)\n", n, plural(n, "", "s"), what)
	return nil
}

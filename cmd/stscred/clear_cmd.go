package main

import (
	"errors"
	"fmt"

	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/profile"
	"github.com/stscred/stscred/userkey"

	"github.com/stscred/stscred/cache"
)

// ClearCmd drops cached sessions; stored keys stay.
type ClearCmd struct {
	Name string `arg:"" optional:"" complete:"profile=any" help:"Only sessions of this profile and of roles it is the source of."`
}

func (c *ClearCmd) Run(env *Env) error {
	ch, err := env.Cache()
	if err != nil {
		return err
	}
	name, err := c.target(env)
	if err != nil {
		return err
	}
	match := func(h cache.Header) bool {
		return h.Kind != cache.KindKeyID && (name == "" || h.Involves(name))
	}
	if name != "" {
		if err := c.known(env, ch, match); err != nil {
			return err
		}
	}
	n, err := ch.DeleteWhere(match)
	if err != nil {
		return err
	}
	what := "all profiles"
	switch {
	case name != c.Name:
		what = c.Name + ", which runs stscred for " + name
	case name != "":
		what = name
	}
	fmt.Fprintf(env.human(), "stscred: removed %d cached session%s (%s)\n", n, plural(n, "", "s"), what)
	return nil
}

// target is the profile whose sessions to clear: the one named, or, for
// a profile whose credential_process runs stscred, the one it asks for.
func (c *ClearCmd) target(env *Env) (string, error) {
	if c.Name == "" {
		return "", nil
	}
	m, err := env.Model()
	if err != nil {
		return "", err
	}
	p, err := m.Get(c.Name)
	if err != nil || p.Kind != profile.Tool {
		return c.Name, nil
	}
	if t, err := m.ToolTarget(p); err == nil && t.Profile != nil {
		return t.Profile.Name, nil
	}
	return c.Name, nil
}

// known refuses a profile name that is neither in the config nor in any
// cached entry: most likely a typo, which would otherwise clear nothing
// and say so quietly.
func (c *ClearCmd) known(env *Env, ch *cache.Cache, match func(cache.Header) bool) error {
	m, err := env.Model()
	if err != nil {
		return err
	}
	_, err = m.Get(c.Name)
	if !errors.Is(err, awsconfig.ErrProfileNotFound) {
		return nil // in the config (a profile that does not resolve still has sessions to clear)
	}
	headers, lerr := ch.List()
	if lerr != nil {
		return lerr
	}
	for _, h := range headers {
		if match(h) {
			return nil // gone from the config, its sessions still cached
		}
	}
	return hint.With(fmt.Errorf("no profile %s: the config does not have it, and nothing is cached for it", c.Name),
		append(userkey.DidYouMean(err), "see the profiles and what is cached: stscred list")...)
}

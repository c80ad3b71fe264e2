package listing

import (
	"errors"
	"fmt"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
)

// Clearing is what `stscred clear NAME` drops: the sessions of Target
// (the profile named, or what a tool profile's stscred call asks for)
// and of the roles it is the source of. Keys stay.
type Clearing struct {
	Named, Target string // both "" for every profile
}

// Match reports whether an entry is to go.
func (c Clearing) Match(h cache.Header) bool {
	return h.HoldsCredentials() && (c.Target == "" || h.Involves(c.Target))
}

// What names what is cleared, for the report.
func (c Clearing) What() string {
	switch {
	case c.Named == "":
		return "all profiles"
	case c.Target != c.Named:
		return c.Named + ", which runs stscred for " + c.Target
	}
	return c.Named
}

// ClearingOf decides what clearing name drops. A name that is neither in
// the config nor in any cached entry is most likely a typo, which would
// otherwise clear nothing and say so quietly: an error, with what was
// meant.
func ClearingOf(m *profile.Model, headers []cache.Header, name string) (Clearing, error) {
	if name == "" {
		return Clearing{}, nil
	}
	c := Clearing{Named: name, Target: name}
	p, err := m.Get(name)
	if err == nil && p.Kind == profile.Tool {
		if t, terr := m.ToolTarget(p); terr == nil && t.Profile != nil {
			c.Target = t.Profile.Name
		}
	}
	if !errors.Is(err, awsconfig.ErrProfileNotFound) {
		return c, nil // in the config (one that does not resolve may still have sessions to clear)
	}
	for _, h := range headers {
		if c.Match(h) {
			return c, nil // gone from the config, its sessions still cached
		}
	}
	return Clearing{}, hint.With(fmt.Errorf("no profile %s: the config does not have it, and nothing is cached for it", name),
		append(awsconfig.DidYouMean(err), "see the profiles and what is cached: stscred list")...)
}

package listing

import (
	"time"

	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
)

// Choice is a profile as the profile picker shows it: what the profile
// model says it is, and how long its cached credentials have left. It
// reads no keystore: choosing a profile asks for no passphrase.
type Choice struct {
	Profile string
	profile.Summary
	// Expires is when the cached credentials the profile would use end
	// (the latest of them), zero when none is cached.
	Expires time.Time
}

// Choices describes the profiles names (in that order) with the cached
// entries of headers. An account the config does not name is taken from
// the cached credentials, when they know it.
func Choices(m *profile.Model, names []string, headers []cache.Header) []Choice {
	out := make([]Choice, 0, len(names))
	for _, name := range names {
		c := Choice{Profile: name, Summary: m.Summarize(name)}
		for _, h := range headers {
			if h.Profile != c.Target || h.Kind == cache.KindKeyID || h.Kind == cache.KindFederation {
				continue
			}
			if h.Expires.After(c.Expires) {
				c.Expires = h.Expires
			}
			if c.Account == "" {
				c.Account = h.Account
			}
		}
		out = append(out, c)
	}
	return out
}

// What is the role's name, or the kind of session; "-" when unknown.
func (c Choice) What() string {
	switch {
	case c.Role != "":
		return c.Role
	case c.Session != "":
		return c.Session
	}
	return "-"
}

// Left is the time the cached credentials have left ("52m left",
// "expired"), "-" when none are cached.
func (c Choice) Left(now time.Time) string {
	if c.Expires.IsZero() {
		return "-"
	}
	return human.Left(c.Expires, now)
}

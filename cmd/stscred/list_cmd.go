package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stscred/stscred/cache"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/profile"
)

// ListCmd shows profiles, stored keys and cached sessions. It never shows
// a secret.
type ListCmd struct {
	JSON bool `help:"Print JSON instead of a table."`
}

type listedSession struct {
	Kind    string    `json:"kind"`
	MFA     bool      `json:"mfa"`
	Expires time.Time `json:"expires"`
	Left    string    `json:"left"`
}

type listedProfile struct {
	Profile  string          `json:"profile"`
	Type     string          `json:"type"`
	Key      string          `json:"key,omitempty"` // masked access key id
	KeyAdded *time.Time      `json:"key_added,omitempty"`
	Sessions []listedSession `json:"sessions"`
}

func (c *ListCmd) Run(env *Env) error {
	m, err := env.Model()
	if err != nil {
		return err
	}
	f := m.File
	ch, err := env.Cache()
	if err != nil {
		return err
	}
	headers, err := ch.List()
	if err != nil {
		return err
	}
	now := env.Now()
	byProfile := map[string][]listedSession{}
	for _, h := range headers {
		if h.Kind == cache.KindKeyID {
			continue
		}
		byProfile[h.Profile] = append(byProfile[h.Profile], listedSession{Kind: h.Kind, MFA: h.MFA, Expires: h.Expires, Left: left(h.Expires, now)})
	}
	var rows []listedProfile
	var keyringErr error
	for _, name := range f.ProfileNames() {
		row := listedProfile{Profile: name, Type: profile.Invalid.String(), Sessions: byProfile[name]}
		delete(byProfile, name)
		p, err := m.Get(name)
		if err == nil {
			row.Type = p.Kind.String()
		}
		if err == nil && p.Kind == profile.KeyHolder && keyringErr == nil {
			k, err := keystore.GetKey(env.Keys(), name)
			switch {
			case err == nil:
				row.Key = keystore.MaskID(k.AccessKeyID)
				if !k.Added.IsZero() {
					added := k.Added
					row.KeyAdded = &added
				}
			case !errors.Is(err, keystore.ErrNotFound):
				keyringErr = err
			}
		}
		rows = append(rows, row)
	}
	// Sessions of inline roles or of profiles since removed from the config.
	var rest []string
	for name := range byProfile {
		rest = append(rest, name)
	}
	sort.Strings(rest)
	for _, name := range rest {
		rows = append(rows, listedProfile{Profile: name, Type: "not in config", Sessions: byProfile[name]})
	}
	if keyringErr != nil {
		fmt.Fprintf(env.Stderr, "stscred: warning: could not read stored keys: %v\n", keyringErr)
	}
	if c.JSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(env.human(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tTYPE\tKEY\tCACHED")
	for _, r := range rows {
		key := "-"
		if r.Key != "" {
			key = r.Key
			if r.KeyAdded != nil {
				key += " (" + age(*r.KeyAdded, now) + " old)"
			}
		} else if r.Type == profile.KeyHolder.String() && keyringErr != nil {
			key = "?"
		}
		var cached []string
		for _, s := range r.Sessions {
			d := s.Kind
			if s.MFA {
				d += " (MFA)"
			}
			cached = append(cached, d+" "+s.Left)
		}
		if len(cached) == 0 {
			cached = []string{"-"}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Profile, r.Type, key, strings.Join(cached, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.human(), "\nkeys are kept in %s\n", env.describeKeys())
	return err
}

// left says how long credentials expiring at exp have at now.
func left(exp, now time.Time) string {
	d := exp.Sub(now)
	if d <= 0 {
		return "expired"
	}
	return shortDuration(d) + " left"
}

func age(t, now time.Time) string { return shortDuration(now.Sub(t)) }

func shortDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

// Package listing is what `stscred list` shows: every profile of the
// config with its kind, its stored key (masked id and age), a
// login_session profile's AWS Sign-In state (signed in as whom, until
// when), and its cached sessions with the time they have left; the
// sessions of profiles the config no longer has; the Identity Center
// sessions. Never a secret; no network call.
package listing

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/keystore"
)

// Session is a cached session or role credentials.
type Session struct {
	Kind    string    `json:"kind"`
	MFA     bool      `json:"mfa"`
	Expires time.Time `json:"expires"`
	Left    string    `json:"left"`
}

// Row is one profile.
type Row struct {
	Profile  string     `json:"profile"`
	Type     string     `json:"type"`
	Key      string     `json:"key,omitempty"` // masked access key id
	KeyAdded *time.Time `json:"key_added,omitempty"`
	// Login is a login_session profile's AWS Sign-In session (AddLogin).
	Login    *Login    `json:"login,omitempty"`
	Sessions []Session `json:"sessions"` // [] when none, never null
}

// Listing is the rows, and the keystore's error if stored keys could not
// be read (the rows then show "?" for them).
type Listing struct {
	Rows    []Row
	KeysErr error
	// Unnamed are the profiles with a stored key that the config does
	// not have: no role can use their keys.
	Unnamed []string
	now     time.Time
}

// Build lists m's profiles with the cached entries of headers and the keys
// keys holds.
func Build(m *profile.Model, headers []cache.Header, keys keystore.Store, now time.Time) Listing {
	l := Listing{now: now}
	byProfile := map[string][]Session{}
	for _, h := range headers {
		if !h.HoldsCredentials() {
			continue
		}
		byProfile[h.Profile] = append(byProfile[h.Profile], Session{Kind: h.Kind, MFA: h.MFA, Expires: h.Expires, Left: human.Left(h.Expires, now)})
	}
	for _, name := range m.File.ProfileNames() {
		row := Row{Profile: name, Type: profile.Invalid.String(), Sessions: byProfile[name]}
		delete(byProfile, name)
		p, err := m.Get(name)
		if err == nil {
			row.Type = p.Kind.String()
		}
		if err == nil && p.Kind == profile.KeyHolder && l.KeysErr == nil {
			k, err := keystore.GetKey(keys, name)
			switch {
			case err == nil:
				row.Key = keystore.MaskID(k.AccessKeyID)
				if !k.Added.IsZero() {
					added := k.Added
					row.KeyAdded = &added
				}
			case !errors.Is(err, keystore.ErrNotFound):
				l.KeysErr = err
			}
		}
		l.Rows = append(l.Rows, row)
	}
	// Keys stored under names the config lacks (a typo, or a profile
	// since removed), and the sessions of inline roles or of profiles
	// since removed.
	orphans := map[string]bool{}
	if l.KeysErr == nil {
		stored, err := keystore.StoredProfiles(keys)
		if err != nil {
			l.KeysErr = err
		}
		for _, name := range stored {
			if !m.File.Has(name) {
				orphans[name] = true
			}
		}
	}
	var rest []string
	for name := range byProfile {
		if !orphans[name] {
			rest = append(rest, name)
		}
	}
	for name := range orphans {
		rest = append(rest, name)
	}
	sort.Strings(rest)
	for _, name := range rest {
		row := Row{Profile: name, Type: NotInConfig, Sessions: byProfile[name]}
		if orphans[name] {
			k, err := keystore.GetKey(keys, name)
			switch {
			case err == nil:
				row.Key = keystore.MaskID(k.AccessKeyID)
				if !k.Added.IsZero() {
					added := k.Added
					row.KeyAdded = &added
				}
				l.Unnamed = append(l.Unnamed, name)
			case !errors.Is(err, keystore.ErrNotFound) && l.KeysErr == nil:
				l.KeysErr = err
			}
		}
		l.Rows = append(l.Rows, row)
	}
	return l
}

// NotInConfig is the Type of a row whose name the config does not have:
// the sessions of an inline role or of a profile since removed, or a key
// stored under a name no profile has.
const NotInConfig = "not in config"

// WriteJSON writes the rows as a JSON array ([] when there are none;
// a row's sessions are [] too when it has none).
func (l Listing) WriteJSON(w io.Writer) error {
	rows := make([]Row, 0, len(l.Rows))
	for _, r := range l.Rows {
		if r.Sessions == nil {
			r.Sessions = []Session{}
		}
		rows = append(rows, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}

// WriteTable writes the rows as a table, then where keys are kept.
func (l Listing) WriteTable(w io.Writer, where string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tTYPE\tKEY\tCACHED")
	for _, r := range l.Rows {
		key := "-"
		if r.Key != "" {
			key = r.Key
			if r.KeyAdded != nil {
				key += " (" + human.Age(*r.KeyAdded, l.now) + " old)"
			}
		} else if r.Type == profile.KeyHolder.String() && l.KeysErr != nil {
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
		if r.Login != nil {
			cached = append([]string{r.Login.text()}, cached...)
		}
		if len(cached) == 0 {
			cached = []string{"-"}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Profile, r.Type, key, strings.Join(cached, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nkeys are kept in %s\n", where)
	return err
}

package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/session/cache"
)

func (d *doctor) checkCache() {
	dir, err := d.s.CacheDir()
	if err != nil {
		d.add(IDCache, "", Fail, err.Error(), hint.Of(err)...)
		return
	}
	shown := d.tilde(dir)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.add(IDCache, "", Info, "no cached sessions yet ("+shown+" does not exist; the first call creates it)")
		return
	case err != nil:
		d.add(IDCache, "", Fail, "cache directory "+shown+" cannot be read: "+err.Error(), "check its owner and permissions (700, yours)")
		return
	case !fi.IsDir():
		d.add(IDCache, "", Fail, "cache directory "+shown+" is not a directory", "remove it; stscred creates the directory itself")
		return
	case d.s.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0:
		d.add(IDCache, "", Fail, fmt.Sprintf("cache directory %s is open to other users (mode %04o)", shown, fi.Mode().Perm()),
			"chmod 700 "+shown+" (the entries are sealed, but their headers and the lock files are yours alone)")
		return
	}
	ch, err := d.s.Cache()
	if err != nil {
		d.add(IDCache, "", Fail, err.Error(), hint.Of(err)...)
		return
	}
	headers, err := ch.List()
	if err != nil {
		d.add(IDCache, "", Fail, err.Error(), "check the permissions of "+shown)
		return
	}
	now := d.s.Now()
	n := 0
	for _, h := range d.scoped(headers) {
		n++
		what := "cached session of " + h.Profile
		if h.Kind == cache.KindRole {
			what = "cached role credentials of " + h.Profile
		}
		if h.MFA {
			what += " (MFA)"
		}
		rem := h.Expires.Sub(now)
		switch {
		case rem <= 0:
			d.add(IDCache, h.Profile, Info, what+": expired; the next call fetches new ones")
		case rem < d.s.MinRemaining:
			d.add(IDCache, h.Profile, Info, what+": "+human.Left(h.Expires, now)+", under the "+human.Short(d.s.MinRemaining)+" stscred hands out; the next call fetches new ones")
		default:
			d.add(IDCache, h.Profile, Pass, what+": "+human.Left(h.Expires, now))
		}
	}
	if n == 0 {
		d.add(IDCache, "", Info, "no cached sessions (the next call fetches them from STS)")
	}
}

// scoped returns the session and role entries that concern the profiles
// in scope, soonest to expire last.
func (d *doctor) scoped(headers []cache.Header) []cache.Header {
	var out []cache.Header
	for _, h := range headers {
		if !h.HoldsCredentials() {
			continue
		}
		if d.scope != nil && !d.scope[h.Profile] {
			continue // another chain's entry, if one through the same user
		}
		out = append(out, h)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Profile != out[j].Profile {
			return out[i].Profile < out[j].Profile
		}
		return out[i].Expires.After(out[j].Expires)
	})
	return out
}

package doctor

import (
	"errors"
	"sort"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/ops/accesskey"
	"github.com/stscred/stscred/keystore"
)

// ---- keyring and keys

func (d *doctor) checkKeyring() {
	keys := d.s.Keys
	name := keys.Backend()
	// A name that is never stored: the answer must be "not found".
	if _, err := keys.Get(keyringProbe); err != nil && !errors.Is(err, keystore.ErrNotFound) {
		d.add(IDKeyring, "", Fail, "keys are kept in the "+name+" backend, which does not answer: "+err.Error(), hint.Of(err)...)
		return
	}
	d.keyringOK = true
	d.add(IDKeyring, "", Pass, "keys are kept in the "+name+" backend, which answers")
	if st := keystore.StrandedOf(keys); st != nil {
		d.add(IDKeyring, "", Info, st.Summary(), st.WaysOut()...)
	} else if d.note() != "" {
		d.add(IDKeyring, "", Info, d.note(),
			"if your keys are in the OS keyring, make it reachable (a desktop login, or a D-Bus session with a Secret Service), or set STSCRED_BACKEND=keyring to see why it does not answer")
	}
}

// checkKeys reports a stored key for every IAM user's profile that needs
// one, and for every other root profile that has one.
func (d *doctor) checkKeys() {
	for _, name := range d.cfg.ProfileNames() {
		if !d.inScope(name) {
			continue
		}
		p, err := d.model.Get(name)
		if err != nil || p.Kind != profile.KeyHolder {
			continue
		}
		users := d.needKey[name]
		sort.Strings(users)
		users = compact(users)
		if !d.keyringOK {
			if len(users) > 0 {
				d.add(IDKey, name, Info, "profile "+name+": stored key not checked: the keyring does not answer (see above)")
			}
			continue
		}
		k, err := keystore.GetKey(d.s.Keys, name)
		switch {
		case err == nil:
			d.keys[name] = k
			msg := "profile " + name + ": access key " + keystore.MaskID(k.AccessKeyID) + " stored in " + d.s.Keys.Backend()
			var extra []string
			if !k.Added.IsZero() {
				extra = append(extra, "added "+human.Age(k.Added, d.s.Now())+" ago")
			}
			if k.UserARN != "" {
				extra = append(extra, k.UserARN)
			}
			if len(extra) > 0 {
				msg += " (" + strings.Join(extra, ", ") + ")"
			}
			d.add(IDKey, name, Pass, msg)
			if _, perr := d.s.Keys.Get(accesskey.PendingName(name)); perr == nil {
				d.add(IDKey, name, Warn, "profile "+name+": a key rotation was interrupted (its new key waits in the keystore)",
					"finish it: stscred rotate "+name)
			}
		case errors.Is(err, keystore.ErrNotFound):
			if st := keystore.StrandedOf(d.s.Keys); len(users) > 0 && st != nil && st.Holds(name) {
				d.add(IDKey, name, Fail, "profile "+name+": no access key stored in the file keystore (needed by "+strings.Join(users, ", ")+"); the OS keyring ("+st.Keyring+") holds it, but stscred uses the file keystore because it exists",
					st.WaysOut()...)
			} else if len(users) > 0 {
				hints := []string{"store the IAM user's access key: stscred add " + name}
				if d.note() != "" {
					hints = append(hints, "stscred looked in the "+d.s.Keys.Backend()+" backend: "+d.note())
				}
				d.add(IDKey, name, Fail, "profile "+name+": no access key stored in the "+d.s.Keys.Backend()+" backend (needed by "+strings.Join(users, ", ")+")", hints...)
			}
		default:
			d.add(IDKey, name, Fail, "profile "+name+": "+err.Error(), append(hint.Of(err), "store the key again: stscred add "+name)...)
		}
	}
	d.checkUnnamedKeys()
}

// checkUnnamedKeys warns of keys stored under names the config lacks (a
// typo at stscred add, or a profile since removed): no role can use them.
func (d *doctor) checkUnnamedKeys() {
	if d.scope != nil || !d.keyringOK {
		return
	}
	stored, err := keystore.StoredProfiles(d.s.Keys)
	if err != nil {
		return // the keys the config names were checked above
	}
	for _, name := range stored {
		if d.cfg.Has(name) {
			continue
		}
		_, rerr := d.cfg.Resolve(name)
		hints := append(awsconfig.DidYouMean(rerr),
			"add "+awsconfig.SectionFor(name)+" to "+d.configShown()+" (with region and mfa_serial) so roles can use it as source_profile",
			"or, if the name is a typo: stscred remove "+name+", then stscred add the right one")
		d.add(IDKey, name, Warn, "a key is stored for "+name+", which "+d.configShown()+" does not have: no profile uses it", hints...)
	}
}

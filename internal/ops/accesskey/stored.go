package accesskey

// Adding and removing an IAM user's stored access key, with what goes with
// it: the profile check, the key's verification with STS, the cached
// sessions the old key made, the remembered key id, and the pending key of
// an interrupted rotation. The command layer asks for confirmation and
// prints.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/keystore"
)

// Setup is what adding and removing use.
type Setup struct {
	Model    *profile.Model
	Keys     keystore.Store
	Cache    func() (*cache.Cache, error)
	NewAPI   func(awsapi.Endpoint) awsapi.API
	Settings awsapi.Settings
	Now      func() time.Time
	// Warn receives what went wrong besides the main job (a cache that
	// could not be updated).
	Warn func(format string, args ...any)
}

// Added is what Add did.
type Added struct {
	Key      keystore.Key
	Replaced bool // another key was stored before
	InConfig bool // the config has the profile
}

// Check refuses, before a key is typed, a name no key can be stored
// under (a role, a web identity profile, no name at all, a typo of a
// profile the config has), and says whether the config has the profile.
func (s Setup) Check(name string) (inConfig bool, err error) {
	_, inConfig, err = s.profile(name)
	return inConfig, err
}

// Add stores an IAM user's key under profile name, checked with STS
// first unless noVerify; nothing is stored when anything fails.
func (s Setup) Add(ctx context.Context, name, id, secret string, noVerify bool) (Added, error) {
	p, inConfig, err := s.profile(name)
	if err != nil {
		return Added{}, err
	}
	if err := keystore.ValidateKey(id, secret); err != nil {
		return Added{}, hint.With(err, "nothing was stored; copy the key from the IAM console or the CSV AWS gave you")
	}
	key := keystore.Key{AccessKeyID: id, SecretAccessKey: secret, Added: s.Now().UTC()}
	if !noVerify {
		arn, err := awsapi.VerifyKey(ctx, s.NewAPI(s.Settings.EndpointFor(p)), id, secret)
		if err != nil {
			return Added{}, verifyHints(err)
		}
		key.UserARN = arn
	}
	old, err := keystore.GetKey(s.Keys, name)
	replacing := err == nil
	if err != nil && !errors.Is(err, keystore.ErrNotFound) {
		return Added{}, fmt.Errorf("nothing was stored: %w", err)
	}
	if err := keystore.PutKey(s.Keys, name, key); err != nil {
		return Added{}, err
	}
	if ch, err := s.Cache(); err == nil {
		if replacing && old.AccessKeyID != id {
			if _, err := ch.DeleteWhere(func(h cache.Header) bool { return h.Involves(name) }); err != nil {
				s.Warn("could not drop the old key's cached sessions: %v", err)
			}
		}
		if err := resolve.RememberKeyID(ch, name, id, s.Now()); err != nil {
			s.Warn("could not update the session cache: %v", err)
		}
	}
	return Added{Key: key, Replaced: replacing, InConfig: inConfig}, nil
}

// profile finds the endpoint settings for the key's verification: the
// profile's when it is in the config, else the environment's defaults.
func (s Setup) profile(name string) (*awsconfig.Profile, bool, error) {
	if strings.TrimSpace(name) == "" || strings.ContainsAny(name, "[]\r\n") {
		return nil, false, hint.With(fmt.Errorf("%q is not a usable profile name", name), "use the name of the IAM user's profile, e.g. stscred add alice")
	}
	f := s.Model.File
	if !f.Has(name) {
		// A name the config lacks but nearly has is a typo: a key stored
		// under it would serve no profile. Another name is a new user's,
		// whose section may come after the key.
		_, err := f.Resolve(name)
		if meant := awsconfig.DidYouMean(err); len(meant) > 0 {
			return nil, false, hint.With(fmt.Errorf("%s has no profile %s; nothing was stored", f.Path, name),
				append(meant, "if "+name+" is another IAM user, add "+awsconfig.SectionFor(name)+" to "+f.Path+" first (with region and mfa_serial), then run stscred add "+name+" again")...)
		}
		return &awsconfig.Profile{Name: name}, false, nil
	}
	p, err := f.Resolve(name)
	if err != nil {
		return nil, true, err
	}
	if p.IsRole() && p.SourceProfile != p.Name {
		return nil, true, hint.With(fmt.Errorf("profile %s is a role (role_arn = %s); keys belong to the IAM user's profile", p.Name, p.RoleARN),
			"store the key under its source profile: stscred add "+p.Root().Name)
	}
	if p.FromIdentityProvider() {
		return nil, true, hint.With(fmt.Errorf("profile %s gets its session from an identity provider's token: it needs no key", p.Name),
			"store keys under IAM users' profiles only")
	}
	return p, true, nil
}

// verifyHints adds what to do when the key could not be checked.
func verifyHints(err error) error {
	if errors.Is(err, awsapi.ErrKeyRejected) {
		return err
	}
	err = fmt.Errorf("could not verify the key, nothing was stored: %w", err)
	if awsapi.Unreachable(err) {
		return hint.With(err, "check the network, or store it unchecked with --no-verify")
	}
	return hint.With(err, "store it unchecked with --no-verify if you are sure it is right")
}

// Stored is the key stored for name, or an error that says why there is
// none: a profile that is not an IAM user's holds no key, and a name the
// config lacks is probably a typo.
func (s Setup) Stored(name string) (keystore.Key, error) {
	k, err := keystore.GetKey(s.Keys, name)
	if !errors.Is(err, keystore.ErrNotFound) {
		return k, err
	}
	p, err := s.Model.Get(name)
	switch {
	case errors.Is(err, awsconfig.ErrProfileNotFound):
		return k, hint.With(fmt.Errorf("no profile %s, and no access key is stored for it", name),
			append(awsconfig.DidYouMean(err), "see the profiles and stored keys: stscred list")...)
	case err == nil && p.Kind != profile.KeyHolder:
		return k, hint.With(fmt.Errorf("profile %s holds no access key to remove: it is a %s profile, not an IAM user's (stscred list shows each profile's type)", name, p.Kind),
			"to drop its cached sessions: stscred clear "+name)
	}
	return k, hint.With(fmt.Errorf("no access key is stored for profile %s", name), "see what is stored: stscred list")
}

// Removed is what Remove did.
type Removed struct {
	Key           keystore.Key
	PendingKey    bool // the new key of an interrupted rotation went too
	CachedEntries int
}

// Remove deletes name's stored key, the pending key of an interrupted
// rotation, and every cached entry made from them.
func (s Setup) Remove(name string) (Removed, error) {
	k, err := s.Stored(name)
	if err != nil {
		return Removed{}, err
	}
	if err := keystore.DeleteKey(s.Keys, name); err != nil {
		return Removed{}, fmt.Errorf("deleting the key of %s: %w", name, err)
	}
	out := Removed{Key: k}
	out.PendingKey = s.Keys.Delete(PendingName(name)) == nil
	if ch, err := s.Cache(); err == nil {
		out.CachedEntries, err = ch.DeleteWhere(func(h cache.Header) bool { return h.Involves(name) })
		if err != nil {
			s.Warn("could not drop cached sessions: %v", err)
		}
	}
	return out, nil
}

package app

import (
	"context"
	"fmt"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/ops/accesskey"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/keystore"
)

// Rotation is what stscred rotate asks for.
type Rotation struct {
	Profile       string
	KeepOld       bool
	DryRun        bool
	VerifyTimeout time.Duration
}

// Rotate replaces the access key of an IAM user's profile (package
// rotate), under the rotation's lock, and reports what it did.
func Rotate(proc *Process, s *Services, o Rotation) error {
	p, err := rotatable(s, o.Profile)
	if err != nil {
		return err
	}
	settings := s.Settings()
	rot := &accesskey.Rotation{
		Profile:       o.Profile,
		IAM:           awsapi.NewIAM(settings.IAMEndpoint(p, proc.Getenv("AWS_ENDPOINT_URL_IAM")), awsapi.DefaultTimeout),
		STS:           s.NewAPI(settings.EndpointFor(p)),
		Keys:          s.Keys(),
		Where:         s.DescribeKeys(),
		KeepOld:       o.KeepOld,
		DryRun:        o.DryRun,
		VerifyTimeout: o.VerifyTimeout,
		Now:           proc.Now,
		Progress:      proc.Stderr,
		OnStored: func(k keystore.Key) {
			if ch, err := s.Cache(); err == nil {
				accesskey.Forget(ch, o.Profile, k, proc.Now(), proc.Stderr)
			}
		},
	}
	if p.MFASerial != "" {
		// IAM refuses session credentials without MFA context, and
		// policies often refuse the long-term key: sign with the MFA
		// session (from the cache, or asking for a code).
		rot.Signer = func(ctx context.Context, k keystore.Key) (creds.Credentials, error) {
			r, err := s.Resolver()
			if err != nil {
				return creds.Credentials{}, err
			}
			if ch, err := s.Cache(); err == nil {
				// The session cache is keyed by the stored key's id.
				_ = resolve.RememberKeyID(ch, o.Profile, k.AccessKeyID, proc.Now())
			}
			res, err := r.Credentials(ctx, p)
			return res.Creds, err
		}
	}
	ch, err := s.Cache()
	if err != nil {
		return err
	}
	unlock, err := accesskey.Lock(proc.Context(), ch, o.Profile, proc.PID)
	if err != nil {
		return err
	}
	defer unlock()
	res, err := rot.Run(proc.Context())
	if err != nil {
		return err
	}
	res.Print(proc.Human(), o.Profile, s.DescribeKeys(), o.DryRun)
	return nil
}

// rotatable resolves name: an IAM user's profile, or a name not in the
// config (a key stored with stscred add only).
func rotatable(s *Services, name string) (*awsconfig.Profile, error) {
	m, err := s.Model()
	if err != nil {
		return nil, err
	}
	if !m.File.Has(name) {
		return &awsconfig.Profile{Name: name}, nil
	}
	p, err := m.Get(name)
	if err != nil {
		return nil, err
	}
	if p.Kind == profile.Role && p.SourceProfile != p.Name {
		return nil, hint.With(fmt.Errorf("profile %s is a role (role_arn = %s); only an IAM user's key can be rotated", p.Name, p.RoleARN),
			"rotate the key of its source profile: stscred rotate "+p.Root().Name)
	}
	return p.Profile, nil
}

// Migrate moves the stored keys from the backend in use to backend to
// (keyring or file), without loss, and says what it did.
func Migrate(p *Process, s *Services, backend string) error {
	from := keystore.Unwrap(s.Keys())
	settings := s.KeySettings()
	var to keystore.Store = settings.Keyring()
	if backend == "file" {
		to = settings.File()
	}
	if from.Backend() == to.Backend() {
		return hint.With(fmt.Errorf("the keys are already in the %s backend", from.Backend()),
			"to move them away from it, name the other backend: --to keyring or --to file")
	}
	var profiles []string
	var sessions []identitycenter.Session
	var logins []*profile.Profile
	if m, err := s.Model(); err == nil {
		profiles = m.File.ProfileNames()
		sessions = resolve.SSOSessions(m)
		logins = resolve.LoginProfiles(m)
	}
	names, err := keystore.Migratable(from, profiles, accesskey.PendingName)
	if err != nil {
		return fmt.Errorf("listing the keys in the %s backend: %w", from.Backend(), err)
	}
	if _, lists := from.(keystore.Lister); !lists {
		// The OS keyring cannot be listed: the Identity Center sign-ins
		// of the config's sessions, and the AWS Sign-In sessions of its
		// login_session profiles, are looked for by name.
		for _, s := range sessions {
			names = append(names, identitycenter.StoreNames(s)...)
		}
		seen := map[string]bool{}
		for _, lp := range logins {
			if n := signin.StoreName(lp.LoginSession); !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	res, err := keystore.Migrate(from, to, names)
	if err != nil {
		return err
	}
	moved := fmt.Sprintf("%d key%s", res.Keys, human.Plural(res.Keys, "", "s"))
	n := 0
	for _, name := range res.Moved {
		if signin.IsStoreName(name) {
			n++
		}
	}
	if n > 0 {
		moved += fmt.Sprintf(" and %d AWS Sign-In session%s", n, human.Plural(n, "", "s"))
	}
	fmt.Fprintf(p.Human(), "stscred: moved %s from the %s backend to the %s backend\n", moved, from.Backend(), to.Backend())
	if len(res.Left) > 0 {
		fmt.Fprintf(p.Stderr, "stscred: warning: %d entr%s could not be deleted from the %s backend (they are safely in %s too): %v\n",
			len(res.Left), human.Plural(len(res.Left), "y", "ies"), from.Backend(), to.Backend(), res.Left)
	}
	if backend == "keyring" && settings.Backend == "file" {
		fmt.Fprintln(p.Stderr, "stscred: note: STSCRED_BACKEND=file still points at the file backend; unset it")
	}
	return nil
}

package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/base/iamname"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/credline"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/resolve"
)

// Limits and defaults of a federated user's session (GetFederationToken).
const (
	DefaultFederatedSession = 12 * time.Hour
	MaxFederatedSession     = 36 * time.Hour
)

// allowAll is the session policy of a federated user: the session may do
// what the IAM user's own policies allow (a federated session's rights are
// the intersection of both; without a policy it can do nothing).
const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// Request is what `stscred console` asks for.
type Request struct {
	// Role is the profile, or an inline role (RoleARN and Source), as
	// `stscred role` takes them; Command is ignored.
	Role credline.Request
	// Duration is the console session's length; 0 leaves it to the
	// credentials (a role's) or to DefaultFederatedSession (an IAM user's).
	Duration time.Duration
	Path     string // the console page to land on
	Region   string // the console's region, else the profile's
}

// Setup is what signing in uses.
type Setup struct {
	Model    *profile.Model
	Resolver func() (*resolve.Resolver, error)
	HTTP     *http.Client
	// FederationURL replaces the partition's federation endpoint
	// (STSCRED_FEDERATION_URL).
	FederationURL string
	Now           func() time.Time
	Notes         io.Writer // notes for the user (stderr)
}

// SignIn is a sign-in URL and what it signs in as.
type SignIn struct {
	URL       string // a bearer credential: for a browser or stdout only
	Profile   string
	Principal string    // the role ARN, or the federated user's name
	Until     time.Time // when the console session ends
	Cached    bool      // the credentials came from the cache (no STS call)
}

// SignIn gets temporary credentials for req's profile (a role's session
// for a role, a federated user's for an IAM user), turns them into a
// sign-in token and returns the login URL.
func (s Setup) SignIn(ctx context.Context, req Request) (SignIn, error) {
	if d := req.Duration; d != 0 && d < MinSession {
		return SignIn{}, hint.With(fmt.Errorf("--duration %s is shorter than the console's 15 minutes", human.Short(d)), "use 15m or more")
	}
	target, region, err := s.target(req)
	if err != nil {
		return SignIn{}, err
	}
	if req.Region != "" {
		region = req.Region
	}
	// Where to land is checked before any credential is fetched (or an
	// MFA code asked for).
	part := PartitionOf(target.RoleARN, region)
	dest, err := Destination(part, region, req.Path)
	if err != nil {
		return SignIn{}, err
	}
	r, err := s.Resolver()
	if err != nil {
		return SignIn{}, err
	}
	var c credsAndLength
	switch {
	case target.IsSSO():
		c, err = s.sso(ctx, r, target, req.Duration)
	case target.IsRole() || target.FromIdentityProvider():
		c, err = s.role(ctx, r, target, req.Duration)
	default:
		c, err = s.federated(ctx, r, target, req.Duration)
	}
	if err != nil {
		return SignIn{}, err
	}
	endpoint := s.FederationURL
	if endpoint == "" {
		endpoint = part.Federation
	}
	token, err := SigninToken(ctx, s.HTTP, endpoint, c.creds, c.sessionDuration)
	if err != nil {
		return SignIn{}, s.explain(err, target, c)
	}
	until := c.creds.Expiration
	if c.sessionDuration > 0 {
		until = s.Now().Add(c.sessionDuration)
	}
	return SignIn{URL: LoginURL(endpoint, token, dest), Profile: target.Name, Principal: c.principal, Until: until, Cached: c.cached}, nil
}

// target is the role or IAM user profile req names, and the region of the
// profile named (a tool profile's own before its target's).
func (s Setup) target(req Request) (*awsconfig.Profile, string, error) {
	rr := req.Role
	rr.Command, rr.Duration = "role", 0
	if rr.RoleARN != "" {
		t, err := s.Model.Resolve(rr)
		if err != nil {
			return nil, "", err
		}
		return t.Profile, t.Profile.Region, nil
	}
	p, err := s.Model.Get(rr.Profile)
	if err != nil {
		return nil, "", err
	}
	switch p.Kind {
	case profile.KeyHolder:
		return p.Profile, p.Region, nil
	case profile.Role, profile.WebIdentity, profile.SAML, profile.SSO:
		t, err := s.Model.Resolve(rr)
		if err != nil {
			return nil, "", err
		}
		return t.Profile, t.Profile.Region, nil
	case profile.Tool:
		t, err := s.Model.ToolTarget(p)
		if err != nil {
			return nil, "", err
		}
		region := p.Region
		if region == "" {
			region = t.Profile.Region
		}
		return t.Profile, region, nil
	case profile.Foreign:
		return nil, "", hint.With(fmt.Errorf("profile %s gets its credentials from another program's credential_process, which stscred does not run for the console", p.Name),
			"name the role profile or the IAM user's profile stscred keeps the key of")
	}
	return nil, "", hint.With(fmt.Errorf("profile %s is a %s profile, which stscred does not sign in to the console with yet", p.Name, p.Kind),
		"name a role profile or an IAM user's profile: stscred list shows them")
}

type credsAndLength struct {
	creds           creds.Credentials
	cached          bool
	principal       string
	sessionDuration time.Duration // SessionDuration to send, 0 for none
	direct          bool          // a role assumed with the long-term key
}

// role gets the role's session for a console session of d (0: as long as
// the credentials). Up to an hour it is a session of the role assumed with
// the cached MFA session, fetched anew when less than d is left; beyond,
// the role is assumed straight from the IAM user's key with its own MFA
// code (AWS refuses a longer console session for a role assumed with
// temporary credentials), as `stscred role --duration` does.
func (s Setup) role(ctx context.Context, r *resolve.Resolver, p *awsconfig.Profile, d time.Duration) (credsAndLength, error) {
	if d > MaxSession {
		return credsAndLength{}, hint.With(fmt.Errorf("--duration %s is longer than the console's 12 hours for a role", human.Short(d)), "use 12h or less")
	}
	rp := *p
	if d > resolve.ChainedRoleMax && p.Source != nil && p.Source.IsRole() {
		return credsAndLength{}, hint.With(fmt.Errorf("profile %s is a role assumed by another role: AWS gives the console at most an hour of it, not %s", p.Name, human.Short(d)),
			"use --duration 1h or less, or sign in as the first role of the chain")
	}
	configured := time.Duration(rp.DurationSeconds) * time.Second
	if configured == 0 {
		configured = resolve.DefaultRoleDuration
	}
	if d > configured {
		rp.DurationSeconds = int(d / time.Second) // a longer role session
	}
	direct := r.Direct(&rp)
	if d > 0 && !direct {
		// Fresh enough for the session asked for, with a little slack: a
		// session of exactly d starts to have less than d at once.
		r.MinRemaining = max(r.MinRemaining, d-2*time.Minute)
	}
	res, err := r.Credentials(ctx, &rp)
	if err != nil {
		return credsAndLength{}, err
	}
	c := credsAndLength{creds: res.Creds, cached: res.Cached, principal: p.RoleARN, direct: direct}
	switch {
	case d > 0 && direct:
		c.sessionDuration = d
	case d > 0 && res.Creds.Remaining(s.Now()) >= d:
		c.sessionDuration = d // within what the credentials have left
	}
	return c, nil
}

// sso gets an IAM Identity Center profile's role credentials for the
// console. Their length is the permission set's session duration: no
// SessionDuration is sent, and d (when given) only asks for credentials
// with at least that long left.
func (s Setup) sso(ctx context.Context, r *resolve.Resolver, p *awsconfig.Profile, d time.Duration) (credsAndLength, error) {
	if d > MaxSession {
		return credsAndLength{}, hint.With(fmt.Errorf("--duration %s is longer than the console's 12 hours for a role", human.Short(d)), "use 12h or less")
	}
	if d > 0 {
		r.MinRemaining = max(r.MinRemaining, d)
	}
	res, err := r.Credentials(ctx, p)
	if err != nil {
		return credsAndLength{}, err
	}
	return credsAndLength{creds: res.Creds, cached: res.Cached, principal: p.SSO.RoleName + " in account " + p.SSO.AccountID}, nil
}

// federated gets a federated user's session of the IAM user of p for the
// console: GetFederationToken, signed with the user's long-term key (the
// console takes no GetSessionToken session).
func (s Setup) federated(ctx context.Context, r *resolve.Resolver, p *awsconfig.Profile, d time.Duration) (credsAndLength, error) {
	if d == 0 {
		d = DefaultFederatedSession
	}
	if d > MaxFederatedSession {
		return credsAndLength{}, hint.With(fmt.Errorf("--duration %s is longer than GetFederationToken's 36 hours", human.Short(d)), "use 36h or less")
	}
	name := FederatedName(p.Name)
	res, err := r.Federation(ctx, p, awsapi.FederationTokenInput{Name: name, Policy: allowAll, Duration: d})
	if err != nil {
		return credsAndLength{}, err
	}
	if p.MFASerial != "" && s.Notes != nil {
		fmt.Fprintf(s.Notes, "stscred: note: the console session of %s is a federated user's, which has no MFA: what %s's policies allow only with MFA is denied there; for that, sign in with a role profile that has mfa_serial (stscred console ROLE_PROFILE)\n", p.Name, p.Name)
	}
	return credsAndLength{creds: res.Creds, cached: res.Cached, principal: "federated user " + name}, nil
}

// FederatedName is a federated user's Name for profile: 2 to 32 of the
// characters STS allows ([\w+=,.@-]), others replaced by '-'.
func FederatedName(profile string) string {
	name := iamname.Mapped(profile)
	if len(name) > 32 {
		name = name[:32]
	}
	if len(name) < 2 {
		name = "stscred-" + name
	}
	return name
}

// explain adds what to do to a failed getSigninToken.
func (s Setup) explain(err error, p *awsconfig.Profile, c credsAndLength) error {
	var refused *RefusedError
	switch {
	case errors.As(err, &refused) && c.sessionDuration > 0 && !c.direct && p.IsRole():
		return hint.With(err, "AWS gives a console session of a role assumed with a session at most what its credentials have left: try without --duration")
	case errors.As(err, &refused):
		return hint.With(err, "the credentials may have been revoked or have expired early: drop them with stscred clear "+p.Name+" and try again")
	case errors.Is(err, ErrUnreachable):
		return hint.With(err, "check the network (STSCRED_FEDERATION_URL replaces the endpoint, e.g. for a private network)")
	}
	return err
}

package profile

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/iamname"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/credline"
)

// Target is what a call resolves to: the profile to get credentials for
// (a role built from flags for an inline role), and for sessions the
// length asked for.
type Target struct {
	Profile *awsconfig.Profile
	// Session is true for `stscred session`: the IAM user's own
	// GetSessionToken session.
	Session bool
	// Duration is --duration of a session call (0: the default).
	Duration time.Duration
}

// Limits of what STS grants, checked before any call.
const (
	MinDuration        = 15 * time.Minute
	MaxRoleDuration    = 12 * time.Hour
	MaxSessionDuration = 36 * time.Hour
)

// Resolve turns a call of `stscred role` or `stscred session` into its
// target: the one place the runtime (the commands themselves, and export,
// exec and whoami of a tool profile) and doctor decide what a call means.
func (m *Model) Resolve(req credline.Request) (Target, error) {
	switch req.Command {
	case "role":
		p, err := m.role(req)
		return Target{Profile: p}, err
	case "session":
		if req.Duration != 0 && (req.Duration < MinDuration || req.Duration > MaxSessionDuration) {
			return Target{}, hint.With(fmt.Errorf("--duration %s is outside what GetSessionToken allows", req.Duration), "use a duration from 15m to 36h")
		}
		p, err := m.Get(req.Profile)
		if err != nil {
			return Target{}, err
		}
		if err := NotAKeyHolder(p); err != nil {
			return Target{}, err
		}
		return Target{Profile: p.Profile, Session: true, Duration: req.Duration}, nil
	case "export":
		return Target{}, hint.With(fmt.Errorf("%w: stscred export prints shell variables, not the JSON credential_process needs", ErrNotStscredCredentials),
			"use credential_process = stscred role ROLE_PROFILE, or stscred session USER_PROFILE")
	case "":
		return Target{}, hint.With(fmt.Errorf("%w: the line names no stscred command", ErrNotStscredCredentials),
			"credential_process = stscred role ROLE_PROFILE, or stscred session USER_PROFILE")
	}
	return Target{}, hint.With(fmt.Errorf("%w: %s is not a stscred command that prints credentials", ErrNotStscredCredentials, req.Command),
		"use credential_process = stscred role ROLE_PROFILE, or stscred session USER_PROFILE")
}

// ToolTarget is what a tool profile's credential_process call resolves to.
func (m *Model) ToolTarget(p *Profile) (Target, error) {
	if p.Call == nil {
		return Target{}, fmt.Errorf("profile %s does not run stscred", p.Name)
	}
	if p.Call.Err != nil {
		return Target{}, hint.With(fmt.Errorf("the credential_process of profile %s runs stscred, but its arguments do not parse: %w", p.Name, p.Call.Err),
			"fix credential_process in [profile "+p.Name+"]: e.g. credential_process = stscred role ROLE_PROFILE")
	}
	t, err := m.Resolve(p.Call.Request)
	if err != nil {
		return Target{}, fmt.Errorf("profile %s runs stscred %s %s: %w", p.Name, p.Call.Command, p.Call.Profile, err)
	}
	return t, nil
}

// role builds the role to assume from the named profile or the inline
// flags, flags overriding the profile's own settings.
func (m *Model) role(req credline.Request) (*awsconfig.Profile, error) {
	var p awsconfig.Profile
	switch {
	case req.Profile != "" && req.RoleARN != "":
		return nil, hint.With(errors.New("give a role profile or --role-arn, not both"),
			"stscred role prod-admin, or stscred role --role-arn ARN --source alice")
	case req.Profile == "" && req.RoleARN == "":
		env, ok := m.fromEnvironment()
		if !ok {
			return nil, hint.With(errors.New("which role? give a role profile or --role-arn"),
				"stscred role prod-admin, or stscred role --role-arn ARN --source alice",
				"or, for web identity without a profile, set AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE")
		}
		p = *env
	case req.Profile != "":
		if req.Source != "" {
			return nil, hint.With(errors.New("--source goes with --role-arn; a role profile names its source with source_profile"),
				"drop --source, or use --role-arn instead of the profile name")
		}
		named, err := m.Get(req.Profile)
		if err != nil {
			return nil, err
		}
		if err := NotARole(named); err != nil {
			return nil, err
		}
		p = *named.Profile
	default:
		if !strings.HasPrefix(req.RoleARN, "arn:") || !strings.Contains(req.RoleARN, ":role/") {
			return nil, hint.With(fmt.Errorf("--role-arn %q is not a role ARN", req.RoleARN), "a role ARN looks like arn:aws:iam::222222222222:role/Admin")
		}
		if req.Source == "" {
			return nil, hint.With(errors.New("--role-arn needs --source, the IAM user's profile whose key signs AssumeRole"),
				"stscred role --role-arn "+req.RoleARN+" --source alice")
		}
		src, err := m.Get(req.Source)
		if err != nil {
			return nil, err
		}
		if !src.Kind.root() && src.Kind != Role {
			return nil, NotAKeyHolder(src)
		}
		p = awsconfig.Profile{
			Name: req.RoleARN, RoleARN: req.RoleARN, SourceProfile: src.Name, Source: src.Profile,
			Region: src.Region, MFASerial: src.MFASerial, MFAProcess: src.MFAProcess, MFAProcessFrom: src.MFAProcessFrom,
			EndpointURL: src.EndpointURL, STSRegionalEndpoints: src.STSRegionalEndpoints,
		}
	}
	if req.MFASerial != "" {
		p.MFASerial = req.MFASerial
	}
	if req.ExternalID != "" {
		p.ExternalID = req.ExternalID
	}
	if req.SessionName != "" {
		p.RoleSessionName = req.SessionName
	}
	if n := p.RoleSessionName; n != "" && !iamname.Valid(n, 2, 64, iamname.Marks) {
		return nil, hint.With(fmt.Errorf("the role session name %q is not one STS takes", n),
			"use 2 to 64 letters, digits and +=,.@- (no spaces): --session-name or role_session_name in [profile "+p.Name+"]")
	}
	if id := p.ExternalID; id != "" && !iamname.Valid(id, 2, 1224, iamname.Marks+":/") {
		return nil, hint.With(errors.New("the external id is not one STS takes"),
			"use 2 to 1224 letters, digits and +=,.@:/- (no spaces): --external-id or external_id in [profile "+p.Name+"]")
	}
	if req.Duration != 0 {
		if req.Duration < MinDuration || req.Duration > MaxRoleDuration {
			return nil, hint.With(fmt.Errorf("--duration %s is outside what AssumeRole allows", req.Duration), "use 15m to 12h (and at most the role's maximum session duration)")
		}
		p.DurationSeconds = int(req.Duration / time.Second)
	}
	return &p, nil
}

// EnvironmentProfile is the name of the profile the environment describes
// (AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE, or in GitHub Actions),
// as the AWS SDKs read it when no profile is named.
const EnvironmentProfile = "(environment)"

// fromEnvironment is the web identity role the environment names, as the
// AWS SDKs read AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE and
// AWS_ROLE_SESSION_NAME; in GitHub Actions (its OIDC request variables
// set) the token comes from there when no file is named.
func (m *Model) fromEnvironment() (*awsconfig.Profile, bool) {
	if m.Getenv == nil || m.Getenv("AWS_ROLE_ARN") == "" {
		return nil, false
	}
	p := &awsconfig.Profile{
		Name: EnvironmentProfile, RoleARN: m.Getenv("AWS_ROLE_ARN"), RoleSessionName: m.Getenv("AWS_ROLE_SESSION_NAME"),
		WebIdentityTokenFile: m.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE"),
		Region:               firstSet(m.Getenv("AWS_REGION"), m.Getenv("AWS_DEFAULT_REGION")),
	}
	if p.WebIdentityTokenFile == "" {
		if m.Getenv("ACTIONS_ID_TOKEN_REQUEST_URL") == "" {
			return nil, false
		}
		p.WebIdentityAudience = "sts.amazonaws.com"
	}
	return p, true
}

func firstSet(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

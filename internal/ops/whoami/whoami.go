// Package whoami answers "who are these credentials": it decides which
// credentials the AWS tools would use in this shell (the environment's, or
// a profile's through stscred), what is known about them (where they came
// from, when they expire, MFA), and explains GetCallerIdentity's refusals
// in terms of where they came from.
package whoami

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/ops/awsout"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/keystore"
)

// Setup is what whoami looks at.
type Setup struct {
	Getenv         func(string) string
	Config         func() (*awsconfig.File, error)
	ConfigPath     func() (string, error)
	DefaultProfile string
	Settings       awsapi.Settings
	// Tokens reads a web identity profile's token file, for -v.
	Tokens idtoken.Setup
	// Tools gets a profile's credentials as the AWS tools would.
	Tools func(ctx context.Context, name string) (resolve.ToolResult, error)
	// Peek is what stscred's cache holds for a profile, fetching nothing
	// (resolve.Tools.Peek); nil when not known.
	Peek func(ctx context.Context, name string) (resolve.ToolResult, bool, error)
}

// Creds are the credentials whoami signs with and what it knows about
// them.
type Creds struct {
	Profile string // the profile named, "" when the environment's
	Cr      creds.Credentials
	Source  string // cache, sts, environment or credential_process
	MFA     *bool  // nil when unknown
	EP      awsapi.Endpoint
	// Token is what the web identity token behind the credentials says
	// of itself (decoded, not verified), when there is one in a file.
	Token *idtoken.Claims
	// SSO is the IAM Identity Center session, account and role behind
	// the credentials, when they come from one.
	SSO *awsconfig.SSO
	// LoginSession is the AWS Sign-In identity behind them, "" if none.
	LoginSession string
}

// Details are the fields --verbose adds, in the AWS CLI's naming style.
func (wc Creds) Details(now time.Time) awsout.Object {
	var profile, exp, minutes, mfaAuth any
	if wc.Profile != "" {
		profile = wc.Profile
	}
	if !wc.Cr.Expiration.IsZero() {
		exp = wc.Cr.Expiration.UTC().Format(time.RFC3339)
		minutes = max(int(wc.Cr.Expiration.Sub(now)/time.Minute), 0)
	}
	if wc.MFA != nil {
		mfaAuth = *wc.MFA
	}
	out := awsout.Object{
		{Key: "Profile", Value: profile},
		{Key: "Source", Value: wc.Source},
		{Key: "Expiration", Value: exp},
		{Key: "MinutesLeft", Value: minutes},
		{Key: "MFAAuthenticated", Value: mfaAuth},
	}
	if c := wc.Token; c != nil {
		var tokExp any
		if !c.Expires.IsZero() {
			tokExp = c.Expires.UTC().Format(time.RFC3339)
		}
		out = append(out,
			// The identity provider's claims, escaped: one line each
			// whatever the output format.
			awsout.Field{Key: "TokenIssuer", Value: textsafe.Escape(c.Issuer)},
			awsout.Field{Key: "TokenSubject", Value: textsafe.Escape(c.Subject)},
			awsout.Field{Key: "TokenAudience", Value: textsafe.Escape(strings.Join(c.Audience, ","))},
			awsout.Field{Key: "TokenExpiration", Value: tokExp})
	}
	if wc.LoginSession != "" {
		out = append(out, awsout.Field{Key: "LoginSession", Value: wc.LoginSession})
	}
	if s := wc.SSO; s != nil {
		session := s.Session
		if session == "" {
			session = s.StartURL
		}
		out = append(out,
			awsout.Field{Key: "SSOSession", Value: session},
			awsout.Field{Key: "SSOAccountId", Value: s.AccountID},
			awsout.Field{Key: "SSORoleName", Value: s.RoleName})
	}
	return out
}

// Target is what whoami signs with: the environment's credentials,
// or a profile's.
type Target struct {
	env           bool               // AWS_ACCESS_KEY_ID... of the environment
	name          string             // the profile, when not env
	profile       *awsconfig.Profile // that profile, or the one the environment names (for region); never nil
	OutputSetting string             // the profile's output setting
}

// Choose decides where the credentials come from, as the AWS tools in
// this shell would. Only the command layer reads the environment.
func Choose(s Setup, profile string) (Target, error) {
	if profile == "" {
		id, secret := s.Getenv("AWS_ACCESS_KEY_ID"), s.Getenv("AWS_SECRET_ACCESS_KEY")
		switch {
		case id != "" && secret != "":
			t := Target{env: true, profile: &awsconfig.Profile{}}
			// Region and output from the profile the environment names,
			// when the config has it.
			if name := firstNonEmpty(s.Getenv("STSCRED_PROFILE"), s.Getenv("AWS_PROFILE"), s.Getenv("AWS_DEFAULT_PROFILE")); name != "" {
				if f, err := s.Config(); err == nil && f.Has(name) {
					if p, err := f.Resolve(name); err == nil {
						t.profile, t.OutputSetting = p, p.Keys["output"]
					}
				}
			}
			return t, nil
		case id != "" || secret != "":
			missing := "AWS_SECRET_ACCESS_KEY"
			if id == "" {
				missing = "AWS_ACCESS_KEY_ID"
			}
			return Target{}, hint.With(fmt.Errorf("%s is not set, but the other half of the key is", missing),
				"set both, or unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN to use a profile",
				`for a profile's credentials in this shell: eval "$(stscred export PROFILE)"`)
		}
	}
	name := profile
	if name == "" {
		name = s.DefaultProfile
	}
	f, err := s.Config()
	if err != nil {
		return Target{}, err
	}
	if profile == "" && name == "default" && !f.Has("default") {
		path, _ := s.ConfigPath()
		return Target{}, hint.With(fmt.Errorf("no credentials: AWS_ACCESS_KEY_ID is not set and %s has no default profile", path),
			"name a profile: stscred whoami PROFILE, or set AWS_PROFILE",
			`or load a profile's credentials into this shell: eval "$(stscred export PROFILE)"`)
	}
	p, err := f.Resolve(name)
	if err != nil {
		return Target{}, err
	}
	return Target{name: name, profile: p, OutputSetting: p.Keys["output"]}, nil
}

// Credentials gets the credentials: from the environment, or the
// profile's through stscred (the cache first).
func (t Target) Credentials(ctx context.Context, s Setup) (Creds, error) {
	if t.env {
		wc := Creds{
			Cr: creds.Credentials{
				AccessKeyID: s.Getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: s.Getenv("AWS_SECRET_ACCESS_KEY"),
				SessionToken: s.Getenv("AWS_SESSION_TOKEN"),
			},
			Source: "environment",
			// The shell integration records which profile it exported.
			Profile: s.Getenv("STSCRED_PROFILE"),
			EP:      s.Settings.EndpointFor(t.profile),
		}
		if s := s.Getenv("AWS_CREDENTIAL_EXPIRATION"); s != "" {
			if exp, err := time.Parse(time.RFC3339, s); err == nil {
				wc.Cr.Expiration = exp
			}
		}
		// Credentials stscred exported (stscred use, export, exec --env)
		// are the ones its cache holds for that profile: what the cache
		// knows of them (MFA, where they come from) is what whoami
		// PROFILE says. Any other keys stay unknown.
		if wc.Profile != "" && s.Peek != nil {
			if tc, ok, err := s.Peek(ctx, wc.Profile); err == nil && ok && tc.Creds.AccessKeyID == wc.Cr.AccessKeyID {
				wc.SSO, wc.LoginSession = tc.SSO, tc.LoginSession
				wc.MFA = mfaOf(tc)
			}
		}
		return wc, nil
	}
	tc, err := s.Tools(ctx, t.name)
	if err != nil {
		return Creds{}, err
	}
	wc := Creds{Profile: t.name, Cr: tc.Creds, Source: "sts", SSO: tc.SSO, LoginSession: tc.LoginSession}
	if tc.Via == "credential_process" {
		wc.Source = "credential_process"
	} else {
		if tc.Cached {
			wc.Source = "cache"
		}
		wc.MFA = mfaOf(tc)
	}
	// The region tools would use with this profile (its own, else the
	// one stscred export would set).
	ep := *t.profile
	if ep.Region == "" {
		ep.Region = tc.Region
	}
	wc.EP = s.Settings.EndpointFor(&ep)
	if root := t.profile.Root(); root.IsWebIdentity() && root.WebIdentityTokenFile != "" && s.Tokens.Getenv != nil {
		// Only a file is read for this: a command or GitHub Actions would
		// be asked for a token that serves nothing.
		if src, err := s.Tokens.WebIdentity(root); err == nil {
			if tok, err := src.Token(ctx); err == nil {
				if c, err := idtoken.Decode(tok); err == nil {
					wc.Token = &c
				}
			}
		}
	}
	return wc, nil
}

// mfaOf is whether stscred's credentials tc were MFA-authenticated, nil
// when that is not known: whether Identity Center or AWS Sign-In asked for
// MFA is not.
func mfaOf(tc resolve.ToolResult) *bool {
	if tc.SSO != nil || tc.LoginSession != "" {
		return nil
	}
	m := tc.MFA
	return &m
}

// Failed explains a GetCallerIdentity failure in terms of where the
// credentials came from.
func Failed(err error, wc Creds, now time.Time) error {
	var ue *awsapi.UnreachableError
	if errors.As(err, &ue) {
		return hint.With(err,
			"check the network connection (and HTTPS_PROXY if you use a proxy)",
			"the endpoint comes from AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or endpoint_url when set, else from the region")
	}
	var ae *awsapi.APIError
	if !errors.As(err, &ae) {
		return err
	}
	what := "the credentials of profile " + wc.Profile
	fresh := "drop the cached credentials and try again: stscred clear " + wc.Profile
	switch wc.Source {
	case "environment":
		what = "the credentials in AWS_ACCESS_KEY_ID (" + keystore.MaskID(wc.Cr.AccessKeyID) + ")"
		fresh = `load fresh ones: eval "$(stscred export PROFILE)", or unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN`
	case "credential_process":
		what = "the credentials the credential_process of profile " + wc.Profile + " printed"
		fresh = "run the credential_process yourself to see what it prints"
	}
	switch ae.Code {
	case "ExpiredToken":
		return hint.With(fmt.Errorf("%s have expired: %s", what, strings.TrimSuffix(ae.Message, ".")), fresh)
	case "InvalidClientTokenId":
		return hint.With(fmt.Errorf("STS does not accept %s: %s", what, strings.TrimSuffix(ae.Message, ".")), fresh)
	case "SignatureDoesNotMatch":
		hints := []string{"if the secret is wrong, " + fresh}
		if !ae.ServerTime.IsZero() {
			if skew := ae.ServerTime.Sub(now); skew > 5*time.Minute || skew < -5*time.Minute {
				hints = []string{fmt.Sprintf("this machine's clock is %s off STS's; STS refuses signatures more than 5 minutes off: correct the clock", human.Skew(skew))}
			}
		}
		hints = append(hints, "stscred doctor checks the clock against STS")
		return hint.With(fmt.Errorf("STS rejected the signature made with %s: %s", what, strings.TrimSuffix(ae.Message, ".")), hints...)
	}
	return hint.With(err, "stscred doctor checks the setup step by step")
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

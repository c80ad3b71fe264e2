package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/stscred/stscred/awsapi"
	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/awsout"
	"github.com/stscred/stscred/creds"
	"github.com/stscred/stscred/doctor"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/keystore"
	"golang.org/x/term"
)

// WhoamiCmd calls GetCallerIdentity with a profile's credentials, or with
// the ones the AWS tools would use in this shell, and prints the answer as
// `aws sts get-caller-identity` does.
type WhoamiCmd struct {
	Profile string `arg:"" optional:"" help:"Profile (default: the AWS_ACCESS_KEY_ID... credentials in the environment, else STSCRED_PROFILE, AWS_PROFILE, default)."`
	Output  string `name:"output" placeholder:"FORMAT" help:"json (default), text, table, yaml or yaml-stream, as the AWS CLI prints them (also AWS_DEFAULT_OUTPUT, or the profile's output setting)."`
	Query   string `name:"query" placeholder:"JMESPATH" help:"JMESPath expression applied before the output, as the AWS CLI's --query: --query Account --output text."`
	Verbose bool   `short:"v" help:"Add Profile, Source (cache, sts, environment, credential_process), Expiration, MinutesLeft and MFAAuthenticated."`
}

// whoamiCreds are the credentials whoami signs with and what it knows
// about them.
type whoamiCreds struct {
	profile string // the profile named, "" when the environment's
	cr      creds.Credentials
	source  string // cache, sts, environment or credential_process
	mfa     *bool  // nil when unknown
	ep      awsapi.Endpoint
}

func (c *WhoamiCmd) Run(env *Env, g *Globals) error {
	t, err := c.target(env)
	if err != nil {
		return err
	}
	// --output and --query are checked before anything can prompt.
	output := firstNonEmpty(c.Output, env.Getenv("AWS_DEFAULT_OUTPUT"), t.outputSetting, "json")
	p, err := awsout.New(awsout.Options{Output: output, Query: c.Query, Width: terminalWidth(env)})
	if err != nil {
		return err
	}
	wc, err := t.credentials(env, g)
	if err != nil {
		return err
	}
	id, err := env.NewAPI(wc.ep).GetCallerIdentity(env.context(), wc.cr)
	if err != nil {
		return whoamiFailed(err, wc, env.Now())
	}
	doc := awsout.Object{{Key: "UserId", Value: id.UserID}, {Key: "Account", Value: id.Account}, {Key: "Arn", Value: id.ARN}}
	if c.Verbose {
		doc = append(doc, wc.details(env.Now())...)
	}
	return p.Print(env.Stdout, "GetCallerIdentity", doc)
}

// details are the fields --verbose adds, in the AWS CLI's naming style.
func (wc whoamiCreds) details(now time.Time) awsout.Object {
	var profile, exp, minutes, mfaAuth any
	if wc.profile != "" {
		profile = wc.profile
	}
	if !wc.cr.Expiration.IsZero() {
		exp = wc.cr.Expiration.UTC().Format(time.RFC3339)
		minutes = max(int(wc.cr.Expiration.Sub(now)/time.Minute), 0)
	}
	if wc.mfa != nil {
		mfaAuth = *wc.mfa
	}
	return awsout.Object{
		{Key: "Profile", Value: profile},
		{Key: "Source", Value: wc.source},
		{Key: "Expiration", Value: exp},
		{Key: "MinutesLeft", Value: minutes},
		{Key: "MFAAuthenticated", Value: mfaAuth},
	}
}

// whoamiTarget is what whoami signs with: the environment's credentials,
// or a profile's.
type whoamiTarget struct {
	env           bool               // AWS_ACCESS_KEY_ID... of the environment
	name          string             // the profile, when not env
	profile       *awsconfig.Profile // that profile, or the one the environment names (for region); never nil
	outputSetting string             // the profile's output setting
}

// target decides where the credentials come from, as the AWS tools in
// this shell would. Only the command layer reads the environment.
func (c *WhoamiCmd) target(env *Env) (whoamiTarget, error) {
	if c.Profile == "" {
		id, secret := env.Getenv("AWS_ACCESS_KEY_ID"), env.Getenv("AWS_SECRET_ACCESS_KEY")
		switch {
		case id != "" && secret != "":
			t := whoamiTarget{env: true, profile: &awsconfig.Profile{}}
			// Region and output from the profile the environment names,
			// when the config has it.
			if name := firstNonEmpty(env.Getenv("STSCRED_PROFILE"), env.Getenv("AWS_PROFILE"), env.Getenv("AWS_DEFAULT_PROFILE")); name != "" {
				if f, err := env.Config(); err == nil && f.Has(name) {
					if p, err := f.Resolve(name); err == nil {
						t.profile, t.outputSetting = p, p.Keys["output"]
					}
				}
			}
			return t, nil
		case id != "" || secret != "":
			missing := "AWS_SECRET_ACCESS_KEY"
			if id == "" {
				missing = "AWS_ACCESS_KEY_ID"
			}
			return whoamiTarget{}, hint.With(fmt.Errorf("%s is not set, but the other half of the key is", missing),
				"set both, or unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN to use a profile",
				`for a profile's credentials in this shell: eval "$(stscred export PROFILE)"`)
		}
	}
	name := c.Profile
	if name == "" {
		name = env.defaultProfile()
	}
	f, err := env.Config()
	if err != nil {
		return whoamiTarget{}, err
	}
	if c.Profile == "" && name == "default" && !f.Has("default") {
		path, _ := env.ConfigPath()
		return whoamiTarget{}, hint.With(fmt.Errorf("no credentials: AWS_ACCESS_KEY_ID is not set and %s has no default profile", path),
			"name a profile: stscred whoami PROFILE, or set AWS_PROFILE",
			`or load a profile's credentials into this shell: eval "$(stscred export PROFILE)"`)
	}
	p, err := f.Resolve(name)
	if err != nil {
		return whoamiTarget{}, err
	}
	return whoamiTarget{name: name, profile: p, outputSetting: p.Keys["output"]}, nil
}

// credentials gets the credentials: from the environment, or the
// profile's through stscred (the cache first).
func (t whoamiTarget) credentials(env *Env, g *Globals) (whoamiCreds, error) {
	if t.env {
		wc := whoamiCreds{
			cr: creds.Credentials{
				AccessKeyID: env.Getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: env.Getenv("AWS_SECRET_ACCESS_KEY"),
				SessionToken: env.Getenv("AWS_SESSION_TOKEN"),
			},
			source: "environment",
			// The shell integration records which profile it exported.
			profile: env.Getenv("STSCRED_PROFILE"),
			ep:      env.Settings().EndpointFor(t.profile),
		}
		if s := env.Getenv("AWS_CREDENTIAL_EXPIRATION"); s != "" {
			if exp, err := time.Parse(time.RFC3339, s); err == nil {
				wc.cr.Expiration = exp
			}
		}
		return wc, nil
	}
	tc, err := env.credentialsFor(env.context(), g, t.name)
	if err != nil {
		return whoamiCreds{}, err
	}
	wc := whoamiCreds{profile: t.name, cr: tc.Creds, source: "sts"}
	if tc.Via == "credential_process" {
		wc.source = "credential_process"
	} else {
		if tc.Cached {
			wc.source = "cache"
		}
		m := tc.MFA
		wc.mfa = &m
	}
	// The region tools would use with this profile (its own, else the
	// one stscred export would set).
	ep := *t.profile
	if ep.Region == "" {
		ep.Region = tc.Region
	}
	wc.ep = env.Settings().EndpointFor(&ep)
	return wc, nil
}

// whoamiFailed explains a GetCallerIdentity failure in terms of where the
// credentials came from.
func whoamiFailed(err error, wc whoamiCreds, now time.Time) error {
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
	what := "the credentials of profile " + wc.profile
	fresh := "drop the cached credentials and try again: stscred clear " + wc.profile
	switch wc.source {
	case "environment":
		what = "the credentials in AWS_ACCESS_KEY_ID (" + keystore.MaskID(wc.cr.AccessKeyID) + ")"
		fresh = `load fresh ones: eval "$(stscred export PROFILE)", or unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN`
	case "credential_process":
		what = "the credentials the credential_process of profile " + wc.profile + " printed"
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
				hints = []string{fmt.Sprintf("this machine's clock is %s off STS's; STS refuses signatures more than 5 minutes off: correct the clock", doctor.RoundSkew(skew))}
			}
		}
		hints = append(hints, "stscred doctor checks the clock against STS")
		return hint.With(fmt.Errorf("STS rejected the signature made with %s: %s", what, strings.TrimSuffix(ae.Message, ".")), hints...)
	}
	return hint.With(err, "stscred doctor checks the setup step by step")
}

// terminalWidth is the width the AWS CLI would lay a table out for: the
// terminal's when stdout is one, else 80.
func terminalWidth(env *Env) int {
	if f, ok := env.Stdout.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return awsout.DefaultWidth
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

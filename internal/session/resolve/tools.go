package resolve

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/credline"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/sys/proc"
)

// Tools gets credentials the way the AWS tools would for a profile name,
// and what a `stscred role`/`stscred session` call asks for: `export`,
// `exec` and `whoami` accept any profile, not only the ones stscred reads.
type Tools struct {
	Model *profile.Model
	// Resolver makes the resolver (it opens the cache): called only when
	// stscred's own credentials are needed.
	Resolver func() (*Resolver, error)
	// Runner runs a foreign credential_process; its messages go to
	// Stderr.
	Runner func() *proc.Runner
	Stderr io.Writer
}

// ToolResult is what Tools.For returns.
type ToolResult struct {
	Profile string // the profile named
	Region  string // the region tools would use with it, "" if none
	Creds   creds.Credentials
	Cached  bool // served from stscred's cache
	MFA     bool
	Via     string // "stscred" or "credential_process"
	// SSO is the IAM Identity Center sign-in and role the credentials
	// come from (the target's or its source chain's root), nil if none.
	SSO *awsconfig.SSO
	// LoginSession is the AWS Sign-In identity (login_session) the
	// credentials come from (the target's or its chain's root), "" if none.
	LoginSession string
	// Target is the profile whose credentials these are (a tool
	// profile's target, the role, the IAM user); for a foreign
	// credential_process, the profile itself.
	Target *awsconfig.Profile
}

// Of gets the credentials a call of `stscred role` or `stscred session`
// asks for.
func (t Tools) Of(ctx context.Context, req credline.Request) (creds.Credentials, error) {
	target, err := t.Model.Resolve(req)
	if err != nil {
		return creds.Credentials{}, err
	}
	res, err := t.resolve(ctx, target)
	return res.Creds, err
}

func (t Tools) resolve(ctx context.Context, target profile.Target) (Result, error) {
	r, err := t.Resolver()
	if err != nil {
		return Result{}, err
	}
	if target.Session && target.Duration != 0 {
		r.SessionDuration = target.Duration
	}
	return r.Credentials(ctx, target.Profile)
}

// For gets the credentials of profile name as the AWS tools would: a role
// profile is assumed, an IAM user's profile gives its session, a tool
// profile gives what its stscred call asks for (resolved directly, not by
// running it), and any other credential_process is run.
func (t Tools) For(ctx context.Context, name string) (ToolResult, error) {
	out, target, err := t.target(name)
	if err != nil || out.Via == "credential_process" {
		if err == nil {
			out.Creds, err = t.run(ctx, target.Profile.Name, target.Profile.CredentialProcess)
		}
		return out, err
	}
	res, err := t.resolve(ctx, target)
	if err != nil {
		return out, err
	}
	out.Creds, out.Cached, out.MFA = res.Creds, res.Cached, res.MFA
	return out, nil
}

// Peek is what stscred's cache holds for profile name, as For would serve
// it, without fetching anything, taking a lock or asking for anything: ok
// is false when nothing is cached (or the profile's credentials are not
// stscred's). What it returns may be too close to its expiry to hand out.
func (t Tools) Peek(ctx context.Context, name string) (ToolResult, bool, error) {
	out, target, err := t.target(name)
	if err != nil || out.Via == "credential_process" {
		return out, false, err
	}
	r, err := t.Resolver()
	if err != nil {
		return out, false, err
	}
	res, ok, err := r.Peek(ctx, target.Profile)
	if err != nil || !ok {
		return out, false, err
	}
	out.Creds, out.Cached, out.MFA = res.Creds, true, res.MFA
	return out, true, nil
}

// target is what For and Peek resolve for profile name: the stscred call
// it stands for, or (Via credential_process, Profile the profile) a
// foreign credential_process.
func (t Tools) target(name string) (ToolResult, profile.Target, error) {
	p, err := t.Model.Get(name)
	if err != nil {
		return ToolResult{}, profile.Target{}, err
	}
	out := ToolResult{Profile: name, Region: p.Region, Via: "stscred"}
	target := profile.Target{Profile: p.Profile, Session: p.Kind == profile.KeyHolder || p.Kind == profile.Login}
	switch p.Kind {
	case profile.Foreign:
		out.Via, out.Target = "credential_process", target.Profile
		return out, target, nil
	case profile.Tool:
		if target, err = t.Model.ToolTarget(p); err != nil {
			return out, target, err
		}
		if out.Region == "" {
			out.Region = target.Profile.Region
		}
	case profile.KeyHolder, profile.Role, profile.WebIdentity, profile.SAML, profile.SSO, profile.Login:
	default:
		return out, target, hint.With(fmt.Errorf("profile %s is a %s profile, which stscred does not serve", name, p.Kind),
			"see: stscred doctor --profile "+name)
	}
	out.Target = target.Profile
	if root := target.Profile.Root(); root.IsSSO() {
		out.SSO = root.SSO
	} else if root.IsLogin() {
		out.LoginSession = root.LoginSession
	}
	return out, target, nil
}

// run runs a profile's credential_process as the Go SDK does (through the
// shell) and reads its JSON. Messages name the program and the profile,
// never the line: it may hold a secret.
func (t Tools) run(ctx context.Context, name, line string) (creds.Credentials, error) {
	var stdout bytes.Buffer
	l := proc.Line{Text: line, Profile: name, Key: "credential_process"}
	if err := t.Runner().Line(ctx, l, proc.LineOptions{Stdout: &stdout, Stderr: t.Stderr}); err != nil {
		return creds.Credentials{}, err
	}
	c, err := creds.DecodeProcess(stdout.Bytes())
	if err != nil {
		return creds.Credentials{}, hint.With(fmt.Errorf("%s: %w", l.What(), err),
			"it must print the credential_process JSON document on stdout")
	}
	return c, nil
}

package main

import (
	"bytes"
	"context"
	"fmt"

	"github.com/stscred/stscred/cmdline"
	"github.com/stscred/stscred/credproc"
	"github.com/stscred/stscred/creds"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/profile"
	"github.com/stscred/stscred/resolve"
)

// Credentials for a profile as the AWS tools would use it: `export`,
// `exec` and `whoami` accept any profile, not only the ones stscred reads.
type toolCredentials struct {
	Profile string // the profile named
	Region  string // the region tools would use with it, "" if none
	Creds   creds.Credentials
	Cached  bool // served from stscred's cache
	MFA     bool
	Via     string // "stscred" or "credential_process"
}

// defaultProfile is the profile the AWS tools would use in this shell.
func (e *Env) defaultProfile() string {
	for _, v := range []string{"STSCRED_PROFILE", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if p := e.Getenv(v); p != "" {
			return p
		}
	}
	return "default"
}

// credentialsOf gets the credentials a `stscred role` or `stscred
// session` call asks for.
func (e *Env) credentialsOf(ctx context.Context, g *Globals, req profile.Request) (creds.Credentials, error) {
	m, err := e.Model()
	if err != nil {
		return creds.Credentials{}, err
	}
	t, err := m.Resolve(req)
	if err != nil {
		return creds.Credentials{}, err
	}
	res, err := e.resolveTarget(ctx, g, t)
	return res.Creds, err
}

// resolveTarget gets credentials for a call's target through the cache
// and STS.
func (e *Env) resolveTarget(ctx context.Context, g *Globals, t profile.Target) (resolve.Result, error) {
	r, err := e.Resolver(g)
	if err != nil {
		return resolve.Result{}, err
	}
	if t.Session && t.Duration != 0 {
		r.SessionDuration = t.Duration
	}
	return r.Credentials(ctx, t.Profile)
}

// credentialsFor gets the credentials of profile name as the AWS tools
// would: a role profile is assumed, an IAM user's profile gives its
// session, a tool profile gives what its stscred call asks for (resolved
// directly, not by running it), and any other credential_process is run.
func (e *Env) credentialsFor(ctx context.Context, g *Globals, name string) (toolCredentials, error) {
	m, err := e.Model()
	if err != nil {
		return toolCredentials{}, err
	}
	p, err := m.Get(name)
	if err != nil {
		return toolCredentials{}, err
	}
	out := toolCredentials{Profile: name, Region: p.Region, Via: "stscred"}
	t := profile.Target{Profile: p.Profile, Session: p.Kind == profile.KeyHolder}
	switch p.Kind {
	case profile.Foreign:
		out.Via = "credential_process"
		out.Creds, err = e.runCredentialProcess(ctx, p)
		return out, err
	case profile.Tool:
		if t, err = m.ToolTarget(p); err != nil {
			return out, err
		}
		if out.Region == "" {
			out.Region = t.Profile.Region
		}
	case profile.KeyHolder, profile.Role:
	default:
		return out, hint.With(fmt.Errorf("profile %s is a %s profile, which stscred does not serve", name, p.Kind),
			"see: stscred doctor --profile "+name)
	}
	res, err := e.resolveTarget(ctx, g, t)
	if err != nil {
		return out, err
	}
	out.Creds, out.Cached, out.MFA = res.Creds, res.Cached, res.MFA
	return out, nil
}

// runCredentialProcess runs a profile's credential_process as the Go SDK
// does (through the shell) and reads its JSON. Messages name the program
// and the profile, never the line: it may hold a secret.
func (e *Env) runCredentialProcess(ctx context.Context, p *profile.Profile) (creds.Credentials, error) {
	var stdout bytes.Buffer
	l := cmdline.Line{Text: p.CredentialProcess, Profile: p.Name, Key: "credential_process"}
	err := cmdline.Run(ctx, l, cmdline.Options{Env: cmdline.ChildEnv(e.environ()), Stdout: &stdout, Stderr: e.Stderr, LookPath: e.LookPath})
	if err != nil {
		return creds.Credentials{}, err
	}
	c, err := credproc.Decode(stdout.Bytes())
	if err != nil {
		return creds.Credentials{}, hint.With(fmt.Errorf("%s: %w", l.What(), err),
			"it must print the credential_process JSON document on stdout")
	}
	return c, nil
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/cmdline"
	"github.com/stscred/stscred/credproc"
	"github.com/stscred/stscred/creds"
	"github.com/stscred/stscred/hint"
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

// credentialsFor gets the credentials of profile name: a role profile is
// assumed, an IAM user's profile gives its session, and a profile whose
// credential_process runs `stscred role X` or `stscred session X` gives
// X's credentials directly. Any other credential_process is run.
func (e *Env) credentialsFor(ctx context.Context, g *Globals, name string) (toolCredentials, error) {
	p, err := e.Profile(name)
	if err != nil {
		return toolCredentials{}, err
	}
	out := toolCredentials{Profile: name, Region: p.Region, Via: "stscred"}
	target := p
	if p.CredentialProcess != "" && !p.IsRole() {
		cmd, arg, ok := stscredCall(p.CredentialProcess)
		if !ok {
			out.Via = "credential_process"
			out.Creds, err = e.runCredentialProcess(ctx, p)
			return out, err
		}
		if target, err = e.Profile(arg); err != nil {
			return out, fmt.Errorf("profile %s runs stscred %s %s: %w", name, cmd, arg, err)
		}
		if cmd == "role" && !target.IsRole() {
			return out, notARole(target)
		}
		if cmd == "session" {
			if err := checkRoot(target); err != nil {
				return out, err
			}
		}
		if out.Region == "" {
			out.Region = target.Region
		}
	}
	r, err := e.Resolver(g)
	if err != nil {
		return out, err
	}
	res, err := r.Credentials(ctx, target)
	if err != nil {
		return out, err
	}
	out.Creds, out.Cached, out.MFA = res.Creds, res.Cached, res.MFA
	return out, nil
}

// stscredCall recognises a credential_process line that is a plain call of
// stscred: `stscred role NAME` or `stscred session NAME` (the binary by
// name or path, nothing else on the line).
func stscredCall(line string) (cmd, arg string, ok bool) {
	f := strings.Fields(line)
	if len(f) != 3 {
		return "", "", false
	}
	base := strings.TrimSuffix(filepath.Base(strings.Trim(f[0], `"'`)), ".exe")
	if base != "stscred" || (f[1] != "role" && f[1] != "session") || strings.HasPrefix(f[2], "-") {
		return "", "", false
	}
	return f[1], f[2], true
}

// runCredentialProcess runs a profile's credential_process as the Go SDK
// does (through the shell) and reads its JSON. Messages name the program
// and the profile, never the line: it may hold a secret.
func (e *Env) runCredentialProcess(ctx context.Context, p *awsconfig.Profile) (creds.Credentials, error) {
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

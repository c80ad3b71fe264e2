package accesskey

import (
	"fmt"
	"io"
	"strings"

	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
)

// Next is how the AWS tools reach a stored key through the config, and
// what the config lacks for them to: what `stscred add` says after
// storing a key. A key alone does nothing for `aws --profile alice`: the
// AWS tools run stscred only from a credential_process line.
type Next struct {
	Name   string
	Config string // the config file's path
	// InConfig: the config has the key's profile.
	InConfig bool
	// Runs: the profile's own credential_process runs stscred session
	// for it (what stscred import writes), so the tools use it as it is.
	Runs bool
	// MFA: the profile (or what it includes) names an MFA device.
	MFA bool
	// Tools are the profiles the AWS tools use that reach the key: each
	// with the role it runs stscred for ("" for the user's session).
	Tools []Tool
	// Bare are the role profiles assumed with the key that no profile
	// runs stscred for: the tools cannot use them yet.
	Bare []string
	// Account is the IAM user's account, when the key was verified.
	Account string
}

// Tool is a profile the AWS tools use, and the role it gets.
type Tool struct{ Profile, Role string }

// Next says how the AWS tools reach the key of profile name (see Next);
// userARN is who STS said the key belongs to ("" when not verified).
func (s Setup) Next(name, userARN string) Next {
	f := s.Model.File
	n := Next{Name: name, Config: f.Path, InConfig: f.Has(name), Account: accountOf(userARN)}
	if n.InConfig {
		if p, err := s.Model.Get(name); err == nil {
			n.Runs = p.Kind == profile.KeyHolder && p.Call != nil
			n.MFA = p.MFASerial != ""
			if n.Runs {
				n.Tools = append(n.Tools, Tool{Profile: name})
			}
		}
	}
	reached := map[string]bool{}
	var roles []string
	for _, other := range f.ProfileNames() {
		p, err := s.Model.Get(other)
		if err != nil {
			continue
		}
		switch {
		case p.Kind == profile.Role && p.Root().Name == name:
			roles = append(roles, other)
		case p.Kind == profile.Tool:
			t, err := s.Model.ToolTarget(p)
			if err != nil || t.Profile == nil || t.Profile.Root().Name != name {
				continue
			}
			role := ""
			if !t.Session {
				role = t.Profile.Name
				reached[role] = true
			}
			n.Tools = append(n.Tools, Tool{Profile: other, Role: role})
		}
	}
	for _, r := range roles {
		if !reached[r] {
			n.Bare = append(n.Bare, r)
		}
	}
	return n
}

// accountOf is the account of an IAM ARN ("" when it is not one).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

// Write says, to a person, how the AWS tools use the key and the config
// lines they still need, written as `stscred import` writes them (package
// profile), to paste into the config.
func (n Next) Write(w io.Writer) error {
	var b strings.Builder
	say := func(format string, args ...any) { fmt.Fprintf(&b, "stscred: "+format+"\n", args...) }
	block := func(sections ...string) {
		for i, s := range sections {
			if i > 0 {
				b.WriteString("\n")
			}
			for _, line := range strings.Split(s, "\n") {
				b.WriteString("    " + line + "\n")
			}
		}
	}
	if !profile.LineSafe(n.Name) {
		say("the AWS tools cannot run stscred for %q: a credential_process line takes a profile name of letters, digits and . _ - @ + = , : / only", n.Name)
		return write(w, b.String())
	}
	header := awsconfig.SectionFor(n.Name)
	account := n.Account
	if account == "" {
		account = "<account id>"
	}
	mfaSerial := "mfa_serial = arn:aws:iam::" + account + ":mfa/<device name>"
	roles := len(n.Bare)
	for _, t := range n.Tools {
		if t.Role != "" {
			roles++
			say("the AWS tools use it through %s (role %s): aws sts get-caller-identity --profile %s", awsconfig.SectionFor(t.Profile), t.Role, t.Profile)
		} else {
			say("the AWS tools use it through %s (the IAM user's own session): aws sts get-caller-identity --profile %s", awsconfig.SectionFor(t.Profile), t.Profile)
		}
	}
	session := profile.SessionProcess("", n.Name)
	switch {
	case !n.InConfig:
		say("next, for the AWS tools to use this key, add to %s (with your region, and the ARN of the user's MFA device):", n.Config)
		block(profile.Section(n.Name, "region = <region, e.g. eu-west-1>", mfaSerial, session))
	case !n.Runs:
		say("for the AWS tools to use this key as %s itself (aws --profile %s), add to %s in %s:", n.Name, n.Name, header, n.Config)
		block(session)
	}
	if n.InConfig && !n.MFA {
		say("%s has no mfa_serial: a role whose trust policy requires MFA refuses a session without it; add the user's MFA device: %s", header, mfaSerial)
	}
	if len(n.Bare) > 0 {
		say("no profile the AWS tools use runs stscred for %s yet: add one for each (the tools use it, stscred reads the role's own profile):", sections(n.Bare))
		var tools []string
		for _, r := range n.Bare {
			tools = append(tools, profile.Section(r+"-tools", profile.RoleProcess("", r)))
		}
		block(tools...)
	}
	if roles == 0 {
		say("for a role, add two profiles: one stscred reads (role_arn, source_profile) and one the AWS tools use:")
		role := n.Name + "-role"
		block(profile.Section(role, "source_profile = "+n.Name, "role_arn = arn:aws:iam::<account id>:role/<role name>"),
			profile.Section(role+"-tools", profile.RoleProcess("", role)))
	}
	if len(n.Tools) == 0 {
		say("then: aws sts get-caller-identity --profile %s", n.Name)
	}
	return write(w, b.String())
}

// sections names profiles by their headers.
func sections(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = awsconfig.SectionFor(n)
	}
	return strings.Join(out, ", ")
}

func write(w io.Writer, s string) error {
	_, err := io.WriteString(w, s)
	return err
}

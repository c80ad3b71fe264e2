package app

import (
	"errors"
	"fmt"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/session/mfa"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/shell"
)

// Export prints the credentials of profile name (else the default
// profile) as shell variables in format (auto: that of the shell that
// reads them). With hook (the shell integration's renewal before a
// prompt) it never asks for anything: when it would need to, it ends with
// a NeedsYou. It decides, before any service is built, whether this call
// may prompt or sign in.
func Export(p *Process, s *Services, name, format string, hook bool) error {
	if name == "" {
		name = p.DefaultProfile()
	}
	format = shell.NormalizeFormat(format)
	if format == "" || format == "auto" {
		format = shell.FormatForReader(p.Parent(), p.Getenv("SHELL"), p.GOOS)
	}
	if hook {
		p.Flags.Prompt = mfa.ModeNone
	}
	// stscred use, typed at a terminal, may sign in to IAM Identity
	// Center; a hook or a pipe never does.
	p.Flags.SignIn = !hook && p.StdinTerminal && p.Flags.Prompt != mfa.ModeNone
	tools, err := s.Tools()
	if err != nil {
		return err
	}
	tc, err := tools.For(p.Context(), name)
	if err != nil && hook {
		switch {
		case errors.Is(err, mfa.ErrNoSource):
			return NeedsYou{Profile: name, What: "an MFA code", Status: ExitNeedsMFA}
		case errors.Is(err, keystore.ErrNoPassphrase):
			return NeedsYou{Profile: name, What: "the file keystore's passphrase", Status: ExitNeedsPassphrase}
		}
		if s, ok := identitycenter.NeedsSignIn(err); ok {
			return NeedsYou{Profile: name, What: "a sign-in to IAM Identity Center", Status: ExitNeedsSignIn, Run: "run " + s.LoginCommand()}
		}
		if s, ok := signin.NeedsSignIn(err); ok {
			return NeedsYou{Profile: name, What: "a sign-in with AWS Sign-In", Status: ExitNeedsLogin, Run: "run " + s.LoginCommand()}
		}
	}
	if err != nil {
		return err
	}
	if !tc.Creds.Temporary() {
		return hint.With(fmt.Errorf("profile %s yields long-term keys, which stscred does not export", name),
			"export a role or a session: stscred export <role profile>")
	}
	return shell.Write(p.Stdout, format, shell.Export{Profile: name, Region: tc.Region, Creds: tc.Creds})
}

// NeedsYou is how a prompt hook's renewal ends when it needs the user (an
// MFA code, a passphrase): one line saying what to run, and a status the
// hook tells apart (see ExitNeeds*).
type NeedsYou struct {
	Profile, What string
	Status        int
	Run           string // what to run, when not stscred use PROFILE
}

func (n NeedsYou) Error() string {
	run := n.Run
	if run == "" {
		run = "run stscred use " + n.Profile
	}
	return fmt.Sprintf("%s needs %s to renew its credentials: %s", n.Profile, n.What, run)
}

// Exit statuses of export --hook when it needs the user; the shell hooks
// show them in the prompt segment.
const (
	ExitNeedsMFA        = 3 // "PROFILE mfa?"
	ExitNeedsPassphrase = 5 // "PROFILE passphrase?"
	ExitNeedsSignIn     = 6 // "PROFILE sso login?"
	ExitNeedsLogin      = 7 // "PROFILE login?"
)

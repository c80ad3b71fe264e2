package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/session/mfa"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/shell"
)

// ExportRequest is what stscred export asks for.
type ExportRequest struct {
	Profile, Format string
	// Hook is the prompt hook's renewal: it never asks for anything.
	Hook bool
	// Use is stscred use's export: it also says on stderr what is now in
	// use.
	Use bool
}

// Export prints the credentials of profile name (else the default
// profile) as shell variables in format (auto: that of the shell that
// reads them). With hook (the shell integration's renewal before a
// prompt) it never asks for anything: when it would need to, it ends with
// a NeedsYou. It decides, before any service is built, whether this call
// may prompt or sign in.
func Export(p *Process, s *Services, req ExportRequest) error {
	name, format, hook := req.Profile, req.Format, req.Hook
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
	if err := shell.Write(p.Stdout, format, shell.Export{Profile: name, Region: tc.Region, Creds: tc.Creds}); err != nil {
		return err
	}
	if req.Use {
		fmt.Fprintf(p.Stderr, "stscred: using %s (%s)\n", name, UseNote(tc, p.Now()))
	}
	return nil
}

// UseNote says what credentials tc are, for a person: the account, the
// role or the session they are, MFA, and the time left ("account
// 222222222222, role Admin, MFA, 58m left").
func UseNote(tc resolve.ToolResult, now time.Time) string {
	var parts []string
	account := tc.Creds.AccountID
	t := tc.Target
	switch {
	case tc.SSO != nil:
		account = firstNonEmpty(account, tc.SSO.AccountID)
		parts = append(parts, "role "+tc.SSO.RoleName+" through IAM Identity Center")
	case t != nil && t.IsRole():
		account = firstNonEmpty(account, accountOfARN(t.RoleARN))
		parts = append(parts, "role "+t.RoleARN[strings.LastIndex(t.RoleARN, "/")+1:])
	case tc.Via == "credential_process":
		parts = append(parts, "from its credential_process")
	case tc.LoginSession != "":
		account = firstNonEmpty(account, accountOfARN(tc.LoginSession))
		parts = append(parts, "signed in with AWS Sign-In")
	case t != nil:
		parts = append(parts, "the session of "+t.Name+"'s access key")
	}
	if account != "" {
		parts = append([]string{"account " + account}, parts...)
	}
	if tc.MFA {
		parts = append(parts, "MFA")
	}
	if !tc.Creds.Expiration.IsZero() {
		parts = append(parts, human.Left(tc.Creds.Expiration, now))
	}
	return textsafe.Escape(strings.Join(parts, ", "))
}

// accountOfARN is the account field of an ARN, "" when it has none.
func accountOfARN(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 || len(f[4]) != 12 {
		return ""
	}
	return f[4]
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

package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/identitycenter"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/mfa"
	"github.com/stscred/stscred/shell"
)

// ExportCmd prints the credentials of a profile as environment variables
// for a shell: eval "$(stscred export prod)".
type ExportCmd struct {
	Profile string `arg:"" optional:"" complete:"profile=any" help:"Profile (default: STSCRED_PROFILE, then AWS_PROFILE, then default)."`
	Format  string `enum:"auto,sh,bash,zsh,fish,powershell,pwsh,dotenv,json" default:"auto" help:"Output syntax: ${enum} (auto: that of the shell that runs stscred, else sh; bash and zsh read sh)."`
	// Hook is how the shell integration renews before a prompt: it never
	// asks for anything, and when it would need to, it says in one line
	// what to run and ends with a status the hook shows in the prompt.
	Hook bool `name:"hook" hidden:"" help:"Renew for a prompt hook: never ask; say what to run instead."`
}

func (c *ExportCmd) Run(env *Env, g *Globals) error {
	name := c.Profile
	if name == "" {
		name = env.defaultProfile()
	}
	format := shell.NormalizeFormat(c.Format)
	if format == "" || format == "auto" {
		format = shell.FormatForReader(env.parentName(), env.Getenv("SHELL"), env.GOOS)
	}
	if c.Hook {
		g.Prompt, env.prompt = mfa.ModeNone, mfa.ModeNone
	}
	// stscred use, typed at a terminal, may sign in to IAM Identity
	// Center; a hook or a pipe never does.
	env.signIn = !c.Hook && env.StdinTerminal && g.Prompt != mfa.ModeNone
	tc, err := env.toolCredentials(env.context(), g, name)
	if err != nil && c.Hook {
		switch {
		case errors.Is(err, mfa.ErrNoSource):
			return needsYou{profile: name, what: "an MFA code", status: exitNeedsMFA}
		case errors.Is(err, keystore.ErrNoPassphrase):
			return needsYou{profile: name, what: "the file keystore's passphrase", status: exitNeedsPassphrase}
		case errors.Is(err, identitycenter.ErrNotSignedIn):
			return needsYou{profile: name, what: "a sign-in to IAM Identity Center", status: exitNeedsSignIn, run: firstHint(err)}
		}
	}
	if err != nil {
		return err
	}
	if !tc.Creds.Temporary() {
		return hint.With(fmt.Errorf("profile %s yields long-term keys, which stscred does not export", name),
			"export a role or a session: stscred export <role profile>")
	}
	return shell.Write(env.Stdout, format, shell.Export{Profile: name, Region: tc.Region, Creds: tc.Creds})
}

// needsYou is how a prompt hook's renewal ends when it needs the user (an
// MFA code, a passphrase): one line saying what to run, and a status the
// hook tells apart (see exitNeeds*).
type needsYou struct {
	profile, what string
	status        int
	run           string // what to run, when not stscred use PROFILE
}

func (n needsYou) Error() string {
	run := n.run
	if run == "" {
		run = "run stscred use " + n.profile
	}
	return fmt.Sprintf("%s needs %s to renew its credentials: %s", n.profile, n.what, run)
}

// firstHint is err's first hint ("run: stscred sso login corp"), without
// the colon.
func firstHint(err error) string {
	if h := hint.Of(err); len(h) > 0 {
		return strings.Replace(h[0], "run: ", "run ", 1)
	}
	return ""
}

// Exit statuses of export --hook when it needs the user; the shell hooks
// show them in the prompt segment.
const (
	exitNeedsMFA        = 3 // "PROFILE mfa?"
	exitNeedsPassphrase = 5 // "PROFILE passphrase?"
	exitNeedsSignIn     = 6 // "PROFILE sso login?"
)

package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/hint"
)

// Globals are the flags every command takes.
type Globals struct {
	MFAToken     string           `name:"mfa-token" env:"STSCRED_MFA_TOKEN" placeholder:"CODE" help:"MFA code to use instead of asking."`
	Prompt       string           `name:"prompt" env:"STSCRED_PROMPT" enum:"auto,tty,desktop,process,none" default:"auto" help:"Where to ask for MFA codes: ${enum}."`
	MinRemaining time.Duration    `name:"min-remaining" env:"STSCRED_MIN_REMAINING" default:"15m" help:"Never hand out credentials with less than this left."`
	LockTimeout  time.Duration    `name:"lock-timeout" env:"STSCRED_LOCK_TIMEOUT" default:"2m" help:"How long to wait for another stscred process fetching the same credentials."`
	Version      kong.VersionFlag `help:"Print the version and exit."`
}

// CLI is stscred's command line.
type CLI struct {
	Globals

	Add     AddCmd     `cmd:"" help:"Store an IAM user's access key in the OS keyring."`
	Remove  RemoveCmd  `cmd:"" help:"Delete a stored access key and its cached sessions."`
	List    ListCmd    `cmd:"" help:"Show profiles, stored keys and cached sessions (never secrets)."`
	Clear   ClearCmd   `cmd:"" help:"Drop cached sessions (all, or those of one profile)."`
	Session SessionCmd `cmd:"" help:"Print credential_process JSON for an IAM user's session (GetSessionToken, with MFA)."`
	Role    RoleCmd    `cmd:"" help:"Print credential_process JSON for a role (AssumeRole)."`
}

type exitCode int

// run parses args and runs the command, printing errors and hints to
// stderr. It returns the process exit status.
func run(args []string, env *Env) (status int) {
	var cli CLI
	defer func() {
		if r := recover(); r != nil {
			code, ok := r.(exitCode)
			if !ok {
				panic(r)
			}
			status = int(code)
		}
	}()
	parser, err := kong.New(&cli,
		kong.Name("stscred"),
		kong.Description("AWS credentials from keys kept in the OS keyring: credential_process, shell and exec, with MFA and caching."),
		kong.Writers(env.Stdout, env.Stderr),
		kong.Exit(func(code int) { panic(exitCode(code)) }),
		kong.Vars{"version": "stscred " + env.Version},
		kong.Bind(env, &cli.Globals),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
	if err != nil {
		fmt.Fprintf(env.Stderr, "stscred: error: %v\n", err)
		return 2
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		printError(env.Stderr, hint.With(err, "see: stscred --help"))
		return 2
	}
	if err := kctx.Run(); err != nil {
		printError(env.Stderr, err)
		return 1
	}
	return 0
}

// printError writes err and its hints in stscred's format:
//
//	stscred: error: ...
//	stscred: hint: ...
func printError(w io.Writer, err error) {
	msg := strings.TrimSuffix(strings.TrimSpace(err.Error()), ".")
	msg = strings.ReplaceAll(msg, "\n", "\n  ")
	fmt.Fprintf(w, "stscred: error: %s\n", msg)
	for _, h := range hint.Of(err) {
		fmt.Fprintf(w, "stscred: hint: %s\n", h)
	}
}

// errNotConfirmed is returned when the user declines a confirmation.
var errNotConfirmed = errors.New("not confirmed")

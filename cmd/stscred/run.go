package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/cli/examples"
	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/internal/sys/tty"
)

// Globals are the flags every command takes.
type Globals struct {
	MFAToken     string           `name:"mfa-token" env:"STSCRED_MFA_TOKEN" placeholder:"CODE" help:"MFA code to use instead of asking (other users can see a command line's arguments in the process list: prefer STSCRED_MFA_TOKEN)."`
	Prompt       string           `name:"prompt" env:"STSCRED_PROMPT" enum:"auto,tty,desktop,process,none" default:"auto" help:"Where to ask for MFA codes: ${enum}."`
	MinRemaining time.Duration    `name:"min-remaining" env:"STSCRED_MIN_REMAINING" default:"15m" help:"Never hand out credentials with less than this left."`
	LockTimeout  time.Duration    `name:"lock-timeout" env:"STSCRED_LOCK_TIMEOUT" default:"2m" help:"How long to wait for another stscred process fetching the same credentials."`
	Backend      string           `name:"backend" env:"STSCRED_BACKEND" enum:"auto,keyring,file" default:"auto" help:"Where long-term keys live: ${enum} (auto: the file keystore if one exists, else the OS keyring if there is one, else the file keystore)."`
	STSTimeout   time.Duration    `name:"sts-timeout" env:"STSCRED_STS_TIMEOUT" default:"15s" help:"Give up on an STS call after this long, connection and retries included."`
	Version      kong.VersionFlag `help:"Print the version and exit."`
}

// CLI is stscred's command line.
type CLI struct {
	Globals

	Add    AddCmd    `cmd:"" help:"Store an IAM user's access key in the OS keyring."`
	Remove RemoveCmd `cmd:"" help:"Delete a stored access key and its cached sessions."`
	List   ListCmd   `cmd:"" help:"Show profiles, stored keys and cached sessions (never secrets)."`
	Clear  ClearCmd  `cmd:"" help:"Drop cached sessions (all, or those of one profile)."`

	Exec       ExecCmd       `cmd:"" help:"Run a command with a profile's credentials, renewed while it runs."`
	ShellInit  ShellInitCmd  `cmd:"" name:"shell-init" help:"Print the shell integration (stscred use, renewal before each prompt)."`
	Use        UseCmd        `cmd:"" help:"Switch this shell's credentials (needs the shell integration)."`
	Completion CompletionCmd `cmd:"" hidden:"" help:"Print a completion script for bash, zsh or fish."`
	Migrate    MigrateCmd    `cmd:"" help:"Move the stored keys to another backend (keyring or file), without loss."`
	Import     ImportCmd     `cmd:"" help:"Move the static keys of ~/.aws/credentials into the keyring (verified first, backup kept); tools keep working through credential_process."`
	Whoami     WhoamiCmd     `cmd:"" help:"Who these credentials are (GetCallerIdentity), printed as the AWS CLI does; --verbose adds where they came from and how long they last."`
	Doctor     DoctorCmd     `cmd:"" help:"Check the setup (config, keyring, keys, cache, clock, shell hook) and say how to fix what is wrong."`
	SSO        SSOCmd        `cmd:"" name:"sso" help:"Sign in to IAM Identity Center (login, logout, accounts); its tokens stay in the keystore."`
	Console    ConsoleCmd    `cmd:"" aliases:"login" help:"Open the AWS console signed in as a profile (a role, or an IAM user as a federated user)."`
	Rotate     RotateCmd     `cmd:"" help:"Replace an IAM user's access key: a new key in IAM and the keyring, the old one deactivated and deleted, never losing a working key."`
	VersionCmd VersionCmd    `cmd:"" name:"version" help:"Print the version."`
	Help       HelpCmd       `cmd:"" hidden:"" help:"Print the help (of a command: stscred help role)."`

	CredentialCommands `embed:""`
}

// CredentialCommands print credentials. The AWS CLI and every SDK run one
// of them at each start, so they are also parsed by a grammar of their own
// (credentialCLI): building kong's model of the whole CLI costs more than
// a cache hit itself.
type CredentialCommands struct {
	Session SessionCmd `cmd:"" help:"Print credential_process JSON for an IAM user's session (GetSessionToken, with MFA)."`
	Role    RoleCmd    `cmd:"" help:"Print credential_process JSON for a role (AssumeRole)."`
	Export  ExportCmd  `cmd:"" help:"Print a profile's credentials as shell variables: eval \"$$(stscred export prod)\"."`
}

// credentialCLI is the grammar for the credential commands alone.
type credentialCLI struct {
	Globals
	CredentialCommands `embed:""`
}

// isCredentialCommand reports whether args start with a credential command.
func isCredentialCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "session", "role", "export":
		return true
	}
	return false
}

type exitCode int

// run parses args and runs the command, printing errors and hints to
// stderr. It returns the process exit status.
func run(args []string, env *app.Env) (status int) {
	defer func() {
		if r := recover(); r != nil {
			code, ok := r.(exitCode)
			if !ok {
				panic(r)
			}
			status = int(code)
		}
	}()
	// stscred alone, and stscred help [COMMAND], print the help.
	switch {
	case len(args) == 0:
		args = []string{"--help"}
	case args[0] == "help":
		args = append(args[1:], "--help")
	}
	if cmd, g, ok := fastParse(args, env.Getenv); ok {
		apply(env, g)
		return finish(env, cmd.Run(env))
	}
	var kctx *kong.Context
	var err error
	if isCredentialCommand(args) {
		var cli credentialCLI
		kctx, err = parse(&cli, &cli.Globals, args, env)
	}
	if kctx == nil {
		// Everything else, and any usage error (so that its message is
		// the full grammar's).
		var cli CLI
		kctx, err = parse(&cli, &cli.Globals, args, env)
	}
	if err != nil {
		printError(env.Stderr, hint.With(err, "see: "+helpFor(err)))
		return 2
	}
	return finish(env, kctx.Run())
}

// helpFor is the help to look at for a usage error: that of the command
// the error is in, when kong got that far.
func helpFor(err error) string {
	var pe *kong.ParseError
	if errors.As(err, &pe) && pe.Context != nil {
		if n := pe.Context.Selected(); n != nil {
			return n.FullPath() + " --help"
		}
	}
	return "stscred --help"
}

// finish turns a command's error into the exit status, printing it unless
// it is a child's exit status that exec passes on.
func finish(env *app.Env, err error) int {
	var ee proc.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.Code
	case errors.Is(err, tty.ErrInterrupted):
		// Ctrl-C at a prompt: the terminal is restored, nothing was
		// cached; end as a shell does after SIGINT.
		return 130
	}
	var ce proc.CommandError
	if errors.As(err, &ce) {
		printError(env.Stderr, err) // a shell's 127 or 126
		return ce.Status
	}
	var need app.NeedsYou
	if errors.As(err, &need) {
		fmt.Fprintf(env.Stderr, "stscred: %s\n", need.Error())
		return need.Status
	}
	printError(env.Stderr, err)
	return 1
}

// apply hands the parsed global flags, and the grammar that reads a
// stscred command line, to the Env.
func apply(env *app.Env, g *Globals) {
	env.Flags = app.Flags{MFAToken: g.MFAToken, Prompt: g.Prompt, MinRemaining: g.MinRemaining,
		LockTimeout: g.LockTimeout, Backend: g.Backend, STSTimeout: g.STSTimeout}
	env.Parse = parseCall
}

// parse builds kong's parser for grammar and parses args.
func parse(grammar any, g *Globals, args []string, env *app.Env) (*kong.Context, error) {
	parser, err := kong.New(grammar,
		kong.Name("stscred"),
		kong.Description("AWS credentials from keys kept in the OS keyring: credential_process, shell and exec, with MFA and caching."),
		kong.Writers(env.Stdout, env.Stderr),
		kong.Exit(func(code int) { panic(exitCode(code)) }),
		kong.Vars{"version": "stscred " + env.Version},
		kong.Bind(env, g),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
	if err != nil {
		return nil, err
	}
	for _, n := range parser.Model.Children {
		if n.Detail == "" {
			n.Detail = examples.For(n.Name)
		}
	}
	kctx, err := parser.Parse(args)
	apply(env, g)
	return kctx, err
}

// printError writes err and its hints in stscred's format (hint.Print).
func printError(w io.Writer, err error) { hint.Print(w, err) }

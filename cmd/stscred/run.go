package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/cli/examples"
	"github.com/stscred/stscred/internal/config/credline"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/internal/sys/picker"
	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/internal/sys/tty"
)

// CLI is stscred's command line.
type CLI struct {
	credline.Globals

	Add    AddCmd    `cmd:"" help:"Store an IAM user's access key in the OS keyring."`
	Remove RemoveCmd `cmd:"" help:"Delete a stored access key and its cached sessions (--all: everything stscred keeps on this machine)."`
	List   ListCmd   `cmd:"" help:"Show profiles, stored keys and cached sessions (never secrets)."`
	Clear  ClearCmd  `cmd:"" help:"Drop cached sessions (all, or those of one profile)."`

	Exec       ExecCmd       `cmd:"" help:"Run a command with a profile's credentials, renewed while it runs."`
	ShellInit  ShellInitCmd  `cmd:"" name:"shell-init" help:"Print the shell integration (stscred use, renewal before each prompt)."`
	Use        UseCmd        `cmd:"" help:"Switch this shell's credentials (needs the shell integration)."`
	Completion CompletionCmd `cmd:"" hidden:"" help:"Print a completion script for bash, zsh or fish."`
	Migrate    MigrateCmd    `cmd:"" help:"Move the stored keys to another backend (keyring or file), without loss."`
	Import     ImportCmd     `cmd:"" help:"Move the static keys of ~/.aws/credentials into the keyring (verified first, backup kept; tools keep working through credential_process), and aws login's plaintext sessions of ~/.aws/login/cache (proof key included; login_session profiles keep working through stscred)."`
	Whoami     WhoamiCmd     `cmd:"" help:"Who these credentials are (GetCallerIdentity), printed as the AWS CLI does; --verbose adds where they came from and how long they last."`
	Doctor     DoctorCmd     `cmd:"" help:"Check the setup (config, keyring, keys, cache, clock, shell hook) and say how to fix what is wrong."`
	SSO        SSOCmd        `cmd:"" name:"sso" help:"Sign in to IAM Identity Center (login, logout, accounts); its tokens stay in the keystore."`
	Login      LoginCmd      `cmd:"" help:"Sign a profile in with AWS Sign-In for local development (as aws login does): 15-minute credentials renewed for up to 12 hours, the refresh token in the keystore."`
	Logout     LogoutCmd     `cmd:"" help:"Forget a profile's AWS Sign-In session (its refresh token and key) and the credentials cached from it."`
	Console    ConsoleCmd    `cmd:"" help:"Open the AWS console signed in as a profile (a role, or an IAM user as a federated user)."`
	Rotate     RotateCmd     `cmd:"" help:"Replace an IAM user's access key: a new key in IAM and the keyring, the old one deactivated and deleted, never losing a working key."`
	VersionCmd VersionCmd    `cmd:"" name:"version" help:"Print the version."`
	Help       HelpCmd       `cmd:"" hidden:"" help:"Print the help (of a command: stscred help role)."`
	Pick       PickCmd       `cmd:"" hidden:"" help:"Choose a profile on the terminal and print its name (what stscred use does without a profile)."`

	CredentialCommands `embed:""`
}

// CredentialCommands print credentials. The AWS CLI and every SDK run one
// of them at each start, so they are also parsed by a grammar of their own
// (credentialCLI), or without kong (credline.Fast): building kong's model
// of the whole CLI costs more than a cache hit itself.
type CredentialCommands struct {
	Session SessionCmd `cmd:"" help:"Print credential_process JSON for an IAM user's session (GetSessionToken, with MFA)."`
	Role    RoleCmd    `cmd:"" help:"Print credential_process JSON for a role (AssumeRole)."`
	Export  ExportCmd  `cmd:"" help:"Print a profile's credentials as shell variables: eval \"$$(stscred export prod)\"."`
}

// credentialCLI is the grammar for the credential commands alone.
type credentialCLI struct {
	credline.Globals
	CredentialCommands `embed:""`
}

type exitCode int

// run parses args and runs the command, printing errors and hints to
// stderr. It returns the process exit status.
func run(args []string, p *app.Process, svc *app.Services) (status int) {
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
	if cmd, g, ok := credline.Fast(args, p.Getenv); ok {
		apply(p, g)
		return finish(p, runCredential(cmd, p, svc))
	}
	var kctx *kong.Context
	var err error
	if credline.IsCredentialCommand(args) {
		var cli credentialCLI
		kctx, err = parse(&cli, &cli.Globals, args, p, svc)
	}
	if kctx == nil {
		// Everything else, and any usage error (so that its message is
		// the full grammar's).
		var cli CLI
		kctx, err = parse(&cli, &cli.Globals, args, p, svc)
	}
	if err != nil {
		printError(p.Stderr, hint.With(err, "see: "+helpFor(err)))
		return 2
	}
	return finish(p, kctx.Run())
}

// runCredential runs a credential command the fast path read, with what
// its Run asks for (kong binds the same for the other paths).
func runCredential(cmd credline.Command, p *app.Process, svc *app.Services) error {
	switch c := cmd.(type) {
	case *credline.Export:
		return (&ExportCmd{Export: *c}).Run(p, svc)
	case *credline.Role:
		tools, err := svc.Tools()
		if err != nil {
			return err
		}
		return (&RoleCmd{Role: *c}).Run(p, tools)
	case *credline.Session:
		tools, err := svc.Tools()
		if err != nil {
			return err
		}
		return (&SessionCmd{Session: *c}).Run(p, tools)
	}
	return fmt.Errorf("no such credential command: %T", cmd)
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
func finish(p *app.Process, err error) int {
	var ee proc.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.Code
	case errors.Is(err, tty.ErrInterrupted), errors.Is(err, picker.ErrCanceled):
		// Ctrl-C at a prompt, Esc or Ctrl-C in the picker: the terminal
		// is restored, nothing was cached or chosen; end as a shell does
		// after SIGINT.
		return 130
	}
	var ue usageError
	if errors.As(err, &ue) {
		printError(p.Stderr, err)
		return 2
	}
	var ce proc.CommandError
	if errors.As(err, &ce) {
		printError(p.Stderr, err) // a shell's 127 or 126
		return ce.Status
	}
	var need app.NeedsYou
	if errors.As(err, &need) {
		fmt.Fprintf(p.Stderr, "stscred: %s\n", need.Error())
		return need.Status
	}
	printError(p.Stderr, err)
	return 1
}

// apply hands the parsed global flags to the Process.
func apply(p *app.Process, g *credline.Globals) {
	p.Flags = app.Flags{MFAToken: g.MFAToken, Prompt: g.Prompt, MinRemaining: g.MinRemaining,
		LockTimeout: g.LockTimeout, Backend: g.Backend, STSTimeout: g.STSTimeout}
}

// parse builds kong's parser for grammar and parses args. A command's Run
// asks for what it uses: the Process, the Services, or one service, which
// is built (once) only when a Run asks for it.
func parse(grammar any, g *credline.Globals, args []string, p *app.Process, svc *app.Services) (*kong.Context, error) {
	parser, err := kong.New(grammar,
		kong.Name("stscred"),
		kong.Description("AWS credentials from keys kept in the OS keyring: credential_process, shell and exec, with MFA and caching."),
		kong.Writers(p.Stdout, p.Stderr),
		kong.Exit(func(code int) { panic(exitCode(code)) }),
		kong.Vars{"version": versionFlag(args, p)},
		kong.Bind(p, svc),
		kong.BindSingletonProvider(func() (*resolve.Tools, error) { return svc.Tools() }),
		kong.BindSingletonProvider(func() (*profile.Model, error) { return svc.Model() }),
		kong.BindSingletonProvider(func() (*cache.Cache, error) { return svc.Cache() }),
		kong.BindSingletonProvider(func() *proc.Runner { return svc.Runner() }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Help(printHelp),
	)
	if err != nil {
		return nil, err
	}
	layOutHelp(parser.Model)
	for _, n := range parser.Model.Children {
		if n.Detail == "" {
			n.Detail = examples.For(n.Name)
		}
	}
	kctx, err := parser.Parse(args)
	apply(p, g)
	return kctx, err
}

// printError writes err and its hints in stscred's format (hint.Print).
func printError(w io.Writer, err error) { hint.Print(w, err) }

// versionFlag is what --version prints: the version when args ask for it,
// else nothing, so that no other call reads the build info.
func versionFlag(args []string, p *app.Process) string {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--version" || strings.HasPrefix(a, "--version=") {
			return "stscred " + p.Version()
		}
	}
	return ""
}

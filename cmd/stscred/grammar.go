package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/internal/config/profile"
)

// parseCall parses the arguments of a `stscred ...` credential_process
// line with kong over stscred's own model, so that doctor, import, list
// and the runtime read such a line exactly as the command line reads it:
// flags before or after the command, --flag=value, quoting (done by the
// caller's word split), every flag that takes a value.
func parseCall(args []string) (c profile.Call) {
	// The credential commands' own grammar first: a line that works parses
	// there, and building it costs a fraction of the whole CLI's (this runs
	// on every call through a tool profile). Anything else gets the whole
	// CLI's reading, for doctor's messages.
	// The one shape such lines have, read from kong's tags without
	// building a parser (as the command line's own fast path does).
	if cmd, _, ok := fastParse(args, os.Getenv); ok {
		return callOf(cmd)
	}
	if isCredentialCommand(skipGlobalFlags(args)) {
		var cred credentialCLI
		if c, ok := parseWith(&cred, &cred.CredentialCommands, args); ok {
			return c
		}
	}
	var cli CLI
	c, _ = parseWith(&cli, &cli.CredentialCommands, args)
	return c
}

// skipGlobalFlags drops leading flags, to see the command word.
func skipGlobalFlags(args []string) []string {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		args = args[1:]
	}
	return args
}

// parseWith parses args with grammar, reading the credential commands
// from cc; ok is false when they do not parse.
func parseWith(grammar any, cc *CredentialCommands, args []string) (c profile.Call, ok bool) {
	parser, err := kong.New(grammar, kong.Name("stscred"), kong.Writers(io.Discard, io.Discard),
		kong.Exit(func(int) { panic(exitCode(0)) }), kong.Vars{"version": ""})
	if err != nil {
		return profile.Call{Err: err}, false
	}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(exitCode); !ok {
				panic(r)
			}
			// --help, --version: kong would print and exit.
			c, ok = profile.Call{Err: errors.New("it asks for help or the version, not credentials")}, false
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		return profile.Call{Err: err}, false
	}
	cmd := strings.Fields(kctx.Command())
	if len(cmd) == 0 {
		return profile.Call{Err: fmt.Errorf("no command")}, false
	}
	switch cmd[0] {
	case "role":
		return callOf(&cc.Role), true
	case "session":
		return callOf(&cc.Session), true
	case "export":
		return callOf(&cc.Export), true
	}
	return profile.Call{Request: profile.Request{Command: cmd[0]}}, true
}

// callOf is what a parsed credential command asks for.
func callOf(cmd credentialRunner) profile.Call {
	switch c := cmd.(type) {
	case *RoleCmd:
		return profile.Call{Request: c.request()}
	case *SessionCmd:
		return profile.Call{Request: profile.Request{Command: "session", Profile: c.Name, Duration: c.Duration}}
	case *ExportCmd:
		return profile.Call{Request: profile.Request{Command: "export", Profile: c.Profile}}
	}
	return profile.Call{}
}

package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/profile"
)

// parseCall parses the arguments of a `stscred ...` credential_process
// line with kong over stscred's own model, so that doctor, import, list
// and the runtime read such a line exactly as the command line reads it:
// flags before or after the command, --flag=value, quoting (done by the
// caller's word split), every flag that takes a value.
func parseCall(args []string) (c profile.Call) {
	var cli CLI
	parser, err := kong.New(&cli, kong.Name("stscred"), kong.Writers(io.Discard, io.Discard),
		kong.Exit(func(int) { panic(exitCode(0)) }), kong.Vars{"version": ""})
	if err != nil {
		return profile.Call{Err: err}
	}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(exitCode); !ok {
				panic(r)
			}
			// --help, --version: kong would print and exit.
			c = profile.Call{Err: errors.New("it asks for help or the version, not credentials")}
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		return profile.Call{Err: err}
	}
	cmd := strings.Fields(kctx.Command())
	if len(cmd) == 0 {
		return profile.Call{Err: fmt.Errorf("no command")}
	}
	c.Command = cmd[0]
	switch c.Command {
	case "role":
		r := cli.Role
		c.Request = profile.Request{Command: "role", Profile: r.Name, RoleARN: r.RoleARN, Source: r.Source,
			MFASerial: r.MFASerial, ExternalID: r.ExternalID, SessionName: r.SessionName, Duration: r.Duration}
	case "session":
		c.Request = profile.Request{Command: "session", Profile: cli.Session.Name, Duration: cli.Session.Duration}
	case "export":
		c.Profile = cli.Export.Profile
	}
	return c
}

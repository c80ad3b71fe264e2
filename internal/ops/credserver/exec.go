package credserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/shell"
)

// Exec is `stscred exec`: a command run with a profile's credentials,
// served on the loopback endpoint and renewed while it runs, or put in its
// environment (AsEnv, not renewed).
type Exec struct {
	Profile string
	Command []string // the program and its arguments
	Environ []string // stscred's own environment
	Getenv  func(string) string
	AsEnv   bool
	// Fetch gets the profile's credentials and region, now and on every
	// renewal the endpoint asks for.
	Fetch func(ctx context.Context) (creds.Credentials, string, error)
	// Notes and renewal errors go to Stderr.
	Stderr   io.Writer
	PrintErr func(io.Writer, error)
	// Runner starts the command.
	Runner *proc.Runner
	// Without a command, on a terminal (Terminal: stdin is one), the
	// command is the user's shell (Subshell, for GOOS and Parent, the
	// program that ran stscred).
	Terminal bool
	GOOS     string
	Parent   string
}

// Subshell is the shell `stscred exec PROFILE` starts when given no
// command: $SHELL, else sh; on Windows PowerShell when stscred was run
// from it, else %COMSPEC%, else cmd.exe.
func Subshell(getenv func(string) string, goos, parent string) []string {
	if goos != "windows" {
		if sh := getenv("SHELL"); sh != "" {
			return []string{sh}
		}
		return []string{"/bin/sh"}
	}
	base := parent[strings.LastIndexAny(parent, `/\`)+1:]
	switch p := strings.TrimSuffix(strings.ToLower(base), ".exe"); p {
	case "pwsh", "powershell":
		return []string{p + ".exe"}
	}
	if cs := getenv("COMSPEC"); cs != "" {
		return []string{cs}
	}
	return []string{"cmd.exe"}
}

// Run runs the command and ends as it ended (proc.ExitError), or with a
// shell's 127/126 when it cannot be run (proc.CommandError).
func (x Exec) Run(ctx context.Context) error {
	if len(x.Command) == 0 {
		if !x.Terminal {
			return hint.With(errors.New("no command to run (and no terminal for a shell)"),
				"stscred exec "+x.Profile+" -- terraform plan",
				"typed at a terminal, stscred exec "+x.Profile+" starts your shell ($SHELL) with the credentials")
		}
		x.Command = Subshell(x.Getenv, x.GOOS, x.Parent)
		fmt.Fprintf(x.Stderr, "stscred: starting %s with %s's credentials; exit it to leave them\n", x.Command[0], x.Profile)
	}
	path, err := proc.LookCommand(x.Command[0])
	if err != nil {
		var ce proc.CommandError
		if errors.As(err, &ce) && ce.Status == 127 {
			return hint.With(err, "check its spelling, or that the directory holding it is on PATH (or give its path)")
		}
		return hint.With(err, "check that it is an executable file (chmod +x)")
	}
	if parent := x.Getenv(ExecProfileVar); parent != "" {
		if parent == x.Profile && x.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != "" {
			// The parent exec already serves this profile: reuse it.
			return x.Runner.Exec(path, x.Command, x.Environ, nil, nil)
		}
		fmt.Fprintf(x.Stderr, "stscred: note: running %s inside stscred exec %s: the command gets %s's credentials\n", x.Profile, parent, x.Profile)
	}
	// Fetch once before starting, so that an MFA prompt or an error comes
	// now, not from inside the command.
	first, region, err := x.Fetch(ctx)
	if err != nil {
		return err
	}
	env := append(ChildEnv(x.Environ), "STSCRED_PROFILE="+x.Profile, ExecProfileVar+"="+x.Profile)
	if region != "" {
		env = append(env, "AWS_REGION="+region, "AWS_DEFAULT_REGION="+region)
	}
	if x.AsEnv {
		for _, kv := range (shell.Export{Profile: x.Profile, Creds: first}).Vars() {
			if kv[0] != "STSCRED_PROFILE" {
				env = append(env, kv[0]+"="+kv[1])
			}
		}
		return x.Runner.Exec(path, x.Command, env, nil, nil)
	}
	srv, err := Listen(func(ctx context.Context) (creds.Credentials, error) {
		c, _, err := x.Fetch(ctx)
		if err != nil && x.PrintErr != nil {
			x.PrintErr(x.Stderr, err)
		}
		return c, err
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	// The child holds the endpoint's socket too: if stscred dies first,
	// no other process can bind the port and serve the child credentials
	// of its choosing.
	return x.Runner.Exec(path, x.Command, append(env, srv.Env()...), []proc.Held{srv.Listener()}, srv.Serve)
}

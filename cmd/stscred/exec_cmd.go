package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"

	"github.com/stscred/stscred/creds"
	"github.com/stscred/stscred/credserver"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/internal/proc"
	"github.com/stscred/stscred/shell"
)

// ExecCmd runs a command with a profile's credentials.
type ExecCmd struct {
	Profile string   `arg:"" complete:"profile=any" help:"Profile whose credentials the command gets."`
	Command []string `arg:"" optional:"" passthrough:"" help:"The command and its arguments, after --."`
	Env     bool     `name:"env" help:"Put the credentials in the command's environment (AWS_ACCESS_KEY_ID, ...) instead of serving them; they are not renewed."`
}

func (c *ExecCmd) Run(env *Env, g *Globals) error {
	if len(c.Command) > 0 && c.Command[0] == "--" {
		c.Command = c.Command[1:]
	}
	if len(c.Command) == 0 {
		return hint.With(errors.New("no command to run"), "stscred exec "+c.Profile+" -- terraform plan")
	}
	path, err := lookCommand(c.Command[0])
	if err != nil {
		return err
	}
	base := env.Environ()
	if parent := env.Getenv(credserver.ExecProfileVar); parent != "" {
		if parent == c.Profile && env.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != "" {
			// The parent exec already serves this profile: reuse it.
			return proc.Run(path, c.Command, base, nil, nil)
		}
		fmt.Fprintf(env.Stderr, "stscred: note: running %s inside stscred exec %s: the command gets %s's credentials\n", c.Profile, parent, c.Profile)
	}
	ctx := env.context()
	// Fetch once before starting, so that an MFA prompt or an error comes
	// now, not from inside the command.
	first, err := env.toolCredentials(ctx, g, c.Profile)
	if err != nil {
		return err
	}
	childEnv := credserver.ChildEnv(base)
	childEnv = append(childEnv, "STSCRED_PROFILE="+c.Profile, credserver.ExecProfileVar+"="+c.Profile)
	if first.Region != "" {
		childEnv = append(childEnv, "AWS_REGION="+first.Region, "AWS_DEFAULT_REGION="+first.Region)
	}
	if c.Env {
		for _, kv := range (shell.Export{Profile: c.Profile, Creds: first.Creds}).Vars() {
			if kv[0] != "STSCRED_PROFILE" {
				childEnv = append(childEnv, kv[0]+"="+kv[1])
			}
		}
		return proc.Run(path, c.Command, childEnv, nil, nil)
	}
	srv, err := credserver.Listen(func(ctx context.Context) (creds.Credentials, error) {
		tc, err := env.toolCredentials(ctx, g, c.Profile)
		if err != nil {
			printError(env.Stderr, err)
		}
		return tc.Creds, err
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	// The child holds the endpoint's port too: if stscred dies first, no
	// other process can bind it and serve the child its own credentials.
	ln, err := srv.ListenerFile()
	if err != nil {
		return err
	}
	defer ln.Close()
	return proc.Run(path, c.Command, append(childEnv, srv.Env()...), []*os.File{ln}, srv.Serve)
}

// lookCommand finds the command to run as a shell would, and fails as a
// shell does: 127 when it is not found, 126 when it cannot be run.
func lookCommand(name string) (string, error) {
	path, err := exec.LookPath(name)
	switch {
	case err == nil:
		return path, nil
	case errors.Is(err, exec.ErrNotFound) && !strings.ContainsRune(name, os.PathSeparator):
		return "", statusError{hint.With(fmt.Errorf("command not found: %s", name),
			"check its spelling, or that the directory holding it is on PATH (or give its path)"), 127}
	case errors.Is(err, fs.ErrNotExist):
		return "", statusError{hint.With(fmt.Errorf("command not found: %s does not exist", name),
			"check the path"), 127}
	default:
		return "", statusError{hint.With(fmt.Errorf("cannot run %s: %w", name, err),
			"check that it is an executable file (chmod +x)"), 126}
	}
}

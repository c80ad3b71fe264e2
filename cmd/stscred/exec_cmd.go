package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/stscred/stscred/cmdline"
	"github.com/stscred/stscred/creds"
	"github.com/stscred/stscred/credserver"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/shell"
)

// ExecCmd runs a command with a profile's credentials.
type ExecCmd struct {
	Profile string   `arg:"" help:"Profile whose credentials the command gets."`
	Command []string `arg:"" optional:"" passthrough:"" help:"The command and its arguments, after --."`
	Env     bool     `name:"env" help:"Put the credentials in the command's environment (AWS_ACCESS_KEY_ID, ...) instead of serving them; they are not renewed."`
}

// execProfileVar marks a process started by stscred exec, naming the
// profile, so a nested exec can tell.
const execProfileVar = "STSCRED_EXEC_PROFILE"

func (c *ExecCmd) Run(env *Env, g *Globals) error {
	if len(c.Command) > 0 && c.Command[0] == "--" {
		c.Command = c.Command[1:]
	}
	if len(c.Command) == 0 {
		return hint.With(errors.New("no command to run"), "stscred exec "+c.Profile+" -- terraform plan")
	}
	path, err := exec.LookPath(c.Command[0])
	if err != nil {
		return hint.With(fmt.Errorf("cannot run %s: %w", c.Command[0], err), "check the command name and PATH")
	}
	base := env.Environ()
	if parent := env.Getenv(execProfileVar); parent != "" {
		if parent == c.Profile && env.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != "" {
			// The parent exec already serves this profile: reuse it.
			return env.runChild(path, c.Command, base, nil, nil)
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
	childEnv := withoutCredentials(base)
	childEnv = append(childEnv, "STSCRED_PROFILE="+c.Profile, execProfileVar+"="+c.Profile)
	if first.Region != "" {
		childEnv = append(childEnv, "AWS_REGION="+first.Region, "AWS_DEFAULT_REGION="+first.Region)
	}
	if c.Env {
		for _, kv := range (shell.Export{Profile: c.Profile, Creds: first.Creds}).Vars() {
			if kv[0] != "STSCRED_PROFILE" {
				childEnv = append(childEnv, kv[0]+"="+kv[1])
			}
		}
		return env.runChild(path, c.Command, childEnv, nil, nil)
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
	return env.runChild(path, c.Command, append(childEnv, srv.Env()...), []*os.File{ln}, srv.Serve)
}

// withoutCredentials drops every variable that would compete with the
// credentials exec provides.
func withoutCredentials(environ []string) []string {
	drop := map[string]bool{
		"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true,
		"AWS_CREDENTIAL_EXPIRATION": true, "STSCRED_EXPIRES": true, "STSCRED_PROFILE": true, execProfileVar: true,
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": true, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": true,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN": true, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": true,
	}
	for _, name := range shell.Shadowing {
		drop[name] = true
	}
	// What stscred was given for itself: the child never sees it.
	for name := range cmdline.Private {
		drop[name] = true
	}
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !drop[name] {
			out = append(out, kv)
		}
	}
	return out
}

// exitError carries the child's exit status out of Run without an error
// message: the child already said what went wrong.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

package main

import (
	"context"

	"github.com/stscred/stscred/cmdline"
	"github.com/stscred/stscred/resolve"
)

// defaultProfile is the profile the AWS tools would use in this shell.
func (e *Env) defaultProfile() string {
	for _, v := range []string{"STSCRED_PROFILE", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if p := e.Getenv(v); p != "" {
			return p
		}
	}
	return "default"
}

// tools gets credentials for profiles and calls as the AWS tools would.
func (e *Env) tools(g *Globals) (resolve.Tools, error) {
	m, err := e.Model()
	if err != nil {
		return resolve.Tools{}, err
	}
	return resolve.Tools{
		Model:    m,
		Resolver: func() (*resolve.Resolver, error) { return e.Resolver(g) },
		Environ:  cmdline.ChildEnv(e.environ()), Stderr: e.Stderr, LookPath: e.LookPath,
	}, nil
}

// toolCredentials gets the credentials of profile name as the AWS tools
// would (see resolve.Tools.For).
func (e *Env) toolCredentials(ctx context.Context, g *Globals, name string) (resolve.ToolResult, error) {
	tools, err := e.tools(g)
	if err != nil {
		return resolve.ToolResult{}, err
	}
	return tools.For(ctx, name)
}

package main

import (
	"context"
	"os"

	"github.com/stscred/stscred/awsout"
	"github.com/stscred/stscred/resolve"
	"github.com/stscred/stscred/whoami"
	"golang.org/x/term"
)

// WhoamiCmd calls GetCallerIdentity with a profile's credentials, or with
// the ones the AWS tools would use in this shell, and prints the answer as
// `aws sts get-caller-identity` does.
type WhoamiCmd struct {
	Profile string `arg:"" optional:"" complete:"profile=any" help:"Profile (default: the AWS_ACCESS_KEY_ID... credentials in the environment, else STSCRED_PROFILE, AWS_PROFILE, default)."`
	Output  string `name:"output" placeholder:"FORMAT" complete:"values=json,text,table,yaml,yaml-stream" help:"json (default), text, table, yaml or yaml-stream, as the AWS CLI prints them (also AWS_DEFAULT_OUTPUT, or the profile's output setting)."`
	Query   string `name:"query" placeholder:"JMESPATH" help:"JMESPath expression applied before the output, as the AWS CLI's --query: --query Account --output text."`
	Verbose bool   `short:"v" help:"Add Profile, Source (cache, sts, environment, credential_process), Expiration, MinutesLeft and MFAAuthenticated."`
}

func (c *WhoamiCmd) Run(env *Env, g *Globals) error {
	setup := whoami.Setup{
		Getenv: env.Getenv, Config: env.Config, ConfigPath: env.ConfigPath, DefaultProfile: env.defaultProfile(),
		Settings: env.Settings(), Tokens: env.tokens(),
		Tools: func(ctx context.Context, name string) (resolve.ToolResult, error) {
			return env.toolCredentials(ctx, g, name)
		},
	}
	t, err := whoami.Choose(setup, c.Profile)
	if err != nil {
		return err
	}
	// --output and --query are checked before anything can prompt.
	output := firstNonEmpty(c.Output, env.Getenv("AWS_DEFAULT_OUTPUT"), t.OutputSetting, "json")
	p, err := awsout.New(awsout.Options{Output: output, Query: c.Query, Width: terminalWidth(env)})
	if err != nil {
		return err
	}
	wc, err := t.Credentials(env.context(), setup)
	if err != nil {
		return err
	}
	id, err := env.NewAPI(wc.EP).GetCallerIdentity(env.context(), wc.Cr)
	if err != nil {
		return whoami.Failed(err, wc, env.Now())
	}
	doc := awsout.Object{{Key: "UserId", Value: id.UserID}, {Key: "Account", Value: id.Account}, {Key: "Arn", Value: id.ARN}}
	if c.Verbose {
		doc = append(doc, wc.Details(env.Now())...)
	}
	return p.Print(env.Stdout, "GetCallerIdentity", doc)
}

// terminalWidth is the width the AWS CLI would lay a table out for: the
// terminal's when stdout is one, else 80.
func terminalWidth(env *Env) int {
	if f, ok := env.Stdout.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return awsout.DefaultWidth
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

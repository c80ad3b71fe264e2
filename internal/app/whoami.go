package app

import (
	"os"

	"github.com/stscred/stscred/internal/ops/awsout"
	"github.com/stscred/stscred/internal/ops/whoami"
	"golang.org/x/term"
)

// Whoami is what stscred whoami asks for.
type Whoami struct {
	Profile, Output, Query string
	Verbose                bool
}

// Whoami calls GetCallerIdentity with a profile's credentials, or with
// the ones the AWS tools would use in this shell, and prints the answer as
// `aws sts get-caller-identity` does.
func (e *Env) Whoami(w Whoami) error {
	setup := whoami.Setup{
		Getenv: e.Getenv, Config: e.Config, ConfigPath: e.ConfigPath, DefaultProfile: e.DefaultProfile(),
		Settings: e.Settings(), Tokens: e.Tokens(), Tools: e.ToolCredentials,
	}
	t, err := whoami.Choose(setup, w.Profile)
	if err != nil {
		return err
	}
	// --output and --query are checked before anything can prompt.
	output := firstNonEmpty(w.Output, e.Getenv("AWS_DEFAULT_OUTPUT"), t.OutputSetting, "json")
	p, err := awsout.New(awsout.Options{Output: output, Query: w.Query, Width: e.terminalWidth()})
	if err != nil {
		return err
	}
	wc, err := t.Credentials(e.Context(), setup)
	if err != nil {
		return err
	}
	id, err := e.NewAPI(wc.EP).GetCallerIdentity(e.Context(), wc.Cr)
	if err != nil {
		return whoami.Failed(err, wc, e.Now())
	}
	doc := awsout.Object{{Key: "UserId", Value: id.UserID}, {Key: "Account", Value: id.Account}, {Key: "Arn", Value: id.ARN}}
	if w.Verbose {
		doc = append(doc, wc.Details(e.Now())...)
	}
	return p.Print(e.Stdout, "GetCallerIdentity", doc)
}

// terminalWidth is the width the AWS CLI would lay a table out for: the
// terminal's when stdout is one, else 80.
func (e *Env) terminalWidth() int {
	if f, ok := e.Stdout.(*os.File); ok {
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

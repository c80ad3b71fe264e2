package app

import (
	"context"
	"io"
	"os"

	"github.com/stscred/stscred/internal/ops/awsout"
	"github.com/stscred/stscred/internal/ops/whoami"
	"github.com/stscred/stscred/internal/session/resolve"
	"golang.org/x/term"
)

// WhoamiRequest is what stscred whoami asks for.
type WhoamiRequest struct {
	Profile, Output, Query string
	Verbose                bool
}

// Whoami calls GetCallerIdentity with a profile's credentials, or with
// the ones the AWS tools would use in this shell, and prints the answer as
// `aws sts get-caller-identity` does.
func Whoami(p *Process, s *Services, w WhoamiRequest) error {
	setup := whoami.Setup{
		Getenv: p.Getenv, Config: s.Config, ConfigPath: s.ConfigPath, DefaultProfile: p.DefaultProfile(),
		Settings: s.Settings(), Tokens: s.Tokens(),
		Tools: func(ctx context.Context, name string) (resolve.ToolResult, error) {
			tools, err := s.Tools()
			if err != nil {
				return resolve.ToolResult{}, err
			}
			return tools.For(ctx, name)
		},
		Peek: func(ctx context.Context, name string) (resolve.ToolResult, bool, error) {
			tools, err := s.Tools()
			if err != nil {
				return resolve.ToolResult{}, false, err
			}
			return tools.Peek(ctx, name)
		},
	}
	t, err := whoami.Choose(setup, w.Profile)
	if err != nil {
		return err
	}
	// --output and --query are checked before anything can prompt.
	output := firstNonEmpty(w.Output, p.Getenv("AWS_DEFAULT_OUTPUT"), t.OutputSetting, "json")
	out, err := awsout.New(awsout.Options{Output: output, Query: w.Query, Width: terminalWidth(p.Stdout)})
	if err != nil {
		return err
	}
	wc, err := t.Credentials(p.Context(), setup)
	if err != nil {
		return err
	}
	id, err := s.NewAPI(wc.EP).GetCallerIdentity(p.Context(), wc.Cr)
	if err != nil {
		return whoami.Failed(err, wc, p.Now())
	}
	doc := awsout.Object{{Key: "UserId", Value: id.UserID}, {Key: "Account", Value: id.Account}, {Key: "Arn", Value: id.ARN}}
	if w.Verbose {
		doc = append(doc, wc.Details(p.Now())...)
	}
	return out.Print(p.Stdout, "GetCallerIdentity", doc)
}

// terminalWidth is the width the AWS CLI would lay a table out for: the
// terminal's when stdout is one, else 80.
func terminalWidth(stdout io.Writer) int {
	if f, ok := stdout.(*os.File); ok {
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

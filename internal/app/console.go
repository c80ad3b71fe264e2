package app

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/ops/console"
)

// Console signs in to the AWS console as req says (package console) and
// opens the URL with browser (else the default one), or prints it when
// printURL or when there is no browser here.
func (e *Env) Console(req console.Request, printURL bool, browser string) error {
	m, err := e.Model()
	if err != nil {
		return err
	}
	setup := console.Setup{
		Model:         m,
		Resolver:      e.Resolver,
		HTTP:          &http.Client{Timeout: e.Flags.STSTimeout},
		FederationURL: e.Getenv("STSCRED_FEDERATION_URL"),
		Now:           e.Now,
		Notes:         e.Stderr,
	}
	in, err := setup.SignIn(e.Context(), req)
	if err != nil {
		return err
	}
	until := fmt.Sprintf("stscred: console session of %s as %s until %s (%s)\n", in.Profile, in.Principal,
		in.Until.Local().Format("15:04"), human.Left(in.Until, e.Now()))
	if printURL {
		fmt.Fprint(e.Stderr, until)
		_, err := fmt.Fprintln(e.Stdout, in.URL)
		return err
	}
	b := console.Browser{Command: browser, Getenv: e.Getenv, GOOS: e.GOOS, LookPath: e.LookPath}
	if err := b.Open(e.Context(), in.URL); err != nil {
		if errors.Is(err, console.ErrNoBrowser) {
			// No display and no browser: the URL is the answer.
			fmt.Fprintln(e.Stdout, in.URL)
			fmt.Fprint(e.Stderr, until)
			fmt.Fprintln(e.Stderr, "stscred: hint: no browser to open it here (no --browser, no $BROWSER, no display): open the URL above in a browser within 15 minutes; it signs in whoever opens it")
			return nil
		}
		return hint.With(err, "name the browser: --browser firefox, or print the URL instead: stscred console --url")
	}
	fmt.Fprint(e.Stderr, until)
	return nil
}

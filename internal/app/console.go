package app

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/ops/console"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/internal/sys/browser"
)

// Console signs in to the AWS console as req says (package console) and
// opens the URL with browser (in its Firefox container, if it names one),
// or prints it when printURL (as the container add-on's URL, with a
// container) or when there is no browser here.
func Console(p *Process, m *profile.Model, r func() (*resolve.Resolver, error), open browser.Browser, req console.Request, printURL bool) error {
	setup := console.Setup{
		Model:         m,
		Resolver:      r,
		HTTP:          &http.Client{Timeout: p.Flags.STSTimeout},
		FederationURL: p.Getenv("STSCRED_FEDERATION_URL"),
		Now:           p.Now,
		Notes:         p.Stderr,
	}
	in, err := setup.SignIn(p.Context(), req)
	if err != nil {
		return err
	}
	until := fmt.Sprintf("stscred: console session of %s as %s until %s (%s)\n", in.Profile, in.Principal,
		in.Until.Local().Format("15:04"), human.Left(in.Until, p.Now()))
	if printURL {
		fmt.Fprint(p.Stderr, until)
		u := in.URL
		if open.Container != "" {
			u = open.ContainerURL(u) // for Firefox, with the container add-on
		}
		_, err := fmt.Fprintln(p.Stdout, u)
		return err
	}
	if err := open.Open(p.Context(), in.URL); err != nil {
		if errors.Is(err, browser.ErrNoBrowser) {
			// No display and no browser: the URL is the answer.
			fmt.Fprintln(p.Stdout, in.URL)
			fmt.Fprint(p.Stderr, until)
			fmt.Fprintln(p.Stderr, "stscred: hint: no browser to open it here (no --browser, no $BROWSER, no display): open the URL above in a browser within 15 minutes; it signs in whoever opens it")
			return nil
		}
		return hint.With(err, "name the browser: --browser firefox, or print the URL instead: stscred console --url")
	}
	fmt.Fprint(p.Stderr, until)
	return nil
}

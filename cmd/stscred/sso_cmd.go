package main

import (
	"fmt"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/human"
)

// SSOCmd signs in to IAM Identity Center (package identitycenter): the
// tokens live in the keystore, never in ~/.aws/sso/cache.
type SSOCmd struct {
	Login    SSOLoginCmd    `cmd:"" help:"Sign in to an IAM Identity Center session (in the browser, or with a device code)."`
	Logout   SSOLogoutCmd   `cmd:"" help:"Sign out: revoke the session's tokens, forget them and drop the credentials cached from them."`
	Accounts SSOAccountsCmd `cmd:"" help:"List the accounts and roles a session may use (--profiles: as config sections)."`
}

// SSOSessionArg names the session: an [sso-session NAME], or an SSO
// profile.
type SSOSessionArg struct {
	Session string `arg:"" optional:"" complete:"profile=sso" help:"The [sso-session NAME], or a profile that signs in through it (default: the config's only sso-session)."`
}

type SSOLoginCmd struct {
	SSOSessionArg `embed:""`
	DeviceCode    bool   `name:"device-code" help:"Sign in with a code shown here, in a browser anywhere (for SSH sessions), instead of a browser on this machine."`
	Browser       string `name:"browser" placeholder:"CMD" help:"The command that opens the sign-in page, which goes where %s is, else last (default: $BROWSER, else xdg-open, open or rundll32; under WSL wslview or Windows' rundll32.exe)."`
	NoBrowser     bool   `name:"no-browser" help:"Open no browser: print the URL to open."`
}

func (c *SSOLoginCmd) Run(p *app.Process, svc *app.Services) error {
	s, ic, err := app.SSOSession(svc, c.Session)
	if err != nil {
		return err
	}
	b := svc.Browser(c.Browser)
	switch {
	case c.NoBrowser:
		ic.Open = nil
	default:
		if err := b.Check(); err != nil {
			return err // before the sign-in, not after it
		}
		ic.Open = b.Open
		if !c.DeviceCode && !s.Legacy() {
			ic.Open = app.SignInOpener(p, b, "stscred sso login --device-code "+s.Label())
		}
	}
	st, err := ic.Login(p.Context(), s, identitycenter.LoginOptions{DeviceCode: c.DeviceCode})
	if err != nil {
		return err
	}
	then := ""
	if st.Refreshable {
		then = "; then renewed without a browser while Identity Center's session lasts"
	}
	fmt.Fprintf(p.Stderr, "stscred: signed in to %s until %s (%s)%s\n", s.Label(), st.Expires.Local().Format("15:04"), human.Left(st.Expires, p.Now()), then)
	return nil
}

type SSOLogoutCmd struct {
	SSOSessionArg `embed:""`
}

func (c *SSOLogoutCmd) Run(p *app.Process, s *app.Services) error {
	return app.SSOLogout(p, s, c.Session)
}

type SSOAccountsCmd struct {
	SSOSessionArg `embed:""`
	Profiles      bool `name:"profiles" help:"Print a config section per account and role, to paste into ~/.aws/config."`
}

func (c *SSOAccountsCmd) Run(p *app.Process, svc *app.Services) error {
	s, ic, err := app.SSOSession(svc, c.Session)
	if err != nil {
		return err
	}
	accounts, err := ic.Accounts(p.Context(), s)
	if err != nil {
		return err
	}
	if c.Profiles {
		return identitycenter.WriteProfiles(p.Human(), s, accounts)
	}
	return identitycenter.WriteAccounts(p.Human(), accounts)
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/stscred/stscred/doctor"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/identitycenter"
)

// DoctorCmd checks the setup one thing at a time and says how to fix what
// is wrong; the checks are package doctor's, this only prints them.
type DoctorCmd struct {
	Profile string `name:"profile" placeholder:"NAME" complete:"profile=any" help:"Check only this profile's chain (and what its credential_process calls)."`
	Output  string `name:"output" enum:"text,json" default:"text" help:"text, or json for scripts."`
}

func (c *DoctorCmd) Run(env *Env, g *Globals) error {
	checks, cfg := doctor.Run(env.context(), doctor.Setup{
		ConfigPath: env.ConfigPath, Parse: parseCall,
		Keys: env.Keys(), KeysNote: env.keysNote,
		CacheDir: env.CacheDir, Cache: env.Cache,
		NewAPI: env.NewAPI, Settings: env.Settings(), MinRemaining: g.MinRemaining,
		Now: env.Now, LookPath: env.LookPath, Getenv: env.Getenv, GOOS: env.GOOS, Tokens: env.tokens(),
		SSOStatus: func(s identitycenter.Session) (identitycenter.Status, error) {
			ic, err := env.IdentityCenter(g, "")
			if err != nil {
				return identitycenter.Status{}, err
			}
			return ic.Status(s)
		},
	}, c.Profile)
	if cfg != nil {
		env.cfg = cfg
	}
	var err error
	if c.Output == "json" {
		err = printChecksJSON(env.Stdout, checks)
	} else {
		err = printChecks(env.human(), checks)
	}
	if err != nil {
		return err
	}
	if n := doctor.Failed(checks); n > 0 {
		return hint.With(fmt.Errorf("%d %s failed", n, plural(n, "check", "checks")), "fix what the lines marked ✗ say, then run stscred doctor again")
	}
	return nil
}

var marks = map[doctor.Status]string{doctor.Pass: "✓", doctor.Fail: "✗", doctor.Warn: "!", doctor.Info: "–"}

// printChecks writes one line per check, and a line per hint under the
// ones that did not pass.
func printChecks(w io.Writer, checks []doctor.Check) error {
	var b strings.Builder
	for _, c := range checks {
		fmt.Fprintf(&b, "%s %s\n", marks[c.Status], c.Message)
		if c.Status != doctor.Pass {
			for _, h := range c.Hints {
				fmt.Fprintf(&b, "    hint: %s\n", h)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// printChecksJSON writes the checks as a JSON array ([] when none).
func printChecksJSON(w io.Writer, checks []doctor.Check) error {
	if checks == nil {
		checks = []doctor.Check{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(checks)
}

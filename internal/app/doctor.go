package app

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/ops/doctor"
)

// Doctor runs package doctor's checks (of one profile's chain when name is
// not "") and prints them as text or, with asJSON, as a JSON array; it
// fails when a check did.
func (e *Env) Doctor(name string, asJSON bool) error {
	checks, cfg := doctor.Run(e.Context(), doctor.Setup{
		ConfigPath: e.ConfigPath, Parse: e.Parse,
		Keys: e.Keys(), KeysNote: e.KeysNote,
		CacheDir: e.CacheDir, Cache: e.Cache,
		NewAPI: e.NewAPI, Settings: e.Settings(), MinRemaining: e.Flags.MinRemaining,
		Now: e.Now, LookPath: e.LookPath, Getenv: e.Getenv, GOOS: e.GOOS, Tokens: e.Tokens(),
		SSOStatus: func(s identitycenter.Session) (identitycenter.Status, error) {
			ic, err := e.IdentityCenter("")
			if err != nil {
				return identitycenter.Status{}, err
			}
			return ic.Status(s)
		},
	}, name)
	if cfg != nil {
		e.ConfigFile = cfg
	}
	var err error
	if asJSON {
		err = printChecksJSON(e.Stdout, checks)
	} else {
		err = printChecks(e.Human(), checks)
	}
	if err != nil {
		return err
	}
	if n := doctor.Failed(checks); n > 0 {
		return hint.With(fmt.Errorf("%d %s failed", n, human.Plural(n, "check", "checks")), "fix what the lines marked ✗ say, then run stscred doctor again")
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

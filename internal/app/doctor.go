package app

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/ops/doctor"
)

// Doctor runs package doctor's checks (of one profile's chain when name is
// not "") and prints them as text or, with asJSON, as a JSON array; it
// fails when a check did.
func Doctor(p *Process, s *Services, name string, asJSON bool) error {
	checks, cfg := doctor.Run(p.Context(), doctor.Setup{
		ConfigPath: s.ConfigPath,
		Keys:       s.Keys(), KeysNote: s.KeysNote,
		CacheDir: s.CacheDir, Cache: s.Cache,
		NewAPI: s.NewAPI, Settings: s.Settings(), MinRemaining: p.Flags.MinRemaining,
		Now: p.Now, LookPath: p.LookPath, Getenv: p.Getenv, GOOS: p.GOOS, Tokens: s.Tokens(),
		SSOStatus: func(sess identitycenter.Session) (identitycenter.Status, error) {
			ic, err := s.IdentityCenter()
			if err != nil {
				return identitycenter.Status{}, err
			}
			return ic.Status(sess)
		},
		LoginStatus: func(sess signin.Session) (signin.Status, error) {
			c, err := s.Login()
			if err != nil {
				return signin.Status{}, err
			}
			return c.Status(sess)
		},
	}, name)
	if cfg != nil {
		s.ConfigFile = cfg
	}
	var err error
	if asJSON {
		err = printChecksJSON(p.Stdout, checks)
	} else {
		err = printChecks(p.Human(), checks)
	}
	if err != nil {
		return err
	}
	if n := doctor.Failed(checks); n > 0 {
		return hint.With(fmt.Errorf("%d %s failed", n, human.Plural(n, "check", "checks")), "fix what the lines marked ✗ say, then run stscred doctor again")
	}
	return nil
}

// mark is the sign a check's line starts with.
func mark(s doctor.Status) string {
	switch s {
	case doctor.Pass:
		return "✓"
	case doctor.Fail:
		return "✗"
	case doctor.Warn:
		return "!"
	case doctor.Info:
		return "–"
	}
	return ""
}

// printChecks writes one line per check, and a line per hint under the
// ones that did not pass.
func printChecks(w io.Writer, checks []doctor.Check) error {
	var b strings.Builder
	for _, c := range checks {
		fmt.Fprintf(&b, "%s %s\n", mark(c.Status), c.Message)
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

package main

import (
	"errors"
	"fmt"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/shell"
)

// PickCmd lets the user choose a profile on the terminal and prints its
// name on stdout: what the shell integration's `stscred use` runs when it
// is given no profile (the picker draws on the terminal, never on
// stdout, which the shell function captures).
type PickCmd struct{}

func (c *PickCmd) Run(p *app.Process, s *app.Services) error {
	name, err := app.PickProfile(p, s, "use", shell.AnyProfile)
	if errors.Is(err, app.ErrNotPicked) {
		return usageError{hint.With(err, "name the profile: stscred use PROFILE")}
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(p.Stdout, name)
	return err
}

// pickProfile opens the picker for a command run without a profile (on a
// terminal, app.PickProfile): "" when it cannot, and the command goes on
// as it did without one.
func pickProfile(p *app.Process, s *app.Services, command string, kind shell.ProfileKind) (string, error) {
	name, err := app.PickProfile(p, s, command, kind)
	if errors.Is(err, app.ErrNotPicked) {
		return "", nil
	}
	return name, err
}

// usageError is a command line that lacks something (as kong's own parse
// errors): printed, exit status 2.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

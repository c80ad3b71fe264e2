package main

import (
	"errors"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/hint"
)

// RemoveCmd deletes a stored key and every session derived from it
// (package accesskey), or with --all everything stscred keeps on the
// machine; it asks first.
type RemoveCmd struct {
	Name string `arg:"" optional:"" complete:"profile=keyholder" help:"Profile whose key to delete."`
	All  bool   `help:"Delete everything stscred keeps on this machine: every key and sign-in in the OS keyring and the file keystore, and the session cache."`
	Yes  bool   `short:"y" help:"Do not ask for confirmation."`
}

func (c *RemoveCmd) Run(p *app.Process, s *app.Services) error {
	switch {
	case c.All && c.Name != "":
		return hint.With(errors.New("--all deletes every key: it takes no profile"), "stscred remove PROFILE deletes one key; stscred remove --all deletes everything")
	case c.All:
		return app.RemoveAll(p, s, c.Yes)
	case c.Name == "":
		return hint.With(errors.New("name the profile whose key to delete"), "stscred remove PROFILE (stscred list shows the stored keys), or stscred remove --all to delete everything stscred keeps")
	}
	return app.RemoveKey(p, s, c.Name, c.Yes)
}

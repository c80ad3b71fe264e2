package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/rotate"
)

// MigrateCmd moves stored keys from the backend in use to another one.
type MigrateCmd struct {
	To string `name:"to" required:"" enum:"keyring,file" help:"Backend to move the keys to: ${enum}."`
}

func (c *MigrateCmd) Run(env *Env) error {
	from := env.Keys()
	var to keystore.Store
	switch c.To {
	case "keyring":
		to = env.keyring()
	case "file":
		to = env.fileStore()
	}
	if from.Backend() == to.Backend() {
		return hint.With(fmt.Errorf("the keys are already in the %s backend", from.Backend()),
			"to move them away from it, name the other backend: --to keyring or --to file")
	}
	names, err := migratable(env, from)
	if err != nil {
		return fmt.Errorf("listing the keys in the %s backend: %w", from.Backend(), err)
	}
	// Copy everything and read it back before deleting anything: a failure
	// part way leaves the source as it was and undoes the copies.
	var copied []string
	undo := func(cause error) error {
		for _, n := range copied {
			_ = to.Delete(n)
		}
		return hint.With(fmt.Errorf("nothing was moved: %w", cause),
			"the keys are still in the "+from.Backend()+" backend; fix the problem above and run stscred migrate again")
	}
	moved := 0
	for _, name := range names {
		v, err := from.Get(name)
		if errors.Is(err, keystore.ErrNotFound) {
			continue
		}
		if err != nil {
			return undo(fmt.Errorf("reading %s from the %s backend: %w", name, from.Backend(), err))
		}
		if err := to.Set(name, v); err != nil {
			return undo(fmt.Errorf("writing %s to the %s backend: %w", name, to.Backend(), err))
		}
		copied = append(copied, name)
		back, err := to.Get(name)
		if err != nil || back != v {
			return undo(fmt.Errorf("%s did not read back from the %s backend", name, to.Backend()))
		}
		if strings.HasPrefix(name, "v1:key:") {
			moved++
		}
	}
	var left []string
	for _, name := range copied {
		if err := from.Delete(name); err != nil && !errors.Is(err, keystore.ErrNotFound) {
			left = append(left, name)
		}
	}
	if len(left) == 0 {
		if f, ok := from.(*keystore.File); ok {
			// An empty file keystore would still be chosen by auto.
			f.Forget()
			for _, n := range []string{"keys.age", "identity.age", "lock"} {
				os.Remove(filepath.Join(f.Dir, n))
			}
			os.Remove(f.Dir)
		}
	}
	fmt.Fprintf(env.human(), "stscred: moved %d key%s from the %s backend to the %s backend\n", moved, plural(moved, "", "s"), from.Backend(), to.Backend())
	if len(left) > 0 {
		fmt.Fprintf(env.Stderr, "stscred: warning: %d entr%s could not be deleted from the %s backend (they are safely in %s too): %v\n",
			len(left), plural(len(left), "y", "ies"), from.Backend(), to.Backend(), left)
	}
	if c.To == "keyring" && env.backendName() == "file" {
		fmt.Fprintln(env.Stderr, "stscred: note: STSCRED_BACKEND=file still points at the file backend; unset it")
	}
	return nil
}

// migratable lists the entries to move: every entry when the store can
// list them; else the keys (and pending keys of interrupted rotations) of
// every profile the index or the config names, the index, and the cache's
// data key (so that cached sessions stay readable).
func migratable(env *Env, s keystore.Store) ([]string, error) {
	if l, ok := s.(keystore.Lister); ok {
		return l.Names()
	}
	set := map[string]bool{keystore.DataKeyName: true, keystore.IndexName: true}
	profiles, err := keystore.StoredProfiles(s)
	if err != nil {
		return nil, err
	}
	if f, err := env.Config(); err == nil {
		profiles = append(profiles, f.ProfileNames()...)
	}
	for _, p := range profiles {
		set[keystore.KeyName(p)] = true
		set[rotate.PendingName(p)] = true
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

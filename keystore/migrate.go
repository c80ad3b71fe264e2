package keystore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
)

// Migration is the result of Migrate.
type Migration struct {
	Keys  int      // long-term keys moved
	Moved []string // every entry moved (copied and read back), in order
	Left  []string // entries copied but not deleted from the source
}

// Migrate moves the entries from one store to the other: everything is
// copied and read back before anything is deleted, so a failure part way
// leaves the source as it was (and the copies are undone). names are the
// entries to move when from cannot list its own (see Migratable).
func Migrate(from, to Store, names []string) (Migration, error) {
	var res Migration
	var copied []string
	undo := func(cause error) (Migration, error) {
		for _, n := range copied {
			_ = to.Delete(n)
		}
		return Migration{}, hint.With(fmt.Errorf("nothing was moved: %w", cause),
			"the keys are still in the "+from.Backend()+" backend; fix the problem above and run stscred migrate again")
	}
	for _, name := range names {
		v, err := from.Get(name)
		if errors.Is(err, ErrNotFound) {
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
			res.Keys++
		}
	}
	res.Moved = copied
	for _, name := range copied {
		if err := from.Delete(name); err != nil && !errors.Is(err, ErrNotFound) {
			res.Left = append(res.Left, name)
		}
	}
	if f, ok := from.(*File); ok && len(res.Left) == 0 {
		// An empty file keystore would still be chosen by auto.
		f.Forget()
		for _, n := range []string{"keys.age", "identity.age", "lock"} {
			os.Remove(filepath.Join(f.Dir, n))
		}
		os.Remove(f.Dir)
	}
	return res, nil
}

// Migratable lists the entries to move from s: every entry when s can
// list them; else the keys (and the entries named by extra, per profile:
// e.g. a rotation's pending key) of every profile the index or profiles
// names, the index, and the cache's data key (so cached sessions stay
// readable).
func Migratable(s Store, profiles []string, extra func(profile string) string) ([]string, error) {
	if l, ok := s.(Lister); ok {
		return l.Names()
	}
	set := map[string]bool{DataKeyName: true, IndexName: true}
	stored, err := StoredProfiles(s)
	if err != nil {
		return nil, err
	}
	for _, p := range append(stored, profiles...) {
		set[KeyName(p)] = true
		if extra != nil {
			set[extra(p)] = true
		}
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

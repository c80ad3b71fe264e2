package accesskey

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/keystore"
)

// Lock makes sure no other stscred rotates profile's key at the same time:
// the second would resume the first's pending key under its feet. It does
// not wait: a rotation already under way is an error that says so.
func Lock(ctx context.Context, c *cache.Cache, profile string, pid int) (unlock func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var busy *cache.Holder
	lease, err := c.Lock(ctx, "v1:rotate:"+profile, cache.Holder{PID: pid, Profile: profile, Doing: "rotating the key of " + profile}, func(h cache.Holder) {
		busy = &h
		cancel()
	})
	if err != nil && busy != nil {
		return nil, hint.With(fmt.Errorf("stscred pid %d is already rotating the key of %s; nothing was changed", busy.PID, profile),
			"wait for it to finish; then stscred rotate "+profile+" --dry-run shows where things stand")
	}
	if err != nil {
		return nil, err
	}
	return lease.Unlock, nil
}

// Forget drops the cached sessions made with the replaced key of profile
// (and the roles signed with them) and records the new key's id; what
// fails is a warning on warn (the rotation itself succeeded).
func Forget(c *cache.Cache, profile string, k keystore.Key, now time.Time, warn io.Writer) {
	if _, err := c.DeleteWhere(func(h cache.Header) bool { return h.Involves(profile) }); err != nil {
		fmt.Fprintf(warn, "stscred: warning: could not drop the old key's cached sessions: %v\n", err)
	}
	if err := resolve.RememberKeyID(c, profile, k.AccessKeyID, now); err != nil {
		fmt.Fprintf(warn, "stscred: warning: could not update the session cache: %v\n", err)
	}
}

// Print says what the rotation did (or, for a dry run, would do); where
// names the keystore.
func (res Result) Print(w io.Writer, profile, where string, dryRun bool) {
	if dryRun {
		for _, step := range res.Plan {
			fmt.Fprintf(w, "stscred: dry run: would %s\n", step)
		}
		return
	}
	verb := "rotated"
	if res.Resumed {
		verb = "finished rotating"
	}
	fmt.Fprintf(w, "stscred: %s the access key of %s: %s → %s, stored in %s\n", verb, profile, keystore.MaskID(res.Old), keystore.MaskID(res.New), where)
	if res.OldDeleted {
		fmt.Fprintf(w, "stscred: the old key %s was deleted in IAM\n", keystore.MaskID(res.Old))
	} else {
		fmt.Fprintf(w, "stscred: the old key %s is inactive and kept in IAM; delete it when sure nothing needs it: aws iam delete-access-key --access-key-id %s\n", keystore.MaskID(res.Old), res.Old)
	}
	if res.State != nil {
		fmt.Fprintf(w, "stscred: %s\n", strings.ReplaceAll(res.State.String(), "\n", "\n  "))
	}
}

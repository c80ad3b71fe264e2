package listing_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/ops/listing"
	"github.com/stscred/stscred/internal/session/cache"
)

// The picker's rows: what the profile model says each profile is, the
// account taken from the cache when the config does not say it, and the
// time left of the latest cached credentials the profile would use (a
// tool profile's are its target's; federation entries are the console's).
func TestChoices(t *testing.T) {
	w := newWorld(t)
	headers := append(w.headers,
		cache.Header{Key: "v1:session:bob", Kind: cache.KindSession, Profile: "bob", Account: "999999999999", Expires: now.Add(3 * time.Hour)},
		cache.Header{Key: "v1:federation:bob", Kind: cache.KindFederation, Profile: "bob", Expires: now.Add(30 * time.Hour)})
	got := listing.Choices(w.m, []string{"prod", "alice", "bob", "prod-admin", "other", "broken", "dev", "legacy"}, headers)
	var lines []string
	for _, c := range got {
		lines = append(lines, fmt.Sprintf("%s %s %s %s %s", c.Profile, c.Kind, c.Account, c.What(), c.Left(now)))
	}
	want := []string{
		"prod tool 222222222222 Admin 2h05m left",
		"alice user 111111111111 session 42m left",
		"bob user 999999999999 session 3h00m left",
		"prod-admin role 222222222222 Admin 2h05m left",
		"other process  - -",
		"broken invalid  - -",
		"dev sso 111111111111 Dev -",
		"legacy sso 333333333333 ReadOnly -",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("choices:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	w.clock.Advance(4 * time.Hour)
	if left := got[0].Left(w.clock.Now()); left != "expired" {
		t.Errorf("after 4h, prod's credentials have %q, want expired", left)
	}
}

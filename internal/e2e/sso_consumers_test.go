//go:build linux && realworld

package e2e

import (
	"strings"
	"testing"
)

// runSSOConsumers has every consumer, twice, get profile's identity: it
// must be wantArn (or start with it, when prefix), signed with the key of
// one credential set, fetched by the first process start; later starts
// are served from stscred's cache. It returns the key id used.
func runSSOConsumers(t *testing.T, w *ssoWorld, profile, wantArn string, prefix bool) string {
	t.Helper()
	grc0 := w.grc()
	key := ""
	for round := 1; round <= 2; round++ {
		for _, c := range consumers(ssoAccount) {
			arn, k := c.run(t, w, profile)
			if arn != wantArn && !(prefix && strings.HasPrefix(arn, wantArn)) {
				t.Fatalf("%s: identity %s, want %s", c.name, arn, wantArn)
			}
			if key == "" {
				key = k
			}
			// The server verified the consumer's signature: it signed
			// GetCallerIdentity with the cached credentials' key.
			if k != key || lastRequestKey(w.world, "GetCallerIdentity") != key {
				t.Fatalf("%s (round %d) signed with %s (server saw %s), the first consumer with %s: not served from the cache",
					c.name, round, k, lastRequestKey(w.world, "GetCallerIdentity"), key)
			}
			if n := w.grc() - grc0; n != 1 {
				t.Fatalf("%s (round %d): %d GetRoleCredentials calls, want exactly the first process start's", c.name, round, n)
			}
		}
	}
	for _, r := range w.srv.Requests() {
		if r.Action == "GetCallerIdentity" && r.Code != "" {
			t.Fatalf("a consumer's GetCallerIdentity failed: %s", r.Code)
		}
	}
	return key
}

//go:build linux && realworld

package e2e

import (
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// stscred migrate moves an Identity Center sign-in with the keys: from
// the Secret Service (which cannot be listed) to the file keystore and
// back, the session stays signed in and no new sign-in is needed.
func TestSSOMigrate(t *testing.T) {
	w := newSSOWorld(t, "secret-service", ssotest.Options{}, ststest.Options{})
	w.login()
	first := w.decode(w.sc("role", "dev"))
	fileEnv := []string{"STSCRED_FILE_PASSPHRASE=" + filePassphrase}
	for _, to := range []string{"file", "keyring"} {
		if res := w.exec(fileEnv, w.bin, "migrate", "--to", to); res.code != 0 {
			t.Fatalf("migrate --to %s: %s", to, res)
		}
		// Without the cached credentials, the next call needs the token.
		if res := w.exec(fileEnv, w.bin, "clear"); res.code != 0 {
			t.Fatalf("clear: %s", res)
		}
		res := w.exec(fileEnv, w.bin, "role", "dev")
		if res.code != 0 {
			t.Fatalf("role dev after migrate --to %s: %s", to, res)
		}
		if !strings.Contains(w.exec(fileEnv, w.bin, "list").stdout, "signed in") {
			t.Fatalf("after migrate --to %s, list does not show corp signed in", to)
		}
	}
	if n := w.sso.Calls(ssotest.OpAuthorize); n != 1 {
		t.Fatalf("%d sign-ins in the browser; the migrations must keep the one there was", n)
	}
	if w.grc() != 3 || first.AccountID != ssoAccount {
		t.Fatalf("%d GetRoleCredentials, want 3 (one per clear)", w.grc())
	}
	if w.fileStore().Exists() {
		t.Fatal("the file keystore is still there after migrating back")
	}
}

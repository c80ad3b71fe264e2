//go:build linux && realworld

package e2e

import (
	"testing"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// Bad input around Identity Center, while signed in: each fails cleanly
// (non-zero, empty stdout, error and hint, no secret) and loses nothing:
// the sign-in still serves `role dev` afterwards without a new one.
func TestSSOBadInput(t *testing.T) {
	w := newSSOWorld(t, "file", ssotest.Options{}, ststest.Options{})
	w.writeConfig(ssoConfig + "[profile half]\nsso_session = corp\n" +
		"[profile elsewhere]\nsso_session = nowhere\nsso_account_id = " + ssoAccount + "\nsso_role_name = " + ssoRoleName + "\n" +
		"[profile console-long]\nsso_session = corp\nsso_account_id = " + ssoAccount + "\nsso_role_name = " + ssoRoleName + "\n")
	w.login()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sso", "login", "crop"}, "did you mean corp?"},
		{[]string{"sso", "logout", "crop"}, "has no [sso-session crop]"},
		{[]string{"sso", "accounts", "alice-nothere"}, "has no [sso-session alice-nothere]"},
		{[]string{"sso", "login", "dev-tools"}, "profile dev-tools does not sign in through IAM Identity Center"},
		{[]string{"sso", "login", "https://elsewhere.awsapps.com/start"}, "signs in at https://elsewhere.awsapps.com/start"},
		{[]string{"role", "half"}, "names no account and role"},
		{[]string{"role", "elsewhere"}, "has no [sso-session nowhere]"},
		{[]string{"console", "console-long", "--url", "--duration", "13h"}, "longer than the console's 12 hours"},
	} {
		w.assertCleanFailure(w.sc(c.args...), c.want)
	}
	if len(w.opened()) != 1 {
		t.Fatalf("the bad input opened the browser: %q", w.opened())
	}
	before := w.sso.Calls(ssotest.OpAuthorize)
	w.decode(w.sc("role", "dev"))
	if w.sso.Calls(ssotest.OpAuthorize) != before || w.grc() != 1 {
		t.Fatalf("after the bad input: %d sign-ins, %d GetRoleCredentials", w.sso.Calls(ssotest.OpAuthorize), w.grc())
	}
}

//go:build linux && realworld

package e2e

import (
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// doctor says of each SSO profile whether its session is signed in (from
// the keystore, without a call to Identity Center), and fails one that
// names no account and role.
func TestSSODoctorProfiles(t *testing.T) {
	w := newSSOWorld(t, "file", ssotest.Options{}, ststest.Options{})
	line := func(res result, prefix string) string {
		for _, l := range strings.Split(res.stdout, "\n") {
			if strings.Contains(l, prefix) {
				return l
			}
		}
		t.Fatalf("doctor has no line about %q:\n%s", prefix, res)
		return ""
	}
	about := "profile dev: role " + ssoRoleName + " in account " + ssoAccount + " through IAM Identity Center session corp"
	res := w.sc("doctor", "--profile", "dev")
	if l := line(res, about); !strings.HasPrefix(l, "! ") || !strings.HasSuffix(l, ": not signed in") || !strings.Contains(res.stdout, "hint: run: stscred sso login corp") {
		t.Fatalf("doctor before sign-in: %q\n%s", l, res)
	}
	w.login()
	before := w.sso.Calls(ssotest.AnyOp)
	res = w.sc("doctor", "--profile", "dev")
	if l := line(res, about); !strings.HasPrefix(l, "✓ ") || !strings.Contains(l, "signed in, ") {
		t.Fatalf("doctor after sign-in: %q\n%s", l, res)
	}
	if n := w.sso.Calls(ssotest.AnyOp) - before; n != 0 {
		t.Fatalf("doctor made %d Identity Center calls", n)
	}
	w.writeConfig(ssoConfig + "[profile half]\nsso_session = corp\n")
	res = w.sc("doctor", "--profile", "half")
	if l := line(res, "profile half signs in through IAM Identity Center session corp but names no account and role"); !strings.HasPrefix(l, "✗ ") || res.code != 1 {
		t.Fatalf("doctor of a profile without account and role: %q (exit %d)\n%s", l, res.code, res)
	}
}

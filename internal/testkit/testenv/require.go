package testenv

import (
	"os"
	"testing"
)

// InCI reports whether the tests run in CI (.ci/run sets CI=true), where
// nothing may be skipped.
func InCI() bool { return os.Getenv("CI") == "true" }

// Require skips t with why when ok is false, except in CI, where it fails:
// a test that needs a real component (root, a Secret Service, a shell)
// proves nothing when it does not run, and CI must prove everything.
func Require(t testing.TB, ok bool, why string) {
	t.Helper()
	if ok {
		return
	}
	if InCI() {
		t.Fatalf("required in CI: %s", why)
	}
	t.Skip(why)
}

//go:build !linux && realworld

package e2e

import "testing"

// The end-to-end tests drive a real Secret Service (gnome-keyring on
// D-Bus), the kernel keyring, real shells on a pty and the Debian AWS CLI:
// Linux, in CI. Elsewhere they report themselves skipped.
func TestEndToEndNeedsLinux(t *testing.T) {
	t.Skip("the end-to-end tests need Linux (gnome-keyring on D-Bus, keyctl, bash/zsh/fish on a pty, the AWS CLI); CI runs them")
}

package identitycenter

import (
	"strings"

	"github.com/stscred/stscred/internal/base/iamname"
)

// The shapes of names the config and the portal give, checked by hand:
// a package-level regexp would be compiled at every start of stscred,
// a cache hit's included.

// isRegion reports whether s looks like a region name: two letters, one
// or more dash-separated words, a dash and a number (eu-west-1,
// us-gov-west-1).
func isRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) != 2 || !all(parts[0], isLower) || !all(parts[len(parts)-1], isDigit) {
		return false
	}
	for _, p := range parts[1 : len(parts)-1] {
		if !all(p, isLower) {
			return false
		}
	}
	return true
}

// isAccountID reports whether s is 12 digits.
func isAccountID(s string) bool { return len(s) == 12 && all(s, isDigit) }

// isRoleName reports whether s can be a permission set's name: 1 to 64
// letters, digits and _+=,.@-.
func isRoleName(s string) bool {
	return iamname.Valid(s, 1, 64, iamname.Marks)
}

// profileWord turns s into a profile name's characters: lowercased, each
// run of anything but a-z 0-9 . _ - made one dash, no dash at either end.
func profileWord(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r < 128 && (isLower(r) || isDigit(r) || r == '.' || r == '_' || r == '-') {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

func all(s string, ok func(rune) bool) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

func isLower(r rune) bool { return r >= 'a' && r <= 'z' }
func isDigit(r rune) bool { return r >= '0' && r <= '9' }

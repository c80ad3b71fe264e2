// Package iamname knows the characters AWS takes in IAM and STS names
// (role session names, federated user names, permission sets, external
// ids): letters, digits and _, plus a few punctuation marks that depend on
// the name. Imports nothing of stscred's.
package iamname

import "strings"

// Marks are the punctuation marks most IAM and STS names take besides
// letters, digits and _.
const Marks = "+=,.@-"

// Valid reports whether s is min to max of letters, digits, _ and the
// characters of extra.
func Valid(s string, min, max int, extra string) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, r := range s {
		if !wordChar(r) && !strings.ContainsRune(extra, r) {
			return false
		}
	}
	return true
}

// Mapped is s with every character no IAM name takes ([\w+=,.@-]) made
// '-'.
func Mapped(s string) string {
	var b strings.Builder
	for _, r := range s {
		if wordChar(r) || strings.ContainsRune(Marks, r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

func wordChar(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

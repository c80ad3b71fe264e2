package ststest

import "testing"

func TestStringLike(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"repo:org/app:ref:refs/heads/main", "repo:org/app:ref:refs/heads/main", true},
		{"repo:org/app:ref:refs/heads/main", "repo:org/app:ref:refs/heads/mainx", false},
		{"repo:org/app:*", "repo:org/app:ref:refs/heads/main", true},
		{"repo:org/app:*", "repo:org/app:", true},
		{"repo:org/app:*", "repo:org/other:ref:refs/heads/main", false},
		{"repo:org/*:environment:prod", "repo:org/app:environment:prod", true},
		{"repo:org/*:environment:prod", "repo:org/app:environment:staging", false},
		{"*", "", true},
		{"", "", true},
		{"", "x", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*a*b", "xxaxxbxxb", true},
		{"*a*b", "xxaxxbxxc", false},
		{"système:*", "système:ci", true},
	} {
		if got := like(tc.pattern, tc.s); got != tc.want {
			t.Errorf("like(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

// TestNameQualifier follows the API reference's pseudocode,
// BASE64 ( SHA1 ( "https://example.com/saml" + "123456789012" + "/MySAMLIdP" ) ),
// whose value was computed independently (openssl dgst -sha1 -binary | base64).
func TestNameQualifier(t *testing.T) {
	if got, want := nameQualifier("https://example.com/saml", "123456789012", "MySAMLIdP"), "1uAJanUnBc2XeUkHURMht+xam2c="; got != want {
		t.Errorf("nameQualifier = %s, want %s", got, want)
	}
}

package identitycenter

import "testing"

func TestNameShapes(t *testing.T) {
	for s, want := range map[string]bool{
		"eu-west-1": true, "us-gov-west-1": true, "ap-southeast-2": true, "cn-north-1": true,
		"": false, "eu": false, "eu-west": false, "EU-west-1": false, "eu-west-x": false, "eu--1": false,
		"eu-west-1.evil.com": false, "e-west-1": false, "eu-west-1-": false,
	} {
		if isRegion(s) != want {
			t.Errorf("isRegion(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{"111111111111": true, "11111111111": false, "1111111111111": false, "11111111111a": false} {
		if isAccountID(s) != want {
			t.Errorf("isAccountID(%q) = %v", s, !want)
		}
	}
	long := "a123456789b123456789c123456789d123456789e123456789f123456789g123"
	for s, want := range map[string]bool{"Developer": true, "Admin_+=,.@-1": true, long: true, long + "4": false, "": false, "a b": false, "a\nb": false, "é": false} {
		if isRoleName(s) != want {
			t.Errorf("isRoleName(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]string{"Dev Team-Developer": "dev-team-developer", "  a//b  ": "a-b", "x.y_z": "x.y_z", "Ünï": "n"} {
		if got := profileWord(s); got != want {
			t.Errorf("profileWord(%q) = %q, want %q", s, got, want)
		}
	}
}

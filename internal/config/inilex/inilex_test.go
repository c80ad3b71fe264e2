package inilex

import "testing"

func TestCleanValue(t *testing.T) {
	for in, want := range map[string]string{
		"  eu-west-1  ":            "eu-west-1",
		"eu-west-1 # the main one": "eu-west-1",
		"eu-west-1\t; note":        "eu-west-1",
		"a#b":                      "a#b",
		"#x":                       "#x",
		"\v value \f":              "value",
		"":                         "",
	} {
		if got := CleanValue(in); got != want {
			t.Errorf("CleanValue(%q) = %q, want %q", in, got, want)
		}
	}
}

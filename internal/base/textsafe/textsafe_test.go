package textsafe

import "testing"

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"prod-admin":                     "prod-admin",
		"x\nstscred: hint: run rm -rf ~": `x\nstscred: hint: run rm -rf ~`,
		"\x1b]0;pwned\x07":               `\x1b]0;pwned\x07`,
		"a\u202eb":                       `a\u202eb`,
		"tab\there":                      `tab\there`,
		"\xff":                           `\xff`,
		"é ü 日本":                         "é ü 日本",
		"c1\u009b31m":                    `c1\x9b31m`,
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Lines("one\n\ttwo\x1b[2J"); got != "one\n\ttwo\\x1b[2J" {
		t.Errorf("Lines = %q", got)
	}
}

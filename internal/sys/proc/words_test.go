package proc

import (
	"slices"
	"testing"
)

func TestSplitPosix(t *testing.T) {
	for line, want := range map[string][]string{
		"oathtool --totp -b SEED":          {"oathtool", "--totp", "-b", "SEED"},
		`'/opt/my tools/x' "a b" c\ d`:     {"/opt/my tools/x", "a b", "c d"},
		`"say \"hi\" \$HOME" 'it''s'`:      {`say "hi" $HOME`, "its"},
		`C:\tools\code.exe`:                {"C:toolscode.exe"}, // a shell's escapes: why Windows splits its own way
		"  a\t\tb\n":                       {"a", "b"},
		"":                                 nil,
		`''`:                               {""},
		`firefox --new-window %s`:          {"firefox", "--new-window", "%s"},
		`env A=1 "prog" 'x y'`:             {"env", "A=1", "prog", "x y"},
		`sh -c 'echo $0 >&2; exit 3' seed`: {"sh", "-c", "echo $0 >&2; exit 3", "seed"},
	} {
		if got := SplitPosix(line); !slices.Equal(got, want) {
			t.Errorf("SplitPosix(%q) = %q, want %q", line, got, want)
		}
	}
}

// windowsCases are lines and their words by CommandLineToArgvW's rules;
// words_windows_test.go checks them against Windows' own
// CommandLineToArgvW too.
var windowsCases = []struct {
	line string
	want []string
}{
	{`C:\tools\code.exe /a`, []string{`C:\tools\code.exe`, "/a"}},
	{`"C:\Program Files\Mozilla Firefox\firefox.exe" -P work %s`, []string{`C:\Program Files\Mozilla Firefox\firefox.exe`, "-P", "work", "%s"}},
	{`C:\Users\me\AppData\Local\Chromium\Application\chrome.exe --profile-directory="Profile 1"`, []string{`C:\Users\me\AppData\Local\Chromium\Application\chrome.exe`, "--profile-directory=Profile 1"}},
	{`prog C:\a\b "C:\dir with blank\\" x`, []string{"prog", `C:\a\b`, `C:\dir with blank\`, "x"}},
	{`prog a\\\"b "c\"d" e\\\\"f g"`, []string{"prog", `a\"b`, `c"d`, `e\\f g`}},
	{`prog "a""b"`, []string{"prog", `a"b`}},
	{`prog """"`, []string{"prog", `"`}},
	{`prog "" x`, []string{"prog", "", "x"}},
	{`prog 'single quoted' x`, []string{"prog", "'single", "quoted'", "x"}},
	{"prog\ta  \t b", []string{"prog", "a", "b"}},
	{`"C:\unterminated prog`, []string{`C:\unterminated prog`}},
	{`prog "unterminated arg`, []string{"prog", "unterminated arg"}},
	{`C:\a"b\c.exe x`, []string{`C:\a"b\c.exe`, "x"}}, // the program's quotes are its own
	{`stscred.exe role prod-admin`, []string{"stscred.exe", "role", "prod-admin"}},
}

func TestSplitWindows(t *testing.T) {
	for _, c := range windowsCases {
		if got := SplitWindows(c.line); !slices.Equal(got, c.want) {
			t.Errorf("SplitWindows(%q) = %q, want %q", c.line, got, c.want)
		}
	}
	for _, line := range []string{"", " \t "} {
		if got := SplitWindows(line); got != nil {
			t.Errorf("SplitWindows(%q) = %q, want no words", line, got)
		}
	}
	if got := SplitWindows(`  C:\x.exe y`); !slices.Equal(got, []string{`C:\x.exe`, "y"}) {
		t.Errorf("leading blanks: %q", got)
	}
}

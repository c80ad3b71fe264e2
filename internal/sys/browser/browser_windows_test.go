package browser

import (
	"slices"
	"testing"
)

// On Windows a browser's path keeps its backslashes, in --browser and in
// $BROWSER (whose list is separated by semicolons there, as PATH is).
func TestBrowserPathKeepsBackslashes(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	found := func(string) (string, error) { return `C:\x.exe`, nil }
	const u = "http://127.0.0.1:1/stscred/open"
	for _, tc := range []struct {
		name string
		b    Browser
		want []string
	}{
		{"--browser, quoted", Browser{Command: `"C:\Program Files\Mozilla Firefox\firefox.exe" -P work %s`, Getenv: env(nil), GOOS: "windows", LookPath: found},
			[]string{`C:\Program Files\Mozilla Firefox\firefox.exe`, "-P", "work", u}},
		{"--browser, bare", Browser{Command: `C:\tools\browser.exe --new-window`, Getenv: env(nil), GOOS: "windows", LookPath: found},
			[]string{`C:\tools\browser.exe`, "--new-window", u}},
		{"$BROWSER list", Browser{Getenv: env(map[string]string{"BROWSER": `C:\tools\browser.exe;C:\other\b.exe`}), GOOS: "windows", LookPath: found},
			[]string{`C:\tools\browser.exe`, u}},
	} {
		op, err := tc.b.opener(wsl{})
		var got []string
		if err == nil {
			got = fill(op.words, u)
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q %v, want %q", tc.name, got, err, tc.want)
		}
	}
}

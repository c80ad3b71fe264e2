package browser

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/base/hint"
)

// The placeholder is filled after the command line is split: the value is
// one argument whatever it holds.
func TestFillPlaceholder(t *testing.T) {
	const v = `http://127.0.0.1:1/x?a=1&b='2' "$(touch pwned)" ; |$HOME %s%%`
	for _, tc := range []struct {
		words, want []string
	}{
		{[]string{"firefox"}, []string{"firefox", v}},
		{[]string{"firefox", "--new-tab"}, []string{"firefox", "--new-tab", v}},
		{[]string{"chrome", "--app=%s", "--x"}, []string{"chrome", "--app=" + v, "--x"}},
		{[]string{"b", "%s", "again:%s"}, []string{"b", v, "again:" + v}},
		{[]string{"b", "--zoom=100%%", "%s"}, []string{"b", "--zoom=100%", v}},
		{[]string{"b", "100%%s", "--p=%d"}, []string{"b", "100%s", "--p=%d", v}},
		{[]string{"b", "50%"}, []string{"b", "50%", v}},
	} {
		if got := fill(tc.words, v); strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") {
			t.Errorf("fill(%q) = %q, want %q", tc.words, got, tc.want)
		}
	}
}

// The container add-ons' URL, exactly: name and URL query-escaped, as
// both add-ons read them (URLSearchParams).
func TestContainerURL(t *testing.T) {
	const link = "http://127.0.0.1:4567/stscred/open"
	for _, tc := range []struct{ addon, name, want string }{
		{"", "work", "ext+container:name=work&url=http%3A%2F%2F127.0.0.1%3A4567%2Fstscred%2Fopen"},
		{AddonOpenURLInContainer, "Prod Admin", "ext+container:name=Prod+Admin&url=http%3A%2F%2F127.0.0.1%3A4567%2Fstscred%2Fopen"},
		{AddonGranted, "prod-admin", "ext+granted-containers:name=prod-admin&url=http%3A%2F%2F127.0.0.1%3A4567%2Fstscred%2Fopen"},
		{"", "a&url=https://evil.example/", "ext+container:name=a%26url%3Dhttps%3A%2F%2Fevil.example%2F&url=http%3A%2F%2F127.0.0.1%3A4567%2Fstscred%2Fopen"},
	} {
		if got := containerURL(tc.addon, tc.name, link); got != tc.want {
			t.Errorf("containerURL(%q, %q) = %q, want %q", tc.addon, tc.name, got, tc.want)
		}
		// Read back as the add-on reads it: the name and the URL as given.
		q, _ := url.ParseQuery(strings.SplitN(tc.want, ":", 2)[1])
		if q.Get("name") != tc.name || q.Get("url") != link || len(q) != 2 {
			t.Errorf("%q reads back as %v", tc.want, q)
		}
	}
	// The console's URL (a token full of escapes) survives its round trip.
	const console = "https://signin.aws.amazon.com/federation?Action=login&Issuer=stscred&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=a%2Bb%3D"
	b := Browser{Container: "work"}
	q, _ := url.ParseQuery(strings.TrimPrefix(b.ContainerURL(console), "ext+container:"))
	if q.Get("url") != console {
		t.Errorf("the console URL reads back as %q", q.Get("url"))
	}
	for _, name := range []string{"", "open-url-in-container", "granted"} {
		if _, err := Addon(name); err != nil {
			t.Errorf("Addon(%q): %v", name, err)
		}
	}
	if _, err := Addon("multi-account-containers"); err == nil {
		t.Error("an unknown add-on accepted")
	}
}

// With a container, the browser is Firefox (not the system's opener,
// which knows nothing of the add-on's scheme), unless one is named.
func TestContainerBrowserChoice(t *testing.T) {
	on := func(names ...string) func(string) (string, error) {
		return func(p string) (string, error) {
			for _, n := range names {
				if p == n {
					return p, nil
				}
			}
			return "", errors.New("not found")
		}
	}
	x := map[string]string{"DISPLAY": ":0"}
	for _, tc := range []struct {
		name string
		b    Browser
		want []string
		err  error
	}{
		{"Linux", Browser{GOOS: "linux", Getenv: vars(x), LookPath: on("xdg-open", "firefox")}, []string{"firefox"}, nil},
		{"Debian's ESR", Browser{GOOS: "linux", Getenv: vars(x), LookPath: on("xdg-open", "firefox-esr")}, []string{"firefox-esr"}, nil},
		{"no Firefox", Browser{GOOS: "linux", Getenv: vars(x), LookPath: on("xdg-open", "chromium")}, nil, errNoFirefox},
		{"macOS", Browser{GOOS: "darwin", Getenv: vars(nil), LookPath: on()}, []string{"open", "-a", "Firefox"}, nil},
		{"Windows", Browser{GOOS: "windows", Getenv: vars(map[string]string{"ProgramFiles": `C:\Program Files`}), LookPath: on(`C:\Program Files\Mozilla Firefox\firefox.exe`)}, []string{`C:\Program Files\Mozilla Firefox\firefox.exe`}, nil},
		{"--browser wins", Browser{Command: "firefox -P work", GOOS: "linux", Getenv: vars(x), LookPath: on()}, []string{"firefox", "-P", "work"}, nil},
		{"$BROWSER wins", Browser{GOOS: "linux", Getenv: vars(map[string]string{"BROWSER": "librewolf"}), LookPath: on()}, []string{"librewolf"}, nil},
	} {
		tc.b.Container = "work"
		op, err := tc.b.opener(detectWSL(tc.b.GOOS, tc.b.Getenv, nil))
		if !errors.Is(err, tc.err) || strings.Join(op.words, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: %q %v, want %q %v", tc.name, op.words, err, tc.want, tc.err)
		}
	}
}

// A command line that starts with the placeholder is refused by Check
// (which commands call before they sign in), naming where it came from,
// with a hint; a command that can run passes, and so does none at all.
func TestCheckCommand(t *testing.T) {
	env := func(browser string) func(string) string {
		return func(k string) string {
			if k == "BROWSER" {
				return browser
			}
			return ""
		}
	}
	for _, tc := range []struct {
		command, browserEnv, want string
	}{
		{"", "", ""},
		{"firefox -P work %s", "", ""},
		{`google-chrome --profile-directory="Profile 1" %s`, "%s", ""},
		{"", "chromium --profile-directory=Work %s:firefox", ""},
		{"%s --new-tab", "", "--browser: cannot run the browser command"},
		{`"%s"`, "firefox", "--browser: cannot run the browser command"},
		{"", "%s:firefox", "$BROWSER: cannot run the browser command"},
	} {
		b := Browser{Command: tc.command, Getenv: env(tc.browserEnv)}
		err := b.Check()
		if tc.want == "" {
			if err != nil {
				t.Errorf("--browser %q, $BROWSER %q: %v", tc.command, tc.browserEnv, err)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.Is(err, errPlaceholderFirst) || len(hint.Of(err)) != 1 {
			t.Errorf("--browser %q, $BROWSER %q: %v (hints %q), want %q...", tc.command, tc.browserEnv, err, hint.Of(err), tc.want)
		}
		// Open refuses it the same way, starting nothing.
		if _, oerr := b.opener(wsl{}); oerr == nil || oerr.Error() != err.Error() {
			t.Errorf("opener: %v, want %v", oerr, err)
		}
	}
}

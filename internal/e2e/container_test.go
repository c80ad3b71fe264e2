//go:build linux && realworld

package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

// console --container (issue 25): Firefox is given the container add-on's
// URL, name=NAME&url=URL both query-escaped, around stscred's one-time
// link; the add-on opens the link in the container and the link sends it
// to the sign-in URL. The stand-in Firefox (first on PATH, found as
// `firefox` is) takes the URL apart as the add-on does and follows the link.
func TestConsoleInAFirefoxContainer(t *testing.T) {
	curl := requireTool(t, "curl", "curl")
	w := newWorldOn(t, "file", ststest.Options{})
	w.addAlice()
	dir := t.TempDir()
	record := filepath.Join(dir, "opened")
	script := "#!/bin/bash\n{ printf '%s\\n' \"$#\"; for a in \"$@\"; do printf '%s\\n' \"$a\"; done; } >> '" + record + ".raw'\n" +
		`for a in "$@"; do case $a in ext+*) q=${a#ext+*:} ;; esac; done` + "\n" +
		`enc=${q##*&url=}` + "\n" +
		`link=$(printf '%b' "${enc//%/\\x}")` + "\n" +
		`to=$('` + curl + `' -sS -o /dev/null -w '%{redirect_url}' --max-time 60 "$link")` + "\n" +
		`printf '1\n%s\n' "$to" >> '` + record + "'\n"
	if err := os.WriteFile(filepath.Join(dir, "firefox"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	path := "PATH=" + dir + ":" + w.binDir + ":/usr/local/bin:/usr/bin:/bin"
	for i, tc := range []struct {
		args   []string
		env    []string
		scheme string
		name   string
		before []string // Firefox's arguments before the URL
	}{
		{[]string{"--container", "prod admin"}, nil, "ext+container", "prod+admin", nil},
		{[]string{"--container", "prod-admin", "--container-addon", "granted"}, nil, "ext+granted-containers", "prod-admin", nil},
		{[]string{"--container", "prod-admin"}, []string{"STSCRED_CONTAINER_ADDON=granted"}, "ext+granted-containers", "prod-admin", nil},
		// A Firefox profile named, the URL where %s is; a container name
		// with what a shell would take as code stays data.
		{[]string{"--container", `it's $(touch pwned) & "that"`, "--browser", `firefox -P "work profile" --new-tab %s --x`}, nil,
			"ext+container", url.QueryEscape(`it's $(touch pwned) & "that"`), []string{"-P", "work profile", "--new-tab"}},
	} {
		env := append([]string{path, fedEnv(w), "STSCRED_MFA_TOKEN=" + w.code(), "BROWSER=", "DISPLAY=:0"}, tc.env...)
		res := w.stscredEnv(env, append([]string{"console", "prod-admin"}, tc.args...)...)
		if res.code != 0 || res.stdout != "" {
			t.Fatalf("console %q: %s", tc.args, res)
		}
		raw := opened(t, record+".raw")
		calls := opened(t, record)
		want := len(tc.before) + 1
		if tc.before != nil {
			want++ // --x after the URL
		}
		if len(raw) != i+1 || len(raw[i]) != want || strings.Join(raw[i][:len(tc.before)], "|") != strings.Join(tc.before, "|") || len(calls) != i+1 {
			t.Fatalf("Firefox calls %q", raw)
		}
		given := raw[i][len(tc.before)]
		prefix := tc.scheme + ":name=" + tc.name + "&url="
		link, err := url.QueryUnescape(strings.TrimPrefix(given, prefix))
		if !strings.HasPrefix(given, prefix) || err != nil || !isLink(link) || given != prefix+url.QueryEscape(link) {
			t.Fatalf("Firefox was given %q, want %s<the one-time link, escaped>", given, prefix)
		}
		s := parseSignIn(t, w, calls[i][0])
		assertNoToken(t, w, "Firefox's command line", given)
		follow(t, w, s, consoleHome)
	}
	if _, err := os.Stat(filepath.Join(w.home, "pwned")); err == nil {
		t.Fatal("the container name ran as code")
	}
	// --url with a container prints the add-on's URL around the sign-in URL.
	res := w.stscredEnv([]string{fedEnv(w)}, "console", "prod-admin", "--url", "--container", "prod-admin")
	line := urlLine(t, res)
	q, err := url.ParseQuery(strings.TrimPrefix(line, "ext+container:"))
	if !strings.HasPrefix(line, "ext+container:name=prod-admin&url="+url.QueryEscape(w.url)) || err != nil || q.Get("name") != "prod-admin" {
		t.Fatalf("console --url --container printed %q", line)
	}
	follow(t, w, parseSignIn(t, w, q.Get("url")), consoleHome)
	// An add-on stscred does not know is refused before any sign-in.
	signIns := w.srv.Calls("getSigninToken")
	defer func() {
		if n := w.srv.Calls("getSigninToken"); n != signIns {
			t.Errorf("%d sign-in tokens fetched for an unknown add-on", n-signIns)
		}
	}()
	res = w.stscredEnv([]string{fedEnv(w)}, "console", "prod-admin", "--container", "x", "--container-addon", "containerise")
	w.assertCleanFailure(res, `--container-addon: "containerise" is no container add-on stscred knows`)
	res = w.stscredEnv([]string{fedEnv(w), "STSCRED_CONTAINER_ADDON=containerise"}, "console", "prod-admin", "--container", "x")
	w.assertCleanFailure(res, `STSCRED_CONTAINER_ADDON: "containerise" is no container add-on stscred knows`)
}

// A --browser (or $BROWSER) command that starts with the placeholder
// cannot run: console refuses it before it signs in (no MFA code used, no
// STS call, no sign-in token), naming where it came from.
func TestConsoleBrowserCommandCheckedBeforeSignIn(t *testing.T) {
	w := newWorldOn(t, "file", ststest.Options{})
	w.addAlice()
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"--browser", "%s --new-tab"}, "--browser: cannot run the browser command"},
		{[]string{"BROWSER=%s:firefox"}, nil, "$BROWSER: cannot run the browser command"},
		{nil, []string{"--container", "prod", "--browser", `"%s" -P work`}, "--browser: cannot run the browser command"},
	} {
		gst, ar, _ := w.counts()
		tokens := w.srv.Calls("getSigninToken")
		res := w.stscredEnv(append([]string{fedEnv(w), "STSCRED_MFA_TOKEN=" + w.code()}, tc.env...),
			append([]string{"console", "prod-admin"}, tc.args...)...)
		w.assertCleanFailure(res, tc.want)
		if g, a, _ := w.counts(); g != gst || a != ar || w.srv.Calls("getSigninToken") != tokens {
			t.Fatalf("console %q signed in before refusing the browser command: %s", tc.args, res)
		}
	}
}

//go:build linux && realworld

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/signintest"
	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// A real browser (Debian's Chromium, headless) as the user's: given
// stscred's one-time link on its command line, it follows it through the
// stand-in's authorize redirect to stscred's listener, and shows stscred's
// page. On failure the page is kept as a screenshot.

// headlessBrowser writes a browser command for $BROWSER / --browser: it
// loads its URL in headless Chromium (a fresh profile, no background
// networking: the machine's network is closed) and writes the page it
// ends on to dom.
func headlessBrowser(t *testing.T) (browser, dom string) {
	t.Helper()
	chromium := requireTool(t, "chromium", "chromium")
	dir := t.TempDir()
	browser, dom = filepath.Join(dir, "chromium-headless"), filepath.Join(dir, "dom.html")
	// Chromium keeps a socket under TMPDIR, whose path must be short.
	script := "#!/bin/sh\nd=$(mktemp -d /tmp/chr.XXXXXX)\nTMPDIR=$d '" + chromium + "' " + strings.Join(chromiumFlags(filepath.Join(dir, "profile")), " ") +
		" --dump-dom \"$1\" > '" + dom + "' 2> '" + filepath.Join(dir, "chromium.log") + "'\nrc=$?\nrm -rf \"$d\"\necho $rc > '" + dom + ".done'\nexit $rc\n"
	if err := os.WriteFile(browser, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	// stscred is done once the browser has reached its listener; Chromium
	// goes on to write the page and its profile as it ends. The test's
	// directory goes only once it has (cleanups run last first).
	t.Cleanup(func() { browserDone(t, dom) })
	return browser, dom
}

// browserDone waits until the headless browser that writes dom has ended
// (if it was started at all: a test that failed before may not have).
func browserDone(t *testing.T, dom string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(filepath.Dir(dom), "chromium.log")); err != nil {
		return // never started
	}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(dom + ".done"); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("the headless browser did not end within 2m")
			return
		}
	}
}

func chromiumFlags(profile string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--window-size=900,600", "--user-data-dir=" + profile}
}

// keepScreenshot renders the page the browser ended on to a PNG kept
// after the test (its path is logged), for a test that failed.
func keepScreenshot(t *testing.T, dom string) {
	t.Helper()
	if !t.Failed() {
		return
	}
	dir := filepath.Join(os.TempDir(), "stscred-e2e-screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	png := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".png")
	args := append(chromiumFlags(t.TempDir()), "--screenshot="+png, "file://"+dom)
	cmd := exec.Command("chromium", args...)
	cmd.Env = append(os.Environ(), "TMPDIR=/tmp") // its socket's path must be short
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Logf("no screenshot: %v\n%s", err, out)
		return
	}
	t.Logf("the page the browser ended on: %s", png)
}

// checkSignedInPage fails unless the browser ended on stscred's page
// saying the sign-in went through, and holds none of the sign-in's
// secrets (what is on the page is the user's to see, but stscred's page
// has nothing of them).
func checkSignedInPage(t *testing.T, dom string, secrets []string) {
	t.Helper()
	browserDone(t, dom) // the page is written as Chromium ends
	b, err := os.ReadFile(dom)
	if err != nil {
		t.Fatalf("the browser wrote no page: %v", err)
	}
	page := string(b)
	if !strings.Contains(page, "Signed in to stscred. You can close this window.") {
		t.Fatalf("the browser ended on another page:\n%s", page)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(page, s) {
			t.Fatal("stscred's page shows a secret")
		}
	}
}

// sso login with Chromium as the browser.
func TestRealBrowserSSOLogin(t *testing.T) {
	w := newSSOWorld(t, "file", ssotest.Options{}, ststest.Options{})
	browser, dom := headlessBrowser(t)
	defer keepScreenshot(t, dom)
	res := w.sc("sso", "login", "corp", "--browser", browser)
	if res.code != 0 || !strings.Contains(res.stderr, "stscred: signed in to corp until ") {
		t.Fatalf("sso login with Chromium: %s", res)
	}
	signIn, _ := w.ssoSecrets()
	checkSignedInPage(t, dom, signIn)
	if n := w.sso.Successes(ssotest.GrantOp(ssotest.GrantAuthorizationCode)); n != 1 {
		t.Fatalf("%d authorization_code grants", n)
	}
}

// stscred login with Chromium as the browser: the one-time link, AWS
// Sign-In's authorize redirect, stscred's listener and its page.
func TestRealBrowserLogin(t *testing.T) {
	w := newLoginWorld(t, "file", signintest.Options{})
	browser, dom := headlessBrowser(t)
	defer keepScreenshot(t, dom)
	res := w.sc("login", "alice", "--browser", browser)
	if res.code != 0 || !strings.Contains(res.stderr, "stscred: signed in profile alice as "+loginARN) {
		t.Fatalf("login with Chromium: %s", res)
	}
	signIn, creds := w.loginSecrets()
	checkSignedInPage(t, dom, append(signIn, creds...))
	if w.codeGrants() != 1 {
		t.Fatalf("%d authorization_code grants", w.codeGrants())
	}
	c := w.decode(w.sc("session", "alice"))
	if c.AccountID == "" || w.refreshes() != 0 {
		t.Fatalf("after the sign-in: account %q, %d renewals", c.AccountID, w.refreshes())
	}
}

// console with Chromium in a named profile (issue 25): --browser is a
// command line with the %s placeholder, split as a shell splits it, so
// the quoted profile name stays one argument; Chromium is given the
// one-time link there (never the sign-in URL), follows it to the
// federation endpoint, which signs it in, and keeps its state in the
// profile named.
func TestRealBrowserConsoleInAChromiumProfile(t *testing.T) {
	chromium := requireTool(t, "chromium", "chromium")
	w := newWorldOn(t, "file", ststest.Options{})
	w.addAlice()
	dir := t.TempDir()
	script, record, data := filepath.Join(dir, "chromium-headless"), filepath.Join(dir, "opened"), filepath.Join(dir, "data")
	dom, done := filepath.Join(dir, "dom.html"), filepath.Join(dir, "done")
	body := "#!/bin/sh\n{ printf '%s\\n' \"$#\"; for a in \"$@\"; do printf '%s\\n' \"$a\"; done; } >> '" + record + "'\n" +
		"d=$(mktemp -d /tmp/chr.XXXXXX)\nTMPDIR=$d '" + chromium + "' " + strings.Join(chromiumFlags(data), " ") +
		" --dump-dom \"$@\" > '" + dom + "' 2> '" + filepath.Join(dir, "chromium.log") + "'\nrc=$?\nrm -rf \"$d\"\n" +
		"echo $rc > '" + done + "'\nexit $rc\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	// Chromium may still be loading (the console's own page, which is
	// unreachable here) when stscred ends: wait for it before cleaning up.
	t.Cleanup(func() { waitFor(t, func() bool { _, err := os.Stat(done); return err == nil }) })
	before := len(w.srv.Logins())
	res := w.stscredEnv([]string{fedEnv(w), "STSCRED_MFA_TOKEN=" + w.code()},
		"console", "prod-admin", "--browser", script+` --profile-directory="Work profile" %s`)
	if res.code != 0 || res.stdout != "" || !strings.Contains(res.stderr, "stscred: console session of prod-admin as "+adminRole) {
		t.Fatalf("console with Chromium: %s", res)
	}
	raw := opened(t, record)
	if len(raw) != 1 || len(raw[0]) != 2 || raw[0][0] != "--profile-directory=Work profile" || !isLink(raw[0][1]) {
		t.Fatalf("Chromium was given %q, want --profile-directory=Work profile LINK", raw)
	}
	waitFor(t, func() bool { return len(w.srv.Logins()) > before })
	l := w.srv.Logins()[before]
	if l.RoleARN != adminRole || l.Destination != consoleHome {
		t.Fatalf("Chromium signed in as %+v, want the Admin role to %s", l, consoleHome)
	}
	for _, a := range raw[0] {
		assertNoToken(t, w, "Chromium's command line", a)
	}
	if _, err := os.Stat(filepath.Join(data, "Work profile")); err != nil {
		t.Fatalf("Chromium did not use the profile named: %v", err)
	}
}

// waitFor waits up to a minute for cond.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting after a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

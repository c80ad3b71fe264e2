//go:build linux && realworld

package e2e

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

// `stscred console` end to end: the real binary, the real keystores, and
// ststest's federation endpoint (getSigninToken, then login answering 302
// to the console) standing in for signin.aws.amazon.com.

// fedEnv points stscred at the test server's federation endpoint.
func fedEnv(w *world) string { return "STSCRED_FEDERATION_URL=" + w.url + "/federation" }

// standInBrowser writes a browser that records its arguments, one a line
// after a line with their count, to a file outside the world's HOME and
// TMPDIR (the record holds the sign-in URL, which must be nowhere else on
// disk). stscred hands a browser a one-time link to the URL, never the URL
// (package browser): a browser that works (exit 0) follows each link once,
// as a real one loads the page, and records where it was sent in the
// link's place; the arguments as given go to record+".raw". exit is the
// browser's exit status; with echo it also prints its arguments, as a
// noisy browser would.
func standInBrowser(t *testing.T, exit int, echo bool) (script, record string) {
	t.Helper()
	curl := requireTool(t, "curl", "curl")
	dir := t.TempDir()
	script, record = filepath.Join(dir, "browser"), filepath.Join(dir, "opened")
	body := "#!/bin/sh\n{ printf '%s\\n' \"$#\"; for a in \"$@\"; do printf '%s\\n' \"$a\"; done; } >> '" + record + ".raw'\n"
	if exit == 0 {
		body += linkFollower(curl, record)
	} else {
		body += "cp '" + record + ".raw' '" + record + "'\n"
	}
	if echo {
		body += "echo \"cannot open $*\" >&2\necho \"opening $*\"\n"
	}
	body += "exit " + string(rune('0'+exit)) + "\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	return script, record
}

// linkFollower is shell code that records the browser's arguments in
// record, each one-time link of stscred's (http://127.0.0.1:PORT/stscred/open,
// alone or after a prefix such as --app=) fetched once and replaced by
// where it sent the browser.
func linkFollower(curl, record string) string {
	return `{ printf '%s\n' "$#"; for a in "$@"; do
  case "$a" in
  *http://127.0.0.1:*/stscred/open*)
    pre=${a%%http://127.0.0.1:*}
    link=${a#"$pre"}
    a="$pre$('` + curl + `' -sS -o /dev/null -w '%{redirect_url}' --max-time 60 "$link")" ;;
  esac
  printf '%s\n' "$a"
done; } >> '` + record + `'
`
}

// opened is every browser call the stand-in recorded: its arguments. A
// browser that follows links writes its record once the link answered,
// which is when stscred may already have ended: the record is waited for
// until it holds as many whole calls as the browser was given.
func opened(t *testing.T, record string) [][]string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		calls, whole := readRecord(t, record)
		given, _ := readRecord(t, record+".raw")
		if whole && (strings.HasSuffix(record, ".raw") || len(calls) >= len(given)) {
			return calls
		}
		if time.Now().After(deadline) {
			t.Fatalf("browser record %s is torn or short: %q (given %q)", record, calls, given)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// readRecord parses a browser record; whole is false when it is torn.
func readRecord(t *testing.T, record string) (calls [][]string, whole bool) {
	t.Helper()
	b, err := os.ReadFile(record)
	if os.IsNotExist(err) {
		return nil, true
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		// Created by the shell's >> but not yet (or not all) written:
		// every record ends with a newline.
		return nil, false
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	for len(lines) > 0 {
		var n int
		for _, c := range lines[0] {
			n = n*10 + int(c-'0')
		}
		if n > len(lines)-1 {
			return calls, false
		}
		calls = append(calls, lines[1:1+n])
		lines = lines[1+n:]
	}
	return calls, true
}

// isLink reports a one-time link of stscred's browser hand-off: a
// loopback address, and nothing of the sign-in URL.
func isLink(s string) bool {
	return strings.HasPrefix(s, "http://127.0.0.1:") && strings.HasSuffix(s, "/stscred/open") && !strings.Contains(s, "SigninToken")
}

// signIn is a sign-in URL taken apart.
type signIn struct {
	raw         string
	destination string
	token       string
}

// parseSignIn checks that u is a login URL of the world's federation
// endpoint and returns its parts.
func parseSignIn(t *testing.T, w *world, u string) signIn {
	t.Helper()
	prefix := w.url + "/federation?"
	if !strings.HasPrefix(u, prefix) {
		t.Fatalf("sign-in URL %q is not on the federation endpoint %s", u, w.url+"/federation")
	}
	q, err := url.ParseQuery(strings.TrimPrefix(u, prefix))
	if err != nil {
		t.Fatalf("sign-in URL %q: %v", u, err)
	}
	if q.Get("Action") != "login" || q.Get("Issuer") != "stscred" {
		t.Fatalf("sign-in URL %q: Action %q, Issuer %q", u, q.Get("Action"), q.Get("Issuer"))
	}
	if q.Has("Session") || q.Has("SessionDuration") {
		t.Fatalf("sign-in URL %q carries the session itself", u)
	}
	s := signIn{raw: u, destination: q.Get("Destination"), token: q.Get("SigninToken")}
	if len(s.token) < 100 {
		t.Fatalf("sign-in URL %q: token %q", u, s.token)
	}
	// The token is one the endpoint issued.
	found := false
	for _, tok := range w.srv.SigninTokens() {
		found = found || tok.Token == s.token
	}
	if !found {
		t.Fatalf("the token of %q was not issued by the federation endpoint", u)
	}
	return s
}

// noRedirects is a client that shows a redirect instead of following it.
var noRedirects = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// follow opens the sign-in URL as a browser would and checks that the
// endpoint signs in and sends the browser to want (302, Location want).
// It returns the console sign-in the server granted.
func follow(t *testing.T, w *world, s signIn, want string) ststest.Login {
	t.Helper()
	before := len(w.srv.Logins())
	resp, err := noRedirects.Get(s.raw)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("following the sign-in URL: HTTP %d, want 302\n%s", resp.StatusCode, body)
	}
	if loc := resp.Header.Get("Location"); loc != want {
		t.Fatalf("sign-in sends the browser to %q, want %q", loc, want)
	}
	logins := w.srv.Logins()
	if len(logins) != before+1 {
		t.Fatalf("%d console sign-ins recorded, want %d", len(logins), before+1)
	}
	l := logins[len(logins)-1]
	if l.Destination != want || l.Issuer != "stscred" {
		t.Fatalf("login %+v", l)
	}
	return l
}

// urlLine is stdout of --url: exactly one line, the URL.
func urlLine(t *testing.T, res result) string {
	t.Helper()
	if res.code != 0 {
		t.Fatalf("stscred console: %s", res)
	}
	if strings.Count(res.stdout, "\n") != 1 || !strings.HasSuffix(res.stdout, "\n") {
		t.Fatalf("stdout is not one line: %q", res.stdout)
	}
	return strings.TrimSuffix(res.stdout, "\n")
}

// tokens are every sign-in token the server issued.
func tokens(w *world) []string {
	var out []string
	for _, t := range w.srv.SigninTokens() {
		out = append(out, t.Token)
	}
	return out
}

// assertNoToken fails if text holds any sign-in token the server issued.
func assertNoToken(t *testing.T, w *world, what, text string) {
	t.Helper()
	for _, tok := range tokens(w) {
		if strings.Contains(text, tok) {
			t.Fatalf("%s holds a sign-in token: %s", what, text)
		}
	}
}

// assertTokensNotOnDisk fails if any file under the world's HOME or
// TMPDIR holds a sign-in token or a sign-in URL, and checks the other
// secrets as assertNoPlaintext does.
func assertTokensNotOnDisk(t *testing.T, w *world, urls ...string) {
	t.Helper()
	needles := append(tokens(w), urls...)
	if len(needles) == 0 {
		t.Fatal("no sign-in token issued: the check would prove nothing")
	}
	for _, path := range w.filesHolding([]string{w.home, w.tmp}, needles, "the scan looked in the wrong place") {
		t.Errorf("%s holds a sign-in token or URL", path)
	}
	w.assertNoPlaintext(w.home, w.tmp)
}

// sessionOf is the server's record of the session with this key id.
func sessionOf(t *testing.T, w *world, keyID string) ststest.Session {
	t.Helper()
	for _, s := range w.srv.Sessions() {
		if s.AccessKeyID == keyID {
			return s
		}
	}
	t.Fatalf("no session %s on the server", keyID)
	return ststest.Session{}
}

const consoleHome = "https://console.aws.amazon.com/console/home?region=eu-west-1"

// A role profile, in a browser: the browser gets the URL as its last
// argument and nothing else gets it (not stdout, not stderr, not a file);
// the URL signs in as the role's session, the one `stscred role` shares.
func TestConsoleRoleInBrowser(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.addAlice()
		browser, record := standInBrowser(t, 0, false)
		gst0, ar0, _ := w.counts()
		res := w.stscredEnv([]string{fedEnv(w), "STSCRED_MFA_TOKEN=" + w.code()},
			"console", "prod-admin", "--browser", browser+" --new-window")
		if res.code != 0 {
			t.Fatalf("stscred console: %s", res)
		}
		if res.stdout != "" {
			t.Fatalf("stdout must be empty when a browser opens the URL: %q", res.stdout)
		}
		if !strings.Contains(res.stderr, "stscred: console session of prod-admin as "+adminRole+" until ") {
			t.Fatalf("stderr lacks the session note: %s", res.stderr)
		}
		calls := opened(t, record)
		if len(calls) != 1 || len(calls[0]) != 2 || calls[0][0] != "--new-window" {
			t.Fatalf("browser calls %q, want one: --new-window URL", calls)
		}
		// The browser was given a one-time link that led it there, never
		// the URL: another user could read it in the process list.
		if raw := opened(t, record+".raw"); len(raw) != 1 || !isLink(raw[0][1]) {
			t.Fatalf("the browser's arguments %q: want --new-window LINK", raw)
		}
		s := parseSignIn(t, w, calls[0][1])
		if s.destination != consoleHome {
			t.Fatalf("destination %q, want %q", s.destination, consoleHome)
		}
		for what, text := range map[string]string{"stdout": res.stdout, "stderr": res.stderr} {
			if strings.Contains(text, s.token) || strings.Contains(text, "SigninToken") {
				t.Fatalf("%s holds the sign-in token: %s", what, text)
			}
		}
		gst, ar, _ := w.counts()
		if gst-gst0 != 1 || ar-ar0 != 1 || w.srv.Calls("getSigninToken") != 1 {
			t.Fatalf("GetSessionToken %d, AssumeRole %d, getSigninToken %d: want 1 each",
				gst-gst0, ar-ar0, w.srv.Calls("getSigninToken"))
		}

		l := follow(t, w, s, consoleHome)
		if l.RoleARN != adminRole || l.Action != "AssumeRole" || l.ARN != "arn:aws:sts::222222222222:assumed-role/Admin/stscred-alice" {
			t.Fatalf("signed in as %+v, want the Admin role", l)
		}
		if l.AccessKeyID != roleSessionKey(w) || l.SessionDuration != 0 {
			t.Fatalf("login %+v: want the role session %s, no SessionDuration", l, roleSessionKey(w))
		}
		if sess := sessionOf(t, w, l.AccessKeyID); !sess.MFA || sess.Chained {
			t.Fatalf("role session %+v: want MFA, not chained", sess)
		}
		// The console's session is the one `stscred role` serves from the
		// cache: no STS call, same key.
		c := w.decode(w.stscred("role", "prod-admin"))
		if c.AccessKeyID != l.AccessKeyID {
			t.Fatalf("stscred role gives %s, the console signed in with %s", c.AccessKeyID, l.AccessKeyID)
		}
		if g, a, _ := w.counts(); g != gst || a != ar {
			t.Fatal("stscred role after console called STS")
		}
		assertTokensNotOnDisk(t, w, s.raw)
	})
}

// An IAM user's profile with --url: the URL on stdout only, a federated
// user's console session (GetFederationToken with a session policy), and
// the note that a federated user has no MFA.
func TestConsoleIAMUserURL(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.addAlice()
		res := w.stscredEnv([]string{fedEnv(w)}, "console", "alice", "--url", "--prompt", "none")
		s := parseSignIn(t, w, urlLine(t, res))
		if !strings.Contains(res.stderr, "stscred: note: the console session of alice is a federated user's, which has no MFA") ||
			!strings.Contains(res.stderr, "stscred console ROLE_PROFILE") {
			t.Fatalf("stderr lacks the MFA note: %s", res.stderr)
		}
		if !strings.Contains(res.stderr, "console session of alice as federated user alice until ") {
			t.Fatalf("stderr lacks the session note: %s", res.stderr)
		}
		assertNoToken(t, w, "stderr", res.stderr)
		if n := w.srv.Calls("GetFederationToken"); n != 1 {
			t.Fatalf("%d GetFederationToken calls", n)
		}
		if g, a, _ := w.counts(); g != 0 || a != 0 {
			t.Fatalf("GetSessionToken %d, AssumeRole %d: a federated user needs neither", g, a)
		}
		if lastRequestKey(w, "GetFederationToken") != w.key.ID {
			t.Fatalf("GetFederationToken signed with %q, want alice's key", lastRequestKey(w, "GetFederationToken"))
		}

		l := follow(t, w, s, consoleHome)
		if l.Action != "GetFederationToken" || l.ARN != "arn:aws:sts::111111111111:federated-user/alice" || l.UserARN != w.alice.ARN() || l.RoleARN != "" {
			t.Fatalf("signed in as %+v, want the federated user alice", l)
		}
		// No SessionDuration (AWS refuses it for federated users); the
		// console lasts as the credentials do: 12 hours by default.
		if l.SessionDuration != 0 || l.ConsoleSessionDuration() < 11*time.Hour || l.ConsoleSessionDuration() > 12*time.Hour {
			t.Fatalf("console session %s (SessionDuration %d), want about 12h", l.ConsoleSessionDuration(), l.SessionDuration)
		}
		sess := sessionOf(t, w, l.AccessKeyID)
		if sess.FederatedUserName != "alice" || sess.NoPermissions || !strings.Contains(sess.Policy, `"Action":"*"`) {
			t.Fatalf("federated session %+v: want name alice and a session policy", sess)
		}
		assertTokensNotOnDisk(t, w, s.raw)
	})
}

// MFA is asked once per session: a second console of a role and of the
// tool profile that runs it make no STS call and need no code; a second
// console of an IAM user calls GetFederationToken no more. `login` is no
// longer console's alias: it signs a profile in with AWS Sign-In, and
// given a role it says that console opens the console.
func TestConsoleMFAOnce(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	first := parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w), "STSCRED_MFA_TOKEN=" + w.code()}, "console", "prod-admin", "--url")))
	gst, ar, _ := w.counts()
	if gst != 1 || ar != 1 || len(w.srv.AcceptedCodes(w.mfa.Serial)) != 1 {
		t.Fatalf("first console: GetSessionToken %d, AssumeRole %d, %d codes", gst, ar, len(w.srv.AcceptedCodes(w.mfa.Serial)))
	}
	fed := w.srv.Calls("getSigninToken")
	for _, args := range [][]string{
		{"console", "prod-admin", "--url", "--prompt", "none"},
		{"console", "prod", "--url", "--prompt", "none"},
		{"console", "--url", "--prompt", "none"}, // AWS_PROFILE below
	} {
		res := w.stscredEnv([]string{fedEnv(w), "AWS_PROFILE=prod-admin"}, args...)
		s := parseSignIn(t, w, urlLine(t, res))
		if s.token == first.token {
			t.Fatalf("%v: the same sign-in token again", args)
		}
		if g, a, _ := w.counts(); g != gst || a != ar {
			t.Fatalf("%v: GetSessionToken %d->%d, AssumeRole %d->%d: the cached session was not used", args, gst, g, ar, a)
		}
		fed++
		if n := w.srv.Calls("getSigninToken"); n != fed {
			t.Fatalf("%v: %d getSigninToken calls, want %d", args, n, fed)
		}
		if l := follow(t, w, s, consoleHome); l.RoleARN != adminRole || l.AccessKeyID != roleSessionKey(w) {
			t.Fatalf("%v: login %+v", args, l)
		}
	}
	if n := len(w.srv.AcceptedCodes(w.mfa.Serial)); n != 1 {
		t.Fatalf("%d MFA codes used", n)
	}

	for i := 0; i < 2; i++ {
		s := parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w)}, "console", "alice", "--url", "--prompt", "none")))
		if n := w.srv.Calls("GetFederationToken"); n != 1 {
			t.Fatalf("console alice #%d: %d GetFederationToken calls, want 1", i+1, n)
		}
		if l := follow(t, w, s, consoleHome); l.Action != "GetFederationToken" {
			t.Fatalf("login %+v", l)
		}
	}
	if g, a, _ := w.counts(); g != gst || a != ar {
		t.Fatal("console alice called GetSessionToken or AssumeRole")
	}
	login := w.stscredEnv([]string{fedEnv(w)}, "login", "prod-admin", "--prompt", "none")
	w.assertCleanFailure(login, "prod-admin is a role profile")
	if !strings.Contains(login.stderr, "stscred: hint: to open the AWS console as it: stscred console prod-admin") {
		t.Fatalf("login of a role does not point at console: %s", login.stderr)
	}
}

// A cached console sign-in, like any cache hit, talks to no keyring: a
// listening socket stands in for the session bus and counts connections
// (as TestCacheHitTouchesNoKeyring does for role and session).
func TestConsoleCacheHitTouchesNoKeyring(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	urlLine(t, w.stscredEnv([]string{fedEnv(w), "STSCRED_MFA_TOKEN=" + w.code()}, "console", "prod-admin", "--url"))
	urlLine(t, w.stscredEnv([]string{fedEnv(w)}, "console", "alice", "--url"))
	sock := filepath.Join(t.TempDir(), "bus")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	bus := "DBUS_SESSION_BUS_ADDRESS=unix:path=" + sock
	for _, profile := range []string{"prod-admin", "alice"} {
		res := w.stscredEnv([]string{fedEnv(w), bus, "STSCRED_KEYRING_TIMEOUT=2s"}, "console", profile, "--url", "--prompt", "none")
		if res.code != 0 {
			t.Errorf("console %s from the cache, keyring unreachable: %s", profile, res)
		}
		if n := conns.Swap(0); n != 0 {
			t.Errorf("console %s from the cache connected to the session bus %d times", profile, n)
		}
	}
	// The stand-in is a real listener: a miss does reach it.
	w.stscred("clear")
	w.stscredEnv([]string{fedEnv(w), bus, "STSCRED_KEYRING_TIMEOUT=2s"}, "console", "alice", "--url")
	if conns.Load() == 0 {
		t.Fatal("the stand-in bus was never contacted, so the check above proves nothing")
	}
}

// --duration: up to an hour from the MFA session's role (SessionDuration
// sent); beyond, the role assumed straight from alice's key with a code of
// its own; beyond 12 hours (36 for an IAM user) refused before any call.
func TestConsoleDuration(t *testing.T) {
	w := newWorld(t)
	w.addAlice()

	// 30 minutes: SessionDuration 1800 on the session assumed with the
	// MFA session.
	s := parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w), "STSCRED_MFA_TOKEN=" + w.code()}, "console", "prod-admin", "--url", "--duration", "30m")))
	l := follow(t, w, s, consoleHome)
	if l.SessionDuration != 1800 || l.ConsoleSessionDuration() != 30*time.Minute || l.RoleARN != adminRole {
		t.Fatalf("--duration 30m: login %+v (console session %s)", l, l.ConsoleSessionDuration())
	}
	if k := lastRequestKey(w, "AssumeRole"); k == w.key.ID || !strings.HasPrefix(k, "ASIA") {
		t.Fatalf("--duration 30m: AssumeRole signed with %q, want the MFA session", k)
	}
	gst, ar, _ := w.counts()
	codes := len(w.srv.AcceptedCodes(w.mfa.Serial))

	// 4 hours without a code: it needs one of its own, the MFA session
	// does not serve it.
	res := w.stscredEnv([]string{fedEnv(w)}, "console", "prod-admin", "--url", "--duration", "4h", "--prompt", "none")
	w.assertCleanFailure(res, "MFA")
	if _, a, _ := w.counts(); a != ar {
		t.Fatalf("--duration 4h without a code called AssumeRole")
	}
	// With a code: AssumeRole signed with alice's long-term key, for 4
	// hours, and SessionDuration 14400.
	s = parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w), "STSCRED_MFA_TOKEN=" + w.code()}, "console", "prod-admin", "--url", "--duration", "4h", "--prompt", "none")))
	g, a, _ := w.counts()
	if g != gst || a != ar+1 || len(w.srv.AcceptedCodes(w.mfa.Serial)) != codes+1 {
		t.Fatalf("--duration 4h: GetSessionToken %d->%d, AssumeRole %d->%d, codes %d->%d",
			gst, g, ar, a, codes, len(w.srv.AcceptedCodes(w.mfa.Serial)))
	}
	if k := lastRequestKey(w, "AssumeRole"); k != w.key.ID {
		t.Fatalf("--duration 4h: AssumeRole signed with %q, want alice's long-term key %s", k, w.key.ID)
	}
	l = follow(t, w, s, consoleHome)
	if l.SessionDuration != 14400 || l.ConsoleSessionDuration() != 4*time.Hour || l.RoleARN != adminRole {
		t.Fatalf("--duration 4h: login %+v (console session %s)", l, l.ConsoleSessionDuration())
	}
	sess := sessionOf(t, w, l.AccessKeyID)
	if d := sess.Expiration.Sub(sess.Issued); d < 4*time.Hour-time.Second || d > 4*time.Hour || !sess.MFA {
		t.Fatalf("--duration 4h: role session %+v lasts %s", sess, d)
	}
	// Again: the 4-hour session is cached, no code needed.
	ar = a
	s = parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w)}, "console", "prod-admin", "--url", "--duration", "4h", "--prompt", "none")))
	if _, a, _ := w.counts(); a != ar {
		t.Fatal("--duration 4h again: the cached 4-hour session was not used")
	}
	if l2 := follow(t, w, s, consoleHome); l2.AccessKeyID != l.AccessKeyID || l2.SessionDuration != 14400 {
		t.Fatalf("--duration 4h again: login %+v", l2)
	}

	// Out of range: refused before any call, STS's or the endpoint's.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"console", "prod-admin", "--duration", "13h"}, "longer than the console's 12 hours"},
		{[]string{"console", "prod-admin", "--duration", "10m"}, "shorter than the console's 15 minutes"},
		{[]string{"console", "alice", "--duration", "37h"}, "longer than GetFederationToken's 36 hours"},
	} {
		calls := w.srv.Calls(ststest.AnyAction)
		res := w.stscredEnv([]string{fedEnv(w), "STSCRED_MFA_TOKEN=" + w.code()}, append(tc.args, "--url")...)
		w.assertCleanFailure(res, tc.want)
		if n := w.srv.Calls(ststest.AnyAction); n != calls {
			t.Fatalf("%v: %d calls to the server", tc.args, n-calls)
		}
	}

	// A role assumed by a role gets at most an hour of console.
	w.writeConfig(w.standardConfig() + "\n[profile chained]\nsource_profile = prod-admin\nrole_arn = " + roRole + "\n")
	calls := w.srv.Calls(ststest.AnyAction)
	res = w.stscredEnv([]string{fedEnv(w)}, "console", "chained", "--url", "--duration", "2h")
	w.assertCleanFailure(res, "assumed by another role")
	if n := w.srv.Calls(ststest.AnyAction); n != calls {
		t.Fatalf("console chained --duration 2h: %d calls to the server", n-calls)
	}
	s = parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w)}, "console", "chained", "--url", "--duration", "30m", "--prompt", "none")))
	l = follow(t, w, s, consoleHome) // region eu-west-1 comes down the chain from alice
	if l.RoleARN != roRole || l.SessionDuration != 1800 || !sessionOf(t, w, l.AccessKeyID).Chained {
		t.Fatalf("console chained --duration 30m: login %+v", l)
	}

	// An IAM user's longest: 36 hours, as the credentials last (no
	// SessionDuration for a federated user).
	s = parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w)}, "console", "alice", "--url", "--duration", "36h")))
	l = follow(t, w, s, consoleHome)
	if d := l.ConsoleSessionDuration(); l.Action != "GetFederationToken" || l.SessionDuration != 0 || d < 35*time.Hour || d > 36*time.Hour {
		t.Fatalf("console alice --duration 36h: login %+v lasts %s", l, d)
	}
}

// Roles of the other partitions sign in on their partition's console.
func TestConsolePartitions(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	cases := []struct{ profile, arn, region, dest string }{
		{"gov-admin", "arn:aws-us-gov:iam::333333333333:role/GovAdmin", "us-gov-west-1", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"},
		{"cn-admin", "arn:aws-cn:iam::444444444444:role/CnAdmin", "cn-north-1", "https://console.amazonaws.cn/console/home?region=cn-north-1"},
	}
	cfg := w.standardConfig()
	for _, c := range cases {
		// Trusted as the demo Admin role trusts alice: any account, MFA.
		w.srv.AddRole(ststest.Role{ARN: c.arn, RequireMFA: true, MaxSessionDuration: 12 * time.Hour})
		cfg += "\n[profile " + c.profile + "]\nsource_profile = alice\nrole_arn = " + c.arn + "\nregion = " + c.region + "\n"
	}
	w.writeConfig(cfg)
	mfa := "STSCRED_MFA_TOKEN=" + w.code()
	for _, c := range cases {
		s := parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w), mfa}, "console", c.profile, "--url")))
		if s.destination != c.dest {
			t.Fatalf("%s: destination %q, want %q", c.profile, s.destination, c.dest)
		}
		if l := follow(t, w, s, c.dest); l.RoleARN != c.arn {
			t.Fatalf("%s: signed in as %+v", c.profile, l)
		}
	}
	// The server does refuse a console of another partition, so the
	// destinations above were checked.
	s := parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w)}, "console", "gov-admin", "--url")))
	bad := strings.Replace(s.raw, url.QueryEscape("console.amazonaws-us-gov.com"), url.QueryEscape("console.aws.amazon.com"), 1)
	resp, err := noRedirects.Get(bad)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusFound {
		t.Fatal("the test server let a GovCloud session into the aws console: the check above proves nothing")
	}
}

// --path and --region choose the page; --path is a page, never a URL.
func TestConsolePath(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	// A URL as --path is refused before anything is fetched: no STS call,
	// the MFA code not spent.
	calls := w.srv.Calls(ststest.AnyAction)
	for _, bad := range []string{"https://evil.example/", "//evil.example/x", "ec2/home\nx"} {
		res := w.stscredEnv([]string{fedEnv(w), "STSCRED_MFA_TOKEN=" + w.code()}, "console", "prod-admin", "--url", "--path", bad)
		w.assertCleanFailure(res, "--path is a console page")
		if n := w.srv.Calls(ststest.AnyAction); n != calls {
			t.Fatalf("--path %q: %d calls to the server before refusing it", bad, n-calls)
		}
	}
	mfa := "STSCRED_MFA_TOKEN=" + w.code()
	for _, tc := range []struct {
		args []string
		dest string
	}{
		{[]string{"--path", "ec2/home#Instances:"}, "https://console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"},
		{[]string{"--path", "s3"}, "https://console.aws.amazon.com/s3/home?region=eu-west-1"},
		{[]string{"--path", "ec2/home?region=us-east-1#Instances:"}, "https://console.aws.amazon.com/ec2/home?region=us-east-1#Instances:"},
		{[]string{"--region", "us-east-2"}, "https://console.aws.amazon.com/console/home?region=us-east-2"},
	} {
		args := append([]string{"console", "prod", "--url"}, tc.args...)
		s := parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w), mfa}, args...)))
		if s.destination != tc.dest {
			t.Fatalf("%v: destination %q, want %q", tc.args, s.destination, tc.dest)
		}
		if l := follow(t, w, s, tc.dest); l.RoleARN != adminRole {
			t.Fatalf("%v: login %+v", tc.args, l)
		}
	}
}

// An inline role (--role-arn, --source, --session-name, --external-id)
// signs in as that role.
func TestConsoleInlineRole(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	const ext = "arn:aws:iam::222222222222:role/Partner"
	w.srv.AddRole(ststest.Role{ARN: ext, ExternalID: "s3cr3t-partner-id"})
	mfa := "STSCRED_MFA_TOKEN=" + w.code()
	s := parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w), mfa},
		"console", "--role-arn", roRole, "--source", "alice", "--session-name", "console-test", "--url")))
	l := follow(t, w, s, consoleHome)
	if l.RoleARN != roRole || sessionOf(t, w, l.AccessKeyID).RoleSessionName != "console-test" {
		t.Fatalf("inline role: login %+v", l)
	}
	res := w.stscredEnv([]string{fedEnv(w), mfa}, "console", "--role-arn", ext, "--source", "alice", "--url")
	w.assertCleanFailure(res, "not allowed to assume "+ext)
	s = parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w), mfa},
		"console", "--role-arn", ext, "--source", "alice", "--external-id", "s3cr3t-partner-id", "--url")))
	l = follow(t, w, s, consoleHome)
	if l.RoleARN != ext || sessionOf(t, w, l.AccessKeyID).ExternalID != "s3cr3t-partner-id" {
		t.Fatalf("inline role with external id: login %+v", l)
	}
}

// The credentials travel to getSigninToken in a POST body, never in a URL:
// a recording proxy in front of the federation endpoint sees every
// request.
func TestConsoleCredentialsInPOSTBody(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	target, _ := url.Parse(w.url)
	proxy := httputil.NewSingleHostReverseProxy(target)
	type seen struct{ method, uri, body string }
	var mu sync.Mutex
	var reqs []seen
	front := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		mu.Lock()
		reqs = append(reqs, seen{r.Method, r.URL.RequestURI(), string(b)})
		mu.Unlock()
		proxy.ServeHTTP(rw, r)
	}))
	defer front.Close()
	res := w.stscredEnv([]string{"STSCRED_FEDERATION_URL=" + front.URL + "/federation", "STSCRED_MFA_TOKEN=" + w.code()}, "console", "prod-admin", "--url")
	u := urlLine(t, res)
	if !strings.HasPrefix(u, front.URL+"/federation?") {
		t.Fatalf("sign-in URL %q is not on STSCRED_FEDERATION_URL", u)
	}
	mu.Lock()
	got := append([]seen(nil), reqs...)
	mu.Unlock()
	if len(got) != 1 || got[0].method != http.MethodPost || got[0].uri != "/federation" ||
		!strings.Contains(got[0].body, "Action=getSigninToken") || !strings.Contains(got[0].body, "Session=") {
		t.Fatalf("requests to the federation endpoint: %+v, want one POST /federation with the session in its body", got)
	}
	sess := sessionOf(t, w, roleSessionKey(w))
	if !strings.Contains(got[0].body, url.QueryEscape(sess.SecretAccessKey)) {
		t.Fatal("the recorded body does not hold the session: the proxy saw something else")
	}
	// The login goes through the same endpoint and lands on the console.
	resp, err := noRedirects.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != consoleHome {
		t.Fatalf("login through the proxy: HTTP %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// The federation endpoint refusing, unreachable or failing: a clean
// failure whose hint says what to do, and that hint works.
func TestConsoleFederationRefuses(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	first := urlLine(t, w.stscredEnv([]string{fedEnv(w), "STSCRED_MFA_TOKEN=" + w.code()}, "console", "prod-admin", "--url"))
	parseSignIn(t, w, first)

	// The cached role session revoked on the server: getSigninToken
	// answers 400; the hint says to clear the profile.
	if err := w.srv.RevokeSession(roleSessionKey(w)); err != nil {
		t.Fatal(err)
	}
	res := w.stscredEnv([]string{fedEnv(w)}, "console", "prod-admin", "--url", "--prompt", "none")
	w.assertCleanFailure(res, "refused the credentials: HTTP 400")
	if !strings.Contains(res.stderr, "stscred clear prod-admin") {
		t.Fatalf("the hint does not say to clear the profile: %s", res.stderr)
	}
	assertNoToken(t, w, "stderr", res.stderr)
	// As the hint says: clear, and sign in again (the MFA session still
	// serves the new role session: no code).
	if r := w.stscred("clear", "prod-admin"); r.code != 0 {
		t.Fatalf("stscred clear prod-admin: %s", r)
	}
	_, ar, _ := w.counts()
	s := parseSignIn(t, w, urlLine(t, w.stscredEnv([]string{fedEnv(w)}, "console", "prod-admin", "--url", "--prompt", "none")))
	if _, a, _ := w.counts(); a != ar+1 {
		t.Fatal("after clear, the role was not assumed anew")
	}
	follow(t, w, s, consoleHome)

	// Not a federation endpoint (a path the server answers 404 or 400).
	res = w.stscredEnv([]string{"STSCRED_FEDERATION_URL=" + w.url + "/no-such-federation"}, "console", "prod-admin", "--url", "--prompt", "none")
	w.assertCleanFailure(res, "the federation endpoint "+w.url+"/no-such-federation")

	// Unreachable: the hint names the network and STSCRED_FEDERATION_URL.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/federation"
	ln.Close()
	res = w.stscredEnv([]string{"STSCRED_FEDERATION_URL=" + dead}, "console", "prod-admin", "--url", "--prompt", "none")
	w.assertCleanFailure(res, "cannot reach the federation endpoint")
	if !strings.Contains(res.stderr, "STSCRED_FEDERATION_URL") {
		t.Fatalf("the hint does not name STSCRED_FEDERATION_URL: %s", res.stderr)
	}

	// A 503 from the endpoint.
	if err := w.srv.Fail("getSigninToken", "ServiceUnavailable", 1); err != nil {
		t.Fatal(err)
	}
	res = w.stscredEnv([]string{fedEnv(w)}, "console", "prod-admin", "--url", "--prompt", "none")
	w.assertCleanFailure(res, "HTTP 503")
	assertTokensNotOnDisk(t, w, first, s.raw)
}

// What console refuses, and how it opens a browser or does without one.
func TestConsoleRefusalsAndBrowsers(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	w.writeConfig(w.standardConfig() + "\n[profile vault]\ncredential_process = aws-vault export --format=json prod\n")
	w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin")) // the session, cached

	t.Run("unknown profile", func(t *testing.T) {
		w.assertCleanFailure(w.stscredEnv([]string{fedEnv(w)}, "console", "nosuch", "--url"), `profile "nosuch" not found`)
	})
	t.Run("foreign credential_process", func(t *testing.T) {
		res := w.stscredEnv([]string{fedEnv(w)}, "console", "vault", "--url")
		w.assertCleanFailure(res, "another program's credential_process")
	})
	t.Run("browser fails", func(t *testing.T) {
		calls := w.srv.Calls("getSigninToken")
		res := w.stscredEnv([]string{fedEnv(w)}, "console", "prod-admin", "--browser", "false")
		w.assertCleanFailure(res, "the browser false failed")
		if w.srv.Calls("getSigninToken") != calls+1 {
			t.Fatal("no sign-in token was asked for: the browser was not reached")
		}
		assertNoToken(t, w, "stderr", res.stderr)
	})
	t.Run("browser fails and prints the URL", func(t *testing.T) {
		browser, record := standInBrowser(t, 3, true)
		res := w.stscredEnv([]string{fedEnv(w)}, "console", "prod-admin", "--browser", browser)
		w.assertCleanFailure(res, "the browser "+browser+" failed")
		calls := opened(t, record)
		if len(calls) != 1 || len(calls[0]) != 1 || !isLink(calls[0][0]) {
			t.Fatalf("browser calls %q, want one link", calls)
		}
		if !strings.Contains(res.stderr, "cannot open <sign-in URL>") {
			t.Fatalf("the browser's message is not shown with the link blanked: %s", res.stderr)
		}
		assertNoToken(t, w, "stderr", res.stderr)
		assertNoToken(t, w, "stdout", res.stdout)
	})
	t.Run("browser not found", func(t *testing.T) {
		res := w.stscredEnv([]string{fedEnv(w)}, "console", "prod-admin", "--browser", "/nonexistent/browser")
		w.assertCleanFailure(res, "cannot run the browser /nonexistent/browser")
		assertNoToken(t, w, "stderr", res.stderr)
	})
	t.Run("BROWSER with a placeholder", func(t *testing.T) {
		browser, record := standInBrowser(t, 0, false)
		res := w.stscredEnv([]string{fedEnv(w), "BROWSER=" + browser + " --app=%s --incognito:/usr/bin/other-browser"}, "console", "prod-admin")
		if res.code != 0 || res.stdout != "" {
			t.Fatalf("console with $BROWSER: %s", res)
		}
		calls := opened(t, record)
		if len(calls) != 1 || len(calls[0]) != 2 || !strings.HasPrefix(calls[0][0], "--app=") || calls[0][1] != "--incognito" {
			t.Fatalf("browser calls %q, want --app=URL --incognito", calls)
		}
		if raw := opened(t, record+".raw"); len(raw) != 1 || !isLink(strings.TrimPrefix(raw[0][0], "--app=")) {
			t.Fatalf("the browser's arguments %q: want --app=LINK", raw)
		}
		follow(t, w, parseSignIn(t, w, strings.TrimPrefix(calls[0][0], "--app=")), consoleHome)
	})
	t.Run("placeholder as the program", func(t *testing.T) {
		// The URL put in the program's place makes a program that is not
		// found; the message naming it must not show the URL.
		for _, env := range []string{"BROWSER=%s", "BROWSER=/nonexistent/%s"} {
			res := w.stscredEnv([]string{fedEnv(w), env}, "console", "prod-admin")
			w.assertCleanFailure(res, "cannot run the browser")
			assertNoToken(t, w, "stderr of "+env, res.stderr)
		}
	})
	t.Run("browser that stays open", func(t *testing.T) {
		// A browser started directly runs until its window closes:
		// stscred leaves it running and succeeds.
		dir := t.TempDir()
		pidFile := filepath.Join(dir, "pid")
		script := filepath.Join(dir, "firefox")
		// Its pid is written before it loads the page: stscred returns
		// once the page is taken.
		body := "#!/bin/sh\necho $$ > '" + pidFile + ".tmp' && mv '" + pidFile + ".tmp' '" + pidFile + "'\n" +
			linkFollower(requireTool(t, "curl", "curl"), filepath.Join(dir, "opened")) + "exec sleep 300\n"
		if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
			t.Fatal(err)
		}
		res := w.stscredEnv([]string{fedEnv(w)}, "console", "prod-admin", "--browser", script)
		b, err := os.ReadFile(pidFile)
		if err != nil {
			t.Fatalf("the browser did not start: %v; %s", err, res)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		defer syscall.Kill(pid, syscall.SIGKILL)
		if res.code != 0 || res.stdout != "" || !strings.Contains(res.stderr, "console session of prod-admin") {
			t.Fatalf("console with a browser that stays open: %s", res)
		}
		if err := syscall.Kill(pid, 0); err != nil {
			t.Fatalf("the browser is not running any more (%v): stscred waited for it to end", err)
		}
	})
	t.Run("no browser and no display", func(t *testing.T) {
		// w.env has no DISPLAY, WAYLAND_DISPLAY or BROWSER.
		for _, v := range w.env() {
			if strings.HasPrefix(v, "DISPLAY=") || strings.HasPrefix(v, "WAYLAND_DISPLAY=") || strings.HasPrefix(v, "BROWSER=") {
				t.Fatalf("the world's environment has %s", v)
			}
		}
		res := w.stscredEnv([]string{fedEnv(w)}, "console", "prod-admin")
		s := parseSignIn(t, w, urlLine(t, res))
		if !strings.Contains(res.stderr, "stscred: hint: no browser to open it here") {
			t.Fatalf("stderr lacks the hint: %s", res.stderr)
		}
		assertNoToken(t, w, "stderr", res.stderr)
		follow(t, w, s, consoleHome)
	})
	assertTokensNotOnDisk(t, w)
}

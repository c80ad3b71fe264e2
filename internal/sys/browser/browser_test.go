package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for a browser (see standIn).
func TestMain(m *testing.M) {
	if rec := os.Getenv("STSCRED_TEST_BROWSER_RECORD"); rec != "" {
		os.Exit(standIn(rec, os.Getenv("STSCRED_TEST_BROWSER_AS"), os.Args[1:]))
	}
	os.Exit(m.Run())
}

// record is what a stand-in browser was given and where the page it
// opened sent it.
type record struct {
	Argv     []string // its arguments
	Page     string   // where the page it was given led
	Opened   string   // the http(s) URL it loaded
	Status   string   // the answer
	Location string   // where the answer sent it
	Err      string
}

// standIn is a browser given its arguments: the last is what it opens,
// which as is "" (a browser) is a URL, as "wslview" a path of this
// system, as "windows" a Windows path of a WSL file (\\wsl$\DISTRO\... or
// \\wsl.localhost\DISTRO\...). A file's page is followed to where its
// refresh leads, a container add-on's URL to the URL it holds (as the
// add-on reads it); that URL is fetched once without following the
// redirect, and the record written.
func standIn(rec, as string, args []string) int {
	r := record{Argv: args}
	err := func() error {
		if len(args) == 0 {
			return errors.New("nothing to open")
		}
		target := args[len(args)-1]
		switch as {
		case "wslview":
			target = fileURL(target)
		case "windows":
			p, ok := strings.CutPrefix(target, `\\wsl$\`)
			if !ok {
				p, ok = strings.CutPrefix(target, `\\wsl.localhost\`)
			}
			_, p, found := strings.Cut(p, `\`)
			if !ok || !found {
				return fmt.Errorf("not a WSL file's Windows path: %q", target)
			}
			target = fileURL("/" + strings.ReplaceAll(p, `\`, "/"))
		}
		if strings.HasPrefix(target, "file://") {
			page, err := os.ReadFile(fileURLPath(target))
			if err != nil {
				return err
			}
			_, next, ok := strings.Cut(string(page), `content="0; url=`)
			next, _, ok2 := strings.Cut(next, `"`)
			if !ok || !ok2 {
				return fmt.Errorf("the page leads nowhere: %s", page)
			}
			target = html.UnescapeString(next)
			r.Page = target
		}
		for _, scheme := range []string{"ext+container:", "ext+granted-containers:"} {
			if q, ok := strings.CutPrefix(target, scheme); ok {
				v, err := url.ParseQuery(q)
				if err != nil || v.Get("name") == "" {
					return fmt.Errorf("not a container URL: %q", target)
				}
				target = v.Get("url")
			}
		}
		r.Opened = target
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(target)
		if err != nil {
			return err
		}
		resp.Body.Close()
		r.Status, r.Location = resp.Status, resp.Header.Get("Location")
		return nil
	}()
	if err != nil {
		r.Err = err.Error()
	}
	b, _ := json.Marshal(r)
	os.WriteFile(rec+".tmp", b, 0o600)
	os.Rename(rec+".tmp", rec)
	if err != nil {
		return 1
	}
	return 0
}

// fileURLPath is the local path a file:// URL names (file:///C:/... on
// Windows).
func fileURLPath(fileURL string) string {
	path := strings.TrimPrefix(fileURL, "file://")
	if pu, err := url.Parse(fileURL); err == nil {
		path = pu.Path
	}
	if len(path) > 2 && path[0] == '/' && path[2] == ':' {
		path = path[1:]
	}
	return filepath.FromSlash(path)
}

// readRecord waits for the stand-in's record (Open returns once the link
// was taken; the stand-in writes its record a moment later).
func readRecord(t *testing.T, rec string) record {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		b, err := os.ReadFile(rec)
		if err == nil {
			var r record
			if err := json.Unmarshal(b, &r); err != nil {
				t.Fatal(err)
			}
			return r
		}
		if time.Now().After(deadline) {
			t.Fatal("the stand-in browser wrote no record")
		}
	}
}

func TestBrowserChoice(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	found := func(string) (string, error) { return "/usr/bin/x", nil }
	missing := func(string) (string, error) { return "", errors.New("no") }
	const u = "http://127.0.0.1:1/stscred/open"
	for _, tc := range []struct {
		name string
		b    Browser
		want []string
		err  error
	}{
		{"flag", Browser{Command: "firefox --new-window", Getenv: env(nil), GOOS: "linux", LookPath: found}, []string{"firefox", "--new-window", u}, nil},
		{"flag with %s", Browser{Command: "open -a Safari %s --x", Getenv: env(nil), GOOS: "darwin", LookPath: found}, []string{"open", "-a", "Safari", u, "--x"}, nil},
		{"$BROWSER list", Browser{Getenv: env(map[string]string{"BROWSER": "w3m:lynx"}), GOOS: "linux", LookPath: found}, []string{"w3m", u}, nil},
		{"xdg-open", Browser{Getenv: env(map[string]string{"DISPLAY": ":0"}), GOOS: "linux", LookPath: found}, []string{"xdg-open", u}, nil},
		{"no display", Browser{Getenv: env(nil), GOOS: "linux", LookPath: found}, nil, ErrNoBrowser},
		{"no xdg-open", Browser{Getenv: env(map[string]string{"WAYLAND_DISPLAY": "w"}), GOOS: "linux", LookPath: missing}, nil, ErrNoBrowser},
		{"macOS", Browser{Getenv: env(nil), GOOS: "darwin", LookPath: found}, []string{"open", u}, nil},
		{"Windows", Browser{Getenv: env(nil), GOOS: "windows", LookPath: found}, []string{"rundll32", "url.dll,FileProtocolHandler", u}, nil},
	} {
		var got []string
		op, err := tc.b.opener(detectWSL(tc.b.GOOS, tc.b.Getenv, nil))
		if err == nil {
			got = fill(op.words, u)
		}
		if !errors.Is(err, tc.err) || strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: %q %v, want %q %v", tc.name, got, err, tc.want, tc.err)
		}
	}
}

// standInBrowser is a Browser whose program is this test binary, as a
// browser that follows the link once; record says what it saw.
func standInBrowser(t *testing.T) (Browser, string) {
	t.Helper()
	rec := filepath.Join(t.TempDir(), "record")
	t.Setenv("STSCRED_TEST_BROWSER_RECORD", rec)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Browser{Command: exe, Getenv: func(string) string { return "" }, GOOS: "linux",
		LookPath: func(p string) (string, error) { return p, nil }, Runner: nil}, rec
}

// The browser's command line never holds the URL: it gets a link that
// sends it on to the URL once.
func TestOpenHandsTheURLOverALink(t *testing.T) {
	b, rec := standInBrowser(t)
	b.Runner = runnerWithEnv()
	const u = "https://signin.example/federation?Action=login&SigninToken=SECRETTOKEN&Destination=x"
	if err := b.Open(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	r := readRecord(t, rec)
	if len(r.Argv) != 1 || strings.Contains(r.Argv[0], "SECRETTOKEN") || strings.Contains(r.Argv[0], "signin.example") {
		t.Fatalf("the browser's command line holds the URL: %q", r.Argv)
	}
	if r.Status != "302 Found" || r.Location != u {
		t.Fatalf("the link answered %+v", r)
	}
}

// A link answers once, and only to this user (or to whoever holds its
// secret, where the owner of a connection cannot be told).
func TestLinkAnswersOnceAndOnlyToItsUser(t *testing.T) {
	const u = "https://portal.example/authorize?state=STATE"
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(t *testing.T, url string) (int, string) {
		t.Helper()
		resp, err := noRedirect.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Location")
	}
	t.Run("owner told", func(t *testing.T) {
		owner := 1000
		l, err := newLink(u, func(net.Addr, net.Addr) (int, bool) { return owner, true }, 1000)
		if err != nil {
			t.Fatal(err)
		}
		defer l.close()
		l.file = ""
		link := l.base() + openPath
		owner = 1001 // another user's connection
		if st, loc := get(t, link); st != http.StatusForbidden || loc != "" {
			t.Fatalf("another user got %d %q", st, loc)
		}
		owner = 1000
		if st, loc := get(t, link); st != http.StatusFound || loc != u {
			t.Fatalf("its user got %d %q", st, loc)
		}
		select {
		case <-l.Taken():
		default:
			t.Fatal("not taken after the redirect")
		}
		if st, loc := get(t, link); st != http.StatusGone || loc != "" {
			t.Fatalf("a second fetch got %d %q", st, loc)
		}
	})
	t.Run("owner not told: the private file", func(t *testing.T) {
		l, err := newLink(u, nil, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer l.close()
		to, isFile, err := l.handOver(t.TempDir(), func(s string) string { return s })
		if err != nil {
			t.Fatal(err)
		}
		if to = fileURL(to); !isFile || !strings.HasPrefix(to, "file://") || strings.Contains(to, l.secret) || strings.Contains(to, "STATE") {
			t.Fatalf("the browser would get %q", to)
		}
		fi, err := os.Stat(l.file)
		if err != nil {
			t.Fatal(err)
		}
		di, _ := os.Stat(filepath.Dir(l.file))
		// Windows has no file modes: the page's directory is in the
		// user's profile, whose ACL keeps other users out.
		if runtime.GOOS != "windows" && (fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700) {
			t.Fatalf("modes %v %v", fi.Mode(), di.Mode())
		}
		page, _ := os.ReadFile(l.file)
		if !strings.Contains(string(page), l.base()+openPath+"/"+l.secret) || strings.Contains(string(page), "STATE") {
			t.Fatalf("the page: %s", page)
		}
		if st, _ := get(t, l.base()+openPath); st != http.StatusForbidden {
			t.Fatalf("the link without its secret: %d", st)
		}
		if st, _ := get(t, l.base()+openPath+"/wrong"); st != http.StatusForbidden {
			t.Fatalf("a wrong secret: %d", st)
		}
		if st, loc := get(t, l.base()+openPath+"/"+l.secret); st != http.StatusFound || loc != u {
			t.Fatalf("with its secret: %d %q", st, loc)
		}
		if _, err := os.Stat(l.file); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("the page is still there once taken: %v", err)
		}
	})
}

// A URL that is not a web address (an option-like one from a server
// included) never reaches a browser.
func TestOpenRefusesWhatIsNotAWebAddress(t *testing.T) {
	b, rec := standInBrowser(t)
	for _, u := range []string{"--remote-debugging-port=9222", "file:///etc/passwd", "javascript:alert(1)", "http://evil.example/x", "ftp://x/y", ""} {
		if err := b.Open(context.Background(), u); err == nil {
			t.Errorf("%q opened", u)
		}
	}
	if _, err := os.Stat(rec); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the browser was started")
	}
}

// A browser that fails is reported without the URL, its token or the link.
func TestBrowserFailureHidesTheURL(t *testing.T) {
	script := browserScript(t, scripts.failing)
	const u = "https://signin.example/federation?Action=login&SigninToken=SECRETTOKEN&Destination=x"
	b := Browser{Command: script, Getenv: func(string) string { return "" }, GOOS: "linux", LookPath: func(p string) (string, error) { return p, nil }}
	err := b.Open(context.Background(), u)
	if err == nil || strings.Contains(err.Error(), "SECRETTOKEN") || strings.Contains(err.Error(), "127.0.0.1") || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("err = %v", err)
	}
}

// A browser that never takes the link: Open gives up after Wait.
func TestOpenGivesUpWhenTheLinkIsNotTaken(t *testing.T) {
	script := browserScript(t, scripts.ignoring)
	b := Browser{Command: script, Getenv: func(string) string { return "" }, GOOS: "linux", LookPath: func(p string) (string, error) { return p, nil }, Wait: 50 * time.Millisecond}
	if err := b.Open(context.Background(), "https://x.example/"); !errors.Is(err, ErrNotTaken) {
		t.Fatalf("err = %v, want ErrNotTaken", err)
	}
}

// Only a GET takes the link: wslview (given a URL) first checks it with
// curl --head, and a link preview may look first; neither may use it up.
func TestHeadLeavesTheLink(t *testing.T) {
	const u = "https://portal.example/authorize?state=STATE"
	l, err := newLink(u, func(net.Addr, net.Addr) (int, bool) { return 1000, true }, 1000)
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, method := range []string{http.MethodHead, http.MethodPost, http.MethodHead} {
		req, _ := http.NewRequest(method, l.base()+openPath, nil)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("Location") != "" || resp.StatusCode == http.StatusFound {
			t.Fatalf("%s got %s to %q", method, resp.Status, resp.Header.Get("Location"))
		}
	}
	select {
	case <-l.Taken():
		t.Fatal("taken by a HEAD")
	default:
	}
	resp, err := noRedirect.Get(l.base() + openPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != u {
		t.Fatalf("the GET after them: %s %q", resp.Status, resp.Header.Get("Location"))
	}
}

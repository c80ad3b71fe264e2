package browser

import (
	"context"
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

// TestMain lets the test binary stand in for a browser: given a URL, it
// fetches it once without following the redirect and records where it was
// sent (the standIn variable names the record).
func TestMain(m *testing.M) {
	if rec := os.Getenv("STSCRED_TEST_BROWSER_RECORD"); rec != "" {
		os.Exit(standIn(rec, os.Args[len(os.Args)-1]))
	}
	os.Exit(m.Run())
}

func standIn(rec, u string) int {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := u
	if strings.HasPrefix(u, "file://") {
		// The private page (where a connection's owner cannot be told):
		// a browser follows its refresh to the link.
		next, err := pageLink(u)
		if err != nil {
			os.WriteFile(rec, []byte("error: "+err.Error()), 0o600)
			return 1
		}
		get = next
	}
	resp, err := c.Get(get)
	if err != nil {
		os.WriteFile(rec, []byte("error: "+err.Error()), 0o600)
		return 1
	}
	resp.Body.Close()
	os.WriteFile(rec, []byte(u+"\n"+resp.Status+"\n"+resp.Header.Get("Location")), 0o600)
	return 0
}

// pageLink reads the private page a file:// URL names and returns the
// link its refresh goes to.
func pageLink(fileURL string) (string, error) {
	pu, err := url.Parse(fileURL)
	if err != nil {
		return "", err
	}
	path := pu.Path
	if len(path) > 2 && path[0] == '/' && path[2] == ':' {
		path = path[1:] // file:///C:/Users/...
	}
	page, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		return "", err
	}
	_, after, ok := strings.Cut(string(page), "url=")
	next, _, ok2 := strings.Cut(after, "\"")
	if !ok || !ok2 {
		return "", fmt.Errorf("no refresh in the page: %s", page)
	}
	return html.UnescapeString(next), nil
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
		got, err := tc.b.argv(u)
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
	// Open returns once the link was taken; the stand-in writes its
	// record a moment later.
	var got []byte
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if got, _ = os.ReadFile(rec); strings.Count(string(got), "\n") == 2 {
			break
		}
	}
	lines := strings.Split(string(got), "\n")
	if len(lines) != 3 {
		t.Fatalf("the stand-in recorded %q", got)
	}
	if strings.Contains(lines[0], "SECRETTOKEN") || strings.Contains(lines[0], "signin.example") {
		t.Fatalf("the browser's command line holds the URL: %s", lines[0])
	}
	if lines[1] != "302 Found" || lines[2] != u {
		t.Fatalf("the link answered %s, to %q", lines[1], lines[2])
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
		to, err := l.browserURL(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(to, "file://") || strings.Contains(to, l.secret) || strings.Contains(to, "STATE") {
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

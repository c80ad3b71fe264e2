// Command wintool is the Windows side of the Wine end-to-end tests
// (internal/e2e/wine): small things a test needs done by a Windows
// program.
//
//	wintool env NAME=VALUE... -- PROGRAM ARGS...   run PROGRAM with those variables set (Wine sets USERPROFILE and the like itself)
//	wintool exit N                                 exit with status N
//	wintool print-env NAME...                      print NAME=VALUE for each variable set
//	wintool browser RECORD ARGS...                 a stand-in browser: follows each http:// argument, or the page a file: argument refreshes to, once (as a browser loads it) and appends where it was sent, one a line, to RECORD
//	wintool signin RECORD ARGS...                  as browser, then loads the page it was sent to, following its redirects to the end (a sign-in that comes back to a loopback listener)
package main

import (
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: wintool env|exit|print-env ...")
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "env":
		os.Exit(runEnv(args))
	case "exit":
		n, err := strconv.Atoi(args[0])
		if err != nil {
			fail(err.Error())
		}
		os.Exit(n)
	case "browser":
		if len(args) < 1 {
			fail("browser: no record file")
		}
		os.Exit(browse(args[0], args[1:], false))
	case "signin":
		if len(args) < 1 {
			fail("signin: no record file")
		}
		os.Exit(browse(args[0], args[1:], true))
	case "print-env":
		for _, name := range args {
			if v, ok := os.LookupEnv(name); ok {
				fmt.Printf("%s=%s\n", name, v)
			}
		}
	default:
		if !platform(os.Args[1], args) {
			fail("unknown command " + os.Args[1])
		}
	}
}

// runEnv runs a program with variables set, stdio passed through, and
// returns its exit status.
func runEnv(args []string) int {
	i := 0
	for i < len(args) && args[i] != "--" {
		if !strings.Contains(args[i], "=") {
			fail("env: want NAME=VALUE, got " + args[i])
		}
		i++
	}
	if i >= len(args)-1 {
		fail("env: no program after --")
	}
	cmd := exec.Command(args[i+1], args[i+2:]...)
	cmd.Env = append(os.Environ(), args[:i]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		fail(err.Error())
	}
	return 0
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "wintool:", msg)
	os.Exit(2)
}

// refreshTarget is where the local page at the file: URL u sends the
// browser (its meta refresh's url), or u when it sends it nowhere.
func refreshTarget(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	page, err := os.ReadFile(strings.TrimPrefix(p.Path, "/"))
	if err != nil {
		fail("browser: " + err.Error())
	}
	_, rest, ok := strings.Cut(string(page), `content="0; url=`)
	if !ok {
		return u
	}
	target, _, _ := strings.Cut(rest, `"`)
	return html.UnescapeString(target)
}

// browse fetches each http:// argument once, without following its
// redirect, and appends the redirect's target (or the argument, when
// there is none) to record. With onward it then loads that target,
// following every redirect, and fails unless the last page answers 200.
func browse(record string, args []string, onward bool) int {
	client := &http.Client{
		Timeout:       time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var lines []string
	for _, a := range args {
		if strings.HasPrefix(a, "file:") {
			// A page that sends the browser on (stscred's hand-off on
			// Windows): its meta refresh is followed.
			a = refreshTarget(a)
		}
		if !strings.HasPrefix(a, "http://") {
			lines = append(lines, a)
			continue
		}
		resp, err := client.Get(a)
		if err != nil {
			fail("browser: " + err.Error())
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "" {
			a = loc
		}
		lines = append(lines, a)
		if onward && a != "" {
			follow(a)
		}
	}
	f, err := os.OpenFile(record, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		fail("browser: " + err.Error())
	}
	defer f.Close()
	if _, err := f.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		fail("browser: " + err.Error())
	}
	return 0
}

// follow loads u as a browser does, following its redirects, and fails
// unless the page it ends on answers 200.
func follow(u string) {
	resp, err := (&http.Client{Timeout: time.Minute}).Get(u)
	if err != nil {
		fail("browser: " + err.Error())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fail(fmt.Sprintf("browser: %s answered %s", resp.Request.URL.Redacted(), resp.Status))
	}
}

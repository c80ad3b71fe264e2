package browser

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// A link hands a URL to the browser without putting it on a command line,
// where every local user can read it in the process list: a sign-in's
// authorize URL (its state and PKCE challenge let another user sign the
// victim in as themselves), a device code's verification URL, a console
// sign-in URL (a bearer credential). The browser is given a URL of a
// loopback server instead, which answers once with a redirect to the real
// one, and only to this user:
//
//   - on Linux, the link is http://127.0.0.1:PORT/stscred/open, and the
//     server answers only a connection whose socket belongs to this user
//     (the kernel's table of TCP sockets says whose it is);
//   - elsewhere (or where that table cannot be read, or under WSL, where a
//     Windows browser's connection is not a socket of this user's: see
//     Browser), the browser is given a file in a private directory (mode
//     0700, the file 0600) that sends it on to
//     http://127.0.0.1:PORT/stscred/open/SECRET; other users can read the
//     file's name but not its content.
//
// The link answers one GET, once: afterwards it says the page was opened
// already. A HEAD is answered without taking it.
type link struct {
	target string
	ln     net.Listener
	srv    *http.Server
	secret string
	file   string // the private file, when the browser is given one
	peer   func(remote, local net.Addr) (uid int, ok bool)
	uid    int

	once  sync.Once
	taken chan struct{}
}

// openPath is the link's path on the loopback server.
const openPath = "/stscred/open"

// newLink starts the loopback server for target. peer tells the owner of
// a connection's socket (nil, or ok=false: not known here).
func newLink(target string, peer func(remote, local net.Addr) (int, bool), uid int) (*link, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on 127.0.0.1 to hand the URL to the browser: %w", err)
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		ln.Close()
		return nil, err
	}
	l := &link{target: target, ln: ln, secret: base64.RawURLEncoding.EncodeToString(b), peer: peer, uid: uid, taken: make(chan struct{})}
	l.srv = &http.Server{Handler: http.HandlerFunc(l.serve), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = l.srv.Serve(ln) }()
	return l, nil
}

// base is the loopback server's address.
func (l *link) base() string { return "http://" + l.ln.Addr().String() }

// peerMode reports whether the link answers by the owner of the
// connection (on Linux, where the kernel's table tells it), rather than
// to whoever holds its secret.
func (l *link) peerMode() bool { return l.peer != nil && peerKnowable() }

// handOver is what the browser is given, and whether it is a file: in
// peer mode the loopback link, else the path of a private file whose page
// sends the browser on to the link's secret path. wrap turns the link
// into what the browser opens (a container add-on's URL around it).
func (l *link) handOver(tmp string, wrap func(string) string) (string, bool, error) {
	if l.peerMode() {
		return wrap(l.base() + openPath), false, nil
	}
	dir, err := os.MkdirTemp(tmp, "stscred-open-")
	if err != nil {
		return "", false, fmt.Errorf("making a private directory for the browser's page: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return "", false, err
	}
	l.file = filepath.Join(dir, "open.html")
	next := html.EscapeString(wrap(l.base() + openPath + "/" + l.secret))
	page := "<!doctype html>\n<html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">" +
		"<meta http-equiv=\"refresh\" content=\"0; url=" + next + "\"><title>stscred</title></head>" +
		"<body><p><a href=\"" + next + "\">Continue</a></p></body></html>\n"
	if err := os.WriteFile(l.file, []byte(page), 0o600); err != nil {
		os.RemoveAll(dir)
		return "", false, err
	}
	return l.file, true, nil
}

// fileURL is the file:// URL of a path of this system.
func fileURL(path string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	if filepath.VolumeName(path) != "" {
		u.Path = "/" + u.Path // file:///C:/Users/...
	}
	return u.String()
}

func (l *link) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet {
		// Only a GET takes the link: a HEAD (wslview's check that a
		// URL answers, a link preview) is answered and leaves it.
		w.Header().Set("Allow", "GET")
		status := http.StatusMethodNotAllowed
		if r.Method == http.MethodHead {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		return
	}
	ok := false
	switch {
	case r.URL.Path == openPath && l.peer != nil && l.file == "":
		remote, _ := net.ResolveTCPAddr("tcp", r.RemoteAddr)
		uid, known := l.peer(remote, l.ln.Addr())
		ok = known && uid == l.uid
	case len(r.URL.Path) > len(openPath)+1 && r.URL.Path[:len(openPath)+1] == openPath+"/":
		ok = subtle.ConstantTimeCompare([]byte(r.URL.Path[len(openPath)+1:]), []byte(l.secret)) == 1
	}
	if !ok {
		page(w, http.StatusForbidden, "This page is not yours to open.")
		return
	}
	first := false
	l.once.Do(func() { first = true })
	if !first {
		page(w, http.StatusGone, "This page was opened already. You can close this window.")
		return
	}
	http.Redirect(w, r, l.target, http.StatusFound)
	close(l.taken)
	if l.file != "" {
		os.RemoveAll(filepath.Dir(l.file))
	}
}

// Taken is closed when the browser has been sent on.
func (l *link) Taken() <-chan struct{} { return l.taken }

// close stops the server and removes the private file.
func (l *link) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if l.srv.Shutdown(ctx) != nil {
		_ = l.srv.Close()
	}
	if l.file != "" {
		os.RemoveAll(filepath.Dir(l.file))
	}
}

func page(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html>\n<html><head><title>stscred</title></head><body><p>%s</p></body></html>\n", html.EscapeString(text))
}

// ErrNotTaken is returned when the browser did not open the page in time.
var ErrNotTaken = errors.New("the browser did not open the page")

// checkTarget refuses a URL a browser must not be sent to: anything but
// https, or http on a loopback host (test servers).
func checkTarget(u string) error {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return errors.New("the URL to open is not a web address")
	}
	switch p.Scheme {
	case "https":
		return nil
	case "http":
		host := p.Hostname()
		if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
			return nil
		}
	}
	return fmt.Errorf("the URL to open is not an https address (%s)", p.Scheme)
}

package testsrv

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// MaxBodySize bounds request bodies; every real request is far smaller.
const MaxBodySize = 1 << 20

// Listener serves a handler on a random port of 127.0.0.1. The zero value
// is ready to Start. It is safe for concurrent use.
type Listener struct {
	mu     sync.Mutex
	srv    *http.Server
	url    string
	served chan struct{}
}

// Start serves h and returns its URL, "http://127.0.0.1:PORT". Like
// httptest.NewServer it panics if it cannot listen, or if the listener was
// already started (and not closed since); name (the server's package)
// starts the message.
func (l *Listener) Start(name string, h http.Handler) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.srv != nil {
		panic(name + ": Start called twice")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("%s: listening on 127.0.0.1: %v", name, err))
	}
	l.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	l.url = "http://" + ln.Addr().String()
	l.served = make(chan struct{})
	go func(hs *http.Server, done chan struct{}) {
		defer close(done)
		_ = hs.Serve(ln) // http.ErrServerClosed on Close
	}(l.srv, l.served)
	return l.url
}

// URL is the URL Start returned, or "" before Start.
func (l *Listener) URL() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.url
}

// Close stops serving, dropping open connections, and waits until the
// server has stopped. It does nothing before Start, so it suits
// t.Cleanup.
func (l *Listener) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.srv == nil {
		return
	}
	_ = l.srv.Close()
	<-l.served
	l.srv = nil
}

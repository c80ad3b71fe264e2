package signin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/testkit/signintest"
)

// proxy stands between the client and the Sign-In stand-in: it passes
// requests on, or (mode) answers none until the client gives up
// ("hang"), drops the connection ("drop"), or answers a proxy's error
// page ("page"). It counts the token requests it saw.
type proxy struct {
	mu     sync.Mutex
	mode   string
	tokens int
	done   chan struct{} // closed when the test ends: a held request lets go
}

func (p *proxy) handler(next string) http.Handler {
	u, err := url.Parse(next)
	if err != nil {
		panic(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		mode := p.mode
		if r.URL.Path == "/v1/token" {
			p.tokens++
		} else {
			mode = "" // the browser's pages always pass
		}
		p.mu.Unlock()
		switch mode {
		case "hang":
			select {
			case <-r.Context().Done():
			case <-p.done:
			}
		case "drop":
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		case "page":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
		default:
			rp.ServeHTTP(w, r)
		}
	})
}

func (p *proxy) set(mode string) (tokens int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = mode
	return p.tokens
}

// A renewal that meets throttling, an outage, a proxy's page, a dropped
// connection or no answer at all says so in the user's terms, is made
// once (a refresh token is accepted once: never retried), and leaves the
// session renewable.
func TestRenewalFaults(t *testing.T) {
	w := newWorld(t)
	p := &proxy{done: make(chan struct{})}
	front := httptest.NewServer(p.handler(w.url))
	t.Cleanup(front.Close)
	t.Cleanup(func() { close(p.done) })
	s := signin.Session{Profile: "alice", Region: "eu-west-1", Endpoint: front.URL}
	res := w.login(s, signin.LoginOptions{})
	s.ARN = res.ARN
	w.c.Timeout = 500 * time.Millisecond
	for _, tc := range []struct {
		fault, mode string
		want, hint  string
	}{
		{fault: signintest.TooManyRequestsError,
			want: "AWS Sign-In is throttling profile alice's requests: Rate exceeded", hint: "try again in a moment"},
		{fault: signintest.InternalServerException,
			want: "AWS Sign-In failed profile alice's request (server_error): An internal error occurred.", hint: "try again in a moment"},
		{fault: signintest.ServiceUnavailableException,
			want: "AWS Sign-In at " + front.URL + " refused profile alice's request: HTTP 503", hint: "try again in a moment"},
		{mode: "page", want: "AWS Sign-In at " + front.URL + " refused profile alice's request: HTTP 502", hint: "try again in a moment"},
		{mode: "drop", want: "cannot reach AWS Sign-In at " + front.URL + ": ", hint: "AWS_ENDPOINT_URL_SIGNIN"},
		{mode: "hang", want: "AWS Sign-In at " + front.URL + ": no answer within 500ms", hint: "raise --sts-timeout"},
	} {
		name := tc.fault + tc.mode
		if tc.fault != "" {
			if err := w.srv.Fail(signintest.GrantOp("refresh_token"), tc.fault, 1); err != nil {
				t.Fatal(err)
			}
		}
		before := p.set(tc.mode)
		_, err := w.c.Credentials(context.Background(), s)
		after := p.set("")
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !strings.Contains(strings.Join(hint.Of(err), " "), tc.hint) {
			t.Errorf("%s: %v %q, want %q and a hint %q", name, err, hint.Of(err), tc.want, tc.hint)
		}
		if _, need := signin.NeedsSignIn(err); need {
			t.Errorf("%s: a passing failure asks for a new sign-in", name)
		}
		if after-before != 1 {
			t.Errorf("%s: %d token requests, want 1 (never retried)", name, after-before)
		}
		w.noSecretShown(err.Error())
		if _, err := w.c.Credentials(context.Background(), s); err != nil {
			t.Fatalf("%s: the session no longer renews: %v", name, err)
		}
	}
}

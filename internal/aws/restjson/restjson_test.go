package restjson

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// answer is one canned HTTP answer.
type answer struct {
	status int
	header map[string]string
	body   string
}

// server answers requests with its answers in turn (the last one again
// when they run out) and records what it was asked.
type server struct {
	t       *testing.T
	url     string
	mu      sync.Mutex
	answers []answer
	got     []*http.Request
	bodies  []string
}

func newServer(t *testing.T, answers ...answer) *server {
	s := &server{t: t, answers: answers}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.got = append(s.got, r.Clone(context.Background()))
	s.bodies = append(s.bodies, string(b))
	a := s.answers[min(len(s.got), len(s.answers))-1]
	s.mu.Unlock()
	for k, v := range a.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(a.status)
	_, _ = io.WriteString(w, a.body)
}

// req is the i-th request and its body.
func (s *server) req(i int) (*http.Request, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[i], s.bodies[i]
}

func (s *server) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

// quick is a client of s whose retries wait nothing, recording the
// waits asked for.
func quick(endpoint string, waits *[]string, exceptions ...string) *Client {
	c := New(endpoint, 5*time.Second, exceptions...)
	c.Backoff = func(n int, throttled bool) time.Duration {
		if waits != nil {
			w := "5xx"
			if throttled {
				w = "throttled"
			}
			*waits = append(*waits, w)
		}
		return 0
	}
	return c
}

// The request is built as the SDK builds it: the endpoint's path joined
// with the operation's, the query encoded, headers as given (canonical
// names), a JSON body with Content-Type, strings not HTML-escaped; the
// endpoint's own query dropped.
func TestRequestBuilt(t *testing.T) {
	s := newServer(t, answer{200, nil, `{"value":"ok"}`})
	c := quick(s.url+"/prefix/?dropped=1", nil)
	var out struct{ Value string }
	err := c.Call(context.Background(), Request{
		Method: http.MethodPost, Path: "/token",
		Query:  url.Values{"role_name": {"Admin+Ops, x"}, "account_id": {"111111111111"}},
		Header: http.Header{"x-amz-sso_bearer_token": {"tok"}},
		Body: struct {
			URL string `json:"issuerUrl"`
		}{"https://example.com/start?a=1&b=<2>"},
	}, &out)
	if err != nil || out.Value != "ok" {
		t.Fatalf("%+v, %v", out, err)
	}
	r, body := s.req(0)
	if r.Method != http.MethodPost || r.URL.Path != "/prefix/token" {
		t.Errorf("%s %s", r.Method, r.URL.Path)
	}
	if q := r.URL.Query(); len(q) != 2 || q.Get("role_name") != "Admin+Ops, x" || q.Get("account_id") != "111111111111" {
		t.Errorf("query %q", r.URL.RawQuery)
	}
	if r.Header.Get("X-Amz-Sso_bearer_token") != "tok" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", r.Header)
	}
	if want := `{"issuerUrl":"https://example.com/start?a=1&b=<2>"}`; body != want {
		t.Errorf("body %s, want %s", body, want)
	}

	// No body: no Content-Type; a GET's answer read.
	s = newServer(t, answer{200, nil, ``})
	if err := quick(s.url, nil).Call(context.Background(), Request{Method: http.MethodGet, Path: "/assignment/accounts"}, &out); err != nil {
		t.Fatal(err)
	}
	if r, body := s.req(0); r.Header.Get("Content-Type") != "" || body != "" || r.URL.Path != "/assignment/accounts" || r.URL.RawQuery != "" {
		t.Errorf("%s %s %v %q", r.Method, r.URL, r.Header, body)
	}
}

// An endpoint that is no http(s) URL fails every call before a request.
func TestBadEndpoint(t *testing.T) {
	for _, ep := range []string{"", "ftp://x", "http://", "://x"} {
		if err := New(ep, time.Second).Call(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, nil); err == nil {
			t.Errorf("%q: no error", ep)
		}
	}
}

// Error documents read as restJson1 reads them; what is no error
// document is an AnswerError.
func TestErrorDocuments(t *testing.T) {
	type want struct {
		code, msg, oauth, desc string
		modeled                bool
		answer                 bool // an AnswerError instead
	}
	for _, tc := range []struct {
		name   string
		status int
		header map[string]string
		body   string
		want   want
	}{
		{"OIDC: header with a URI, OAuth body", 400,
			map[string]string{"X-Amzn-ErrorType": "AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"},
			`{"error":"authorization_pending","error_description":"Authorization is still pending"}`,
			want{code: "AuthorizationPendingException", oauth: "authorization_pending", desc: "Authorization is still pending", modeled: true}},
		{"portal: __type with a namespace", 401, nil,
			`{"message":"Session token not found or invalid","__type":"com.amazonaws.switchboard.portal#UnauthorizedException"}`,
			want{code: "UnauthorizedException", msg: "Session token not found or invalid", modeled: true}},
		{"the header before __type", 400, map[string]string{"x-amzn-errortype": "InvalidGrantException"},
			`{"__type":"Other","message":"m"}`, want{code: "InvalidGrantException", msg: "m", modeled: true}},
		{"Sign-In: __type and error", 401, nil, `{"__type":"AccessDeniedException","error":"TOKEN_EXPIRED","message":"The refresh token has expired."}`,
			want{code: "AccessDeniedException", msg: "The refresh token has expired.", oauth: "TOKEN_EXPIRED", modeled: true}},
		{"code member, Message", 403, nil, `{"code":"ForbiddenException","Message":"No access"}`, want{code: "ForbiddenException", msg: "No access"}},
		{"code member not a string", 400, nil, `{"code":5}`, want{code: "UnknownError"}},
		{"OAuth members not strings", 400, map[string]string{"X-Amzn-ErrorType": "SlowDownException"}, `{"error":1,"error_description":{}}`,
			want{code: "SlowDownException", modeled: true}},
		{"no body", 503, nil, ``, want{code: "UnknownError"}},
		{"empty object", 500, nil, `{}`, want{code: "UnknownError"}},
		{"null", 400, nil, `null`, want{code: "UnknownError"}},
		{"a proxy's page", 502, nil, `<html><body>Bad gateway</body></html>`, want{answer: true}},
		{"an array", 400, nil, `[1,2]`, want{answer: true}},
		{"a message that is no string", 400, nil, `{"__type":"X","message":5}`, want{answer: true}},
	} {
		s := newServer(t, answer{tc.status, tc.header, tc.body})
		err := quick(s.url, nil, "AuthorizationPendingException", "UnauthorizedException", "InvalidGrantException", "AccessDeniedException", "SlowDownException").
			Call(context.Background(), Request{Method: http.MethodPost, Path: "/x", Once: true}, nil)
		var e *Error
		var a *AnswerError
		switch {
		case tc.want.answer:
			if !errors.As(err, &a) || a.Status != tc.status {
				t.Errorf("%s: %v, want an AnswerError", tc.name, err)
			}
		case !errors.As(err, &e):
			t.Errorf("%s: %v, want an Error", tc.name, err)
		case e.Code != tc.want.code || e.Message != tc.want.msg || e.OAuthError != tc.want.oauth || e.Description != tc.want.desc ||
			e.Modeled != tc.want.modeled || e.Status != tc.status:
			t.Errorf("%s: %+v, want %+v", tc.name, e, tc.want)
		}
	}
}

// The request id comes from x-amzn-RequestId.
func TestRequestID(t *testing.T) {
	s := newServer(t, answer{400, map[string]string{"x-amzn-RequestId": "rid-1"}, `{"__type":"X"}`})
	var e *Error
	if err := quick(s.url, nil).Call(context.Background(), Request{Method: http.MethodPost, Path: "/x"}, nil); !errors.As(err, &e) || e.RequestID != "rid-1" {
		t.Errorf("%v", err)
	}
}

// Retried as the SDK's standard retryer retries: 500, 502, 503, 504,
// throttling codes, a 429 the model does not name, RequestTimeout; three
// attempts in all, the wait after throttling a throttling one. Nothing
// else, and nothing of a call made Once.
func TestRetries(t *testing.T) {
	const modeled = "UnauthorizedException"
	for _, tc := range []struct {
		name   string
		first  answer
		once   bool
		calls  int
		waited string
	}{
		{"500", answer{500, nil, `{}`}, false, 2, "5xx"},
		{"502 page", answer{502, nil, `<html>`}, false, 2, "5xx"},
		{"503", answer{503, nil, ``}, false, 2, "5xx"},
		{"504", answer{504, nil, `{}`}, false, 2, "5xx"},
		{"501", answer{501, nil, `{}`}, false, 1, ""},
		{"400", answer{400, nil, `{"__type":"InvalidRequestException"}`}, false, 1, ""},
		{"ThrottlingException", answer{400, nil, `{"__type":"ThrottlingException"}`}, false, 2, "throttled"},
		{"TooManyRequestsException", answer{429, nil, `{"__type":"TooManyRequestsException"}`}, false, 2, "throttled"},
		{"429 not modeled", answer{429, nil, `{"__type":"Busy"}`}, false, 2, "throttled"},
		{"429 page", answer{429, nil, `<html>`}, false, 2, "throttled"},
		{"429 modeled", answer{429, nil, `{"__type":"` + modeled + `"}`}, false, 1, ""},
		{"RequestTimeoutException", answer{400, nil, `{"__type":"RequestTimeoutException"}`}, false, 2, "5xx"},
		{"503, once", answer{503, nil, `{}`}, true, 1, ""},
		{"throttled, once", answer{400, nil, `{"__type":"ThrottlingException"}`}, true, 1, ""},
	} {
		s := newServer(t, tc.first, answer{200, nil, `{}`})
		var waits []string
		err := quick(s.url, &waits, modeled).Call(context.Background(), Request{Method: http.MethodGet, Path: "/x", Once: tc.once}, &struct{}{})
		if got := strings.Join(waits, ","); s.calls() != tc.calls || got != tc.waited || (tc.calls == 2) != (err == nil) {
			t.Errorf("%s: %d calls, waits %q, %v; want %d calls, waits %q", tc.name, s.calls(), got, err, tc.calls, tc.waited)
		}
	}

	// Three attempts in all; the last failure is the error.
	s := newServer(t, answer{503, nil, `{"__type":"ServiceUnavailableException","message":"later"}`})
	var waits []string
	err := quick(s.url, &waits).Call(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, nil)
	var e *Error
	if !errors.As(err, &e) || e.Code != "ServiceUnavailableException" || s.calls() != 3 || len(waits) != 2 {
		t.Errorf("%v after %d calls, %d waits", err, s.calls(), len(waits))
	}
}

// countingDoer fails its first n requests with err, then asks next.
type countingDoer struct {
	mu    sync.Mutex
	n     int
	err   error
	calls int
	next  interface {
		Do(*http.Request) (*http.Response, error)
	}
}

func (d *countingDoer) Do(r *http.Request) (*http.Response, error) {
	d.mu.Lock()
	d.calls++
	fail := d.calls <= d.n
	d.mu.Unlock()
	if fail {
		return nil, &url.Error{Op: "Post", URL: r.URL.String(), Err: d.err}
	}
	return d.next.Do(r)
}

// A request that got no answer is retried (a connection reset, refused,
// a timeout), but not a host name that does not exist, nor a call made
// Once; its error is a NoAnswerError naming the network's error.
func TestNoAnswerRetried(t *testing.T) {
	reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	noHost := &net.DNSError{Err: "no such host", Name: "oidc.nowhere.invalid", IsNotFound: true}
	for _, tc := range []struct {
		name  string
		err   error
		fails int
		once  bool
		calls int
		ok    bool
	}{
		{"reset once", reset, 1, false, 2, true},
		{"refused twice", refused, 2, false, 3, true},
		{"refused always", refused, 9, false, 3, false},
		{"no such host", noHost, 1, false, 1, false},
		{"reset, once", reset, 1, true, 1, false},
	} {
		s := newServer(t, answer{200, nil, `{}`})
		c := quick(s.url, nil)
		d := &countingDoer{n: tc.fails, err: tc.err, next: c.HTTP}
		c.HTTP = d
		err := c.Call(context.Background(), Request{Method: http.MethodPost, Path: "/x", Once: tc.once}, &struct{}{})
		var na *NoAnswerError
		switch {
		case d.calls != tc.calls || (err == nil) != tc.ok:
			t.Errorf("%s: %v after %d requests, want %d", tc.name, err, d.calls, tc.calls)
		case !tc.ok && (!errors.As(err, &na) || na.OutOfTime || err.Error() != tc.err.Error()):
			t.Errorf("%s: %v (%T), want the network's error", tc.name, err, err)
		}
	}
}

// One budget bounds a call: a server that never answers fails it with
// "no answer within", once; a retry whose wait does not fit in what is
// left is not made, and the last failure is the error; the caller's
// context ends the call too.
func TestBudget(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	hung := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hung++
		mu.Unlock()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c := New(srv.URL, 300*time.Millisecond)
	err := c.Call(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, &struct{}{})
	var na *NoAnswerError
	if !errors.As(err, &na) || !na.OutOfTime || err.Error() != "no answer within 300ms" {
		t.Fatalf("hung endpoint: %v", err)
	}
	mu.Lock()
	if hung != 1 {
		t.Errorf("%d requests to a hung endpoint in one budget", hung)
	}
	mu.Unlock()

	s := newServer(t, answer{400, nil, `{"__type":"ThrottlingException","message":"Rate exceeded"}`})
	c = New(s.url, time.Second)
	c.Backoff = func(int, bool) time.Duration { return time.Hour }
	err = c.Call(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, nil)
	var e *Error
	if !errors.As(err, &e) || e.Code != "ThrottlingException" || s.calls() != 1 {
		t.Errorf("throttled past the budget: %v after %d requests", err, s.calls())
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s = newServer(t, answer{200, nil, `{}`})
	if err := quick(s.url, nil).Call(ctx, Request{Method: http.MethodGet, Path: "/x"}, nil); !errors.Is(err, context.Canceled) || !errors.As(err, &na) {
		t.Errorf("cancelled: %v", err)
	}

	// Cancelled while waiting to retry.
	ctx, cancel = context.WithCancel(context.Background())
	s = newServer(t, answer{503, nil, `{}`})
	c = New(s.url, time.Hour)
	c.Backoff = func(int, bool) time.Duration { cancel(); return time.Minute }
	if err := c.Call(ctx, Request{Method: http.MethodGet, Path: "/x"}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled while waiting: %v", err)
	}
}

// A connection that cannot be made is not "no answer within": the
// network's error is.
func TestNotConnected(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var waits []string
	err = quick("http://"+addr, &waits).Call(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, nil)
	var na *NoAnswerError
	var oe *net.OpError
	if !errors.As(err, &na) || na.OutOfTime || !errors.As(na.Cause(), &oe) || oe.Op != "dial" || len(waits) != 2 {
		t.Errorf("%v (%d retries)", err, len(waits))
	}
}

// Answers are read up to a cap: a larger one is an AnswerError (an error
// document beyond it too, retried when 5xx); an answer that is not the
// JSON document asked for is one as well, its text quoting nothing of it.
func TestAnswerCap(t *testing.T) {
	big := `{"value":"` + strings.Repeat("x", 2000) + `"}`
	for _, tc := range []struct {
		status int
		body   string
		calls  int
	}{
		{200, big, 1},
		{400, `{"__type":"X","message":"` + strings.Repeat("m", 2000) + `"}`, 1},
		{503, big, 3},
	} {
		s := newServer(t, answer{tc.status, nil, tc.body})
		c := quick(s.url, nil)
		c.MaxAnswer = 1000
		var out struct{ Value string }
		err := c.Call(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, &out)
		var a *AnswerError
		if !errors.As(err, &a) || a.Status != tc.status || !strings.Contains(a.Reason, "larger than 1000 bytes") || s.calls() != tc.calls || out.Value != "" {
			t.Errorf("HTTP %d: %v after %d calls", tc.status, err, s.calls())
		}
	}
	// At the cap exactly: read.
	s := newServer(t, answer{200, nil, big})
	c := quick(s.url, nil)
	c.MaxAnswer = int64(len(big))
	var out struct{ Value string }
	if err := c.Call(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, &out); err != nil || len(out.Value) != 2000 {
		t.Errorf("at the cap: %v", err)
	}

	for _, body := range []string{`{"accessToken":"SECRET-1"`, `{"expiresIn":"SECRET-2"}`, `SECRET-3`} {
		s := newServer(t, answer{200, nil, body})
		var out struct {
			AccessToken string `json:"accessToken"`
			ExpiresIn   int32  `json:"expiresIn"`
		}
		err := quick(s.url, nil).Call(context.Background(), Request{Method: http.MethodPost, Path: "/x"}, &out)
		var a *AnswerError
		if !errors.As(err, &a) || a.Status != 200 || strings.Contains(err.Error(), "SECRET") || s.calls() != 1 {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// Sign sees each attempt's request as it will be sent, URL and headers
// included, and its header goes out.
func TestSign(t *testing.T) {
	s := newServer(t, answer{500, nil, `{}`}, answer{200, nil, `{}`})
	var seen []string
	err := quick(s.url+"/base", nil).Call(context.Background(), Request{
		Method: http.MethodPost, Path: "/v1/token", Query: url.Values{"q": {"1"}}, Body: map[string]string{"a": "b"},
		Sign: func(r *http.Request) error {
			seen = append(seen, r.Method+" "+r.URL.String()+" "+r.Header.Get("Content-Type"))
			r.Header.Set("DPoP", "proof-"+string(rune('0'+len(seen))))
			return nil
		},
	}, &struct{}{})
	if err != nil || len(seen) != 2 || seen[0] != "POST "+s.url+"/base/v1/token?q=1 application/json" {
		t.Fatalf("%v, signed %q", err, seen)
	}
	r0, _ := s.req(0)
	r1, _ := s.req(1)
	if r0.Header.Get("DPoP") != "proof-1" || r1.Header.Get("DPoP") != "proof-2" {
		t.Errorf("DPoP headers %q, %q", r0.Header.Get("DPoP"), r1.Header.Get("DPoP"))
	}
	// A Sign that fails stops the call before a request.
	s = newServer(t, answer{200, nil, `{}`})
	bad := errors.New("no key")
	if err := quick(s.url, nil).Call(context.Background(), Request{Method: http.MethodPost, Path: "/x", Sign: func(*http.Request) error { return bad }}, nil); !errors.Is(err, bad) || s.calls() != 0 {
		t.Errorf("%v after %d calls", err, s.calls())
	}
}

// The wait before a retry: full jitter under base·2^(n-1) (50 ms, 1 s
// when throttled), at most 20 s; X-Amz-Retry-After moves it within
// [backoff, backoff+5s].
func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		n         int
		throttled bool
		ceiling   time.Duration
	}{
		{1, false, 50 * time.Millisecond}, {2, false, 100 * time.Millisecond},
		{1, true, time.Second}, {2, true, 2 * time.Second}, {6, true, 20 * time.Second}, {40, true, 20 * time.Second},
	} {
		var most time.Duration
		for range 200 {
			d := backoff(tc.n, tc.throttled)
			if d < 0 || d >= tc.ceiling {
				t.Fatalf("retry %d (throttled %v): %s, want under %s", tc.n, tc.throttled, d, tc.ceiling)
			}
			most = max(most, d)
		}
		if most < tc.ceiling/4 {
			t.Errorf("retry %d (throttled %v): at most %s in 200 draws under %s", tc.n, tc.throttled, most, tc.ceiling)
		}
	}
	for _, tc := range []struct {
		backoff time.Duration
		header  string
		want    time.Duration
	}{
		{time.Second, "", time.Second},
		{time.Second, "3000", 3 * time.Second},
		{time.Second, "10", time.Second},
		{time.Second, "60000", 6 * time.Second},
		{time.Second, "-5", time.Second},
		{time.Second, "soon", time.Second},
	} {
		if got := afterRetryHeader(tc.backoff, tc.header); got != tc.want {
			t.Errorf("backoff %s, header %q: %s, want %s", tc.backoff, tc.header, got, tc.want)
		}
	}
}

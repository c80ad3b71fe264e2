// Package restjson makes AWS REST-JSON calls (the restJson1 protocol of
// IAM Identity Center's OIDC and portal APIs and of AWS Sign-In) over
// sdkhttp's HTTP client, as the SDK's clients for those services make
// them: the request built from a method, a path, a query, headers and a
// JSON body; one budget per call, attempts and the waits between them
// included; the SDK standard retryer's retries (three attempts, on
// throttling, 5xx and connection failures, exponential backoff with full
// jitter), but never for a call marked Once; the service's error
// document read as restJson1 reads it into an Error; the answer read up
// to a cap. It also knows where the three services are in each partition
// (OIDC, Portal, SignIn).
//
// Why not the SDK's clients: every process that links a service client
// runs its package initialisation (endpoint tables, schemas) at start,
// and stscred's cache hit, which never makes these calls, is such a
// process. The three clients cost about 1.6 million of the 4.5 million
// instructions of a cache hit. STS stays on the SDK.
//
// Requests are never signed: these calls carry a bearer token, a client
// secret or a DPoP proof (Request.Sign), not SigV4.
package restjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/sys/sdkhttp"
)

const (
	// DefaultTimeout is the budget of a call when the Client names none.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxAnswer caps the body of an answer read. The services'
	// documents are a few kilobytes; a page of accounts a few dozen.
	DefaultMaxAnswer = 1 << 20
	// maxAttempts is how often a call is tried in all (the SDK's
	// standard retryer's default).
	maxAttempts = 3
	// maxBackoff bounds the wait before a retry.
	maxBackoff = 20 * time.Second
)

// Client makes the calls of one service at one endpoint. Its zero value
// is not usable: New fills it.
type Client struct {
	endpoint *url.URL
	bad      error // the endpoint is no URL; every call returns it

	// Timeout is the budget of one call: connection, every attempt and
	// the waits between them.
	Timeout time.Duration
	// Exceptions are the error codes the service's model defines (its
	// modeled exceptions): an Error says whether its code is one, and a
	// 429 answer with another code counts as throttling, as the SDK
	// counts it.
	Exceptions []string
	// MaxAnswer caps the body of an answer read (0: DefaultMaxAnswer).
	MaxAnswer int64
	// HTTP sends the requests; New sets sdkhttp's client for Timeout.
	HTTP interface {
		Do(*http.Request) (*http.Response, error)
	}
	// Backoff is the wait before retry n (1, 2) after a failure that was
	// throttling or not; New sets the SDK's (see backoff).
	Backoff func(n int, throttled bool) time.Duration
}

// New is a client of the API at endpoint (a base URL, its path a prefix
// of every request's) whose calls each end within timeout (DefaultTimeout
// when 0), its answers read with sdkhttp's HTTP client.
func New(endpoint string, timeout time.Duration, exceptions ...string) *Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	c := &Client{Timeout: timeout, Exceptions: exceptions, HTTP: sdkhttp.Client(timeout), Backoff: backoff}
	u, err := url.Parse(endpoint)
	switch {
	case err != nil:
		c.bad = fmt.Errorf("the endpoint %q is no URL: %w", endpoint, err)
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		c.bad = fmt.Errorf("the endpoint %q is not an http or https URL", endpoint)
	default:
		c.endpoint = u
	}
	return c
}

// Request is one call.
type Request struct {
	Method string     // GET, POST
	Path   string     // the operation's path, e.g. /token
	Query  url.Values // the query's members (nil: none)
	Header http.Header
	// Body is sent as JSON (Content-Type application/json); nil: no body.
	Body any
	// Once marks a call that must not be repeated (a code or a refresh
	// token is accepted once, and a retry after a lost answer would be
	// refused, or revoke what the first gave): it is made one time only.
	Once bool
	// Sign, if set, is called on each attempt's request just before it
	// is sent (a DPoP proof of the request's URL).
	Sign func(*http.Request) error
}

// URL is where r goes: the endpoint's scheme and host, its path joined
// with r's, and r's query (the endpoint's own query and user are
// dropped, as the SDK drops them).
func (c *Client) URL(r Request) (*url.URL, error) {
	if c.bad != nil {
		return nil, c.bad
	}
	u := &url.URL{Scheme: c.endpoint.Scheme, Host: c.endpoint.Host}
	u.Path = strings.TrimSuffix(c.endpoint.Path, "/") + "/" + strings.TrimPrefix(r.Path, "/")
	if len(r.Query) > 0 {
		u.RawQuery = r.Query.Encode()
	}
	return u, nil
}

// Call makes r within the client's budget (and ctx) and decodes a
// successful answer's JSON document into out (nil: the answer is not
// read). Its errors: *Error (the service's error document), *AnswerError
// (an answer that is neither that nor what was asked for), *NoAnswerError
// (no answer came: the connection, the budget, ctx), or what kept the
// request from being made.
func (c *Client) Call(ctx context.Context, r Request, out any) error {
	u, err := c.URL(r)
	if err != nil {
		return err
	}
	var body []byte
	if r.Body != nil {
		// Without HTML escaping, as the SDK writes strings.
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r.Body); err != nil {
			return fmt.Errorf("encoding the request: %w", err)
		}
		body = bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		retry, err := c.attempt(ctx, r, u.String(), body, out)
		if err == nil {
			return nil
		}
		if r.Once || attempt >= maxAttempts || !retry.ok {
			return err
		}
		// A retry, if its wait fits in what is left of the budget.
		wait := afterRetryHeader(c.Backoff(attempt, retry.throttled), retry.after)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= wait {
			return err
		}
		if serr := sdkhttp.Sleep(ctx, wait); serr != nil {
			if errors.Is(serr, context.Canceled) {
				return &NoAnswerError{Err: serr, Budget: c.Timeout}
			}
			return err
		}
	}
}

// retryable is what an attempt's failure allows.
type retryable struct {
	ok, throttled bool
	after         string // the answer's X-Amz-Retry-After, if any
}

// attempt sends the request once.
func (c *Client) attempt(ctx context.Context, r Request, u string, body []byte, out any) (retryable, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u, rd)
	if err != nil {
		return retryable{}, err
	}
	for k, vs := range r.Header {
		req.Header[http.CanonicalHeaderKey(k)] = slices.Clone(vs)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "stscred")
	if r.Sign != nil {
		if err := r.Sign(req); err != nil {
			return retryable{}, err
		}
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return c.noAnswer(ctx, err)
	}
	defer resp.Body.Close()
	if out == nil && resp.StatusCode/100 == 2 {
		return retryable{}, nil
	}
	limit := c.MaxAnswer
	if limit <= 0 {
		limit = DefaultMaxAnswer
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return c.noAnswer(ctx, err)
	}
	var failure error
	switch {
	case int64(len(b)) > limit:
		failure = &AnswerError{Status: resp.StatusCode, Reason: fmt.Sprintf("larger than %d bytes", limit)}
	case resp.StatusCode/100 == 2:
		if len(bytes.TrimSpace(b)) == 0 {
			return retryable{}, nil // no members: the SDK reads it as {}
		}
		if err := json.Unmarshal(b, out); err != nil {
			// The decoder's message may quote the document, which may
			// hold a secret: only its kind is said.
			return retryable{}, &AnswerError{Status: resp.StatusCode, Reason: "not the JSON document expected"}
		}
		return retryable{}, nil
	default:
		failure = readError(resp, b, c.Exceptions)
	}
	return retryable{ok: retryableAnswer(failure), throttled: throttling(failure), after: resp.Header.Get("X-Amz-Retry-After")}, failure
}

// noAnswer is the NoAnswerError of a request that got no answer (or whose
// answer could not be read): retried, as the SDK retries a failed send,
// unless ctx ended or the host name does not exist.
func (c *Client) noAnswer(ctx context.Context, err error) (retryable, error) {
	e := &NoAnswerError{Err: err, OutOfTime: sdkhttp.OutOfTime(ctx, err), Budget: c.Timeout}
	return retryable{ok: ctx.Err() == nil && !notFound(err)}, e
}

// afterRetryHeader is the wait before a retry when the answer said how
// long to wait (X-Amz-Retry-After, milliseconds): what it says, but no
// less than backoff and no more than 5 seconds beyond it, as the SDK
// does.
func afterRetryHeader(backoff time.Duration, header string) time.Duration {
	if header == "" {
		return backoff
	}
	ms, err := strconv.ParseInt(header, 10, 64)
	if err != nil || ms < 0 {
		return backoff
	}
	return min(max(time.Duration(ms)*time.Millisecond, backoff), backoff+5*time.Second)
}

// backoff is the SDK standard retryer's wait before retry n (1, 2): a
// random time up to base·2^(n-1), its base 50 ms, or 1 s after
// throttling, at most 20 s (exponential backoff with full jitter).
func backoff(n int, throttled bool) time.Duration {
	base := 50 * time.Millisecond
	if throttled {
		base = time.Second
	}
	ceiling := maxBackoff
	if n < 16 {
		ceiling = min(base<<(n-1), maxBackoff)
	}
	return time.Duration(rand.Float64() * float64(ceiling))
}

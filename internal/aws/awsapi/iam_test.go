package awsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

func TestIAMEndpoint(t *testing.T) {
	p := &awsconfig.Profile{Name: "alice", Region: "eu-west-1", EndpointURL: "https://sts-vpc.example"}
	cases := []struct {
		name   string
		s      Settings
		p      *awsconfig.Profile
		urlIAM string
		want   Endpoint
	}{
		{"default: global, us-east-1, never the STS endpoint", Settings{}, p, "", Endpoint{Region: "us-east-1"}},
		{"AWS_ENDPOINT_URL_IAM", Settings{EndpointURL: "http://all"}, p, "http://iam", Endpoint{URL: "http://iam", Region: "us-east-1"}},
		{"AWS_ENDPOINT_URL", Settings{EndpointURL: "http://all", EndpointURLSTS: "http://sts"}, p, "", Endpoint{URL: "http://all", Region: "us-east-1"}},
		{"ignored URLs", Settings{EndpointURL: "http://all", IgnoreConfiguredURL: true}, p, "http://iam", Endpoint{Region: "us-east-1"}},
		{"China", Settings{}, &awsconfig.Profile{Region: "cn-northwest-1"}, "", Endpoint{Region: "cn-north-1"}},
		{"GovCloud from the environment", Settings{Region: "us-gov-east-1"}, p, "", Endpoint{Region: "us-gov-west-1"}},
	}
	for _, tc := range cases {
		if got := tc.s.IAMEndpoint(tc.p, tc.urlIAM); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if got := NewIAM(Endpoint{Region: "us-east-1"}, 0).endpoint(); got != "https://iam.amazonaws.com" {
		t.Errorf("IAM's global endpoint: %s", got)
	}
}

// Without a URL the client goes where the SDK's IAM client went, in each
// partition, and signs for the partition's IAM region.
func TestIAMEndpointIsTheSDKs(t *testing.T) {
	for _, region := range []string{"us-east-1", "eu-west-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1"} {
		ep := Endpoint{Region: iamRegion(region)}
		sdk, err := iam.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), iam.EndpointParameters{Region: aws.String(ep.Region)})
		if err != nil {
			t.Fatal(err)
		}
		c := NewIAM(ep, 0)
		if c.url != sdk.URI.String() || c.endpoint() != sdk.URI.String() || c.region != ep.Region {
			t.Errorf("%s: %s signed for %s, the SDK's %s", region, c.url, c.region, sdk.URI.String())
		}
	}
	// A URL is used as given (the operations at "/" under its path), and
	// shown as given.
	c := NewIAM(Endpoint{URL: "https://iam.example/prefix", Region: "us-east-1"}, 0)
	if c.url != "https://iam.example/prefix/" || c.endpoint() != "https://iam.example/prefix" || c.bad != nil {
		t.Errorf("custom URL: %s, shown %s, %v", c.url, c.endpoint(), c.bad)
	}
}

// iamWorld is the test server with alice and her key, and a client of it
// that does not wait between retries.
type iamWorld struct {
	srv    *ststest.Server
	url    string
	alice  *ststest.User
	signer creds.Credentials
	api    *IAMClient
}

func newIAMWorld(t *testing.T) *iamWorld {
	t.Helper()
	srv := ststest.New(ststest.Options{})
	url := srv.Start()
	t.Cleanup(srv.Close)
	alice := srv.AddUser("111111111111", "alice")
	key := alice.AddAccessKey()
	return &iamWorld{
		srv: srv, url: url, alice: alice,
		signer: creds.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret},
		api:    quick(NewIAM(Endpoint{URL: url, Region: "us-east-1"}, 0)),
	}
}

// quick makes c retry at once.
func quick(c *IAMClient) *IAMClient {
	c.backoff = func(int) time.Duration { return 0 }
	return c
}

// The IAM client against the test server: the rotation's calls, on the
// signer's own user, and IAM's errors as IAMError around APIError.
func TestIAMClient(t *testing.T) {
	w := newIAMWorld(t)
	api, signer, alice := w.api, w.signer, w.alice
	ctx := context.Background()

	nk, err := api.CreateAccessKey(ctx, signer)
	if err != nil {
		t.Fatal(err)
	}
	if sk, ok := w.srv.AccessKey(nk.ID); !ok || sk.Secret != nk.Secret || nk.UserName != "alice" || nk.Status != KeyActive {
		t.Fatalf("created %+v", nk.AccessKeyInfo)
	}
	keys, err := api.ListAccessKeys(ctx, signer)
	if err != nil {
		t.Fatal(err)
	}
	want := alice.AccessKeys()
	if len(keys) != 2 || keys[0].ID != want[0].ID || keys[1].ID != nk.ID || keys[0].UserName != "alice" ||
		!keys[1].Created.Equal(want[1].Created.Truncate(1e9)) || keys[1].Created.Location() != time.UTC {
		t.Fatalf("listed %+v, server has %+v", keys, want)
	}

	// A third key: IAM's quota.
	_, err = api.CreateAccessKey(ctx, signer)
	var ae *APIError
	var ie *IAMError
	if !errors.As(err, &ie) || !errors.As(err, &ae) || ae.Code != "LimitExceeded" || ae.Status != 409 ||
		!strings.HasPrefix(err.Error(), "IAM CreateAccessKey failed: LimitExceeded: ") {
		t.Fatalf("third key: %v", err)
	}

	if err := api.UpdateAccessKey(ctx, signer, nk.ID, KeyInactive); err != nil {
		t.Fatal(err)
	}
	if got := alice.AccessKeys()[1].Status; got != KeyInactive {
		t.Fatalf("status %s after UpdateAccessKey", got)
	}
	if err := api.DeleteAccessKey(ctx, signer, nk.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := w.srv.AccessKey(nk.ID); ok {
		t.Fatal("the key was not deleted")
	}

	// A policy demanding MFA refuses the long-term key, and takes an MFA
	// session (its token sent and signed).
	alice.RequireMFAForIAM(true)
	if _, err := api.ListAccessKeys(ctx, signer); !errors.As(err, &ae) || ae.Code != "AccessDenied" {
		t.Fatalf("MFA required: %v", err)
	}
	sess, err := w.srv.IssueUserSession(alice.ARN(), time.Hour, true)
	if err != nil {
		t.Fatal(err)
	}
	keys, err = api.ListAccessKeys(ctx, creds.Credentials{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: sess.SessionToken})
	if err != nil || len(keys) != 1 {
		t.Fatalf("signed by an MFA session: %+v %v", keys, err)
	}

	// Nobody there.
	down := quick(NewIAM(Endpoint{URL: "http://127.0.0.1:1", Region: "us-east-1"}, 0))
	_, err = down.ListAccessKeys(ctx, signer)
	var ue *UnreachableError
	if !errors.As(err, &ue) || !ue.NotSent || ue.Op != "ListAccessKeys" || !errors.As(err, &ie) ||
		!strings.HasPrefix(err.Error(), "cannot reach IAM at http://127.0.0.1:1: ") {
		t.Fatalf("unreachable: %v", err)
	}
}

// What goes on the wire: a form-encoded POST of Action, Version and the
// call's parameters to the endpoint's path.
func TestIAMRequests(t *testing.T) {
	type seen struct {
		method, path, contentType string
		form                      url.Values
	}
	got := make(chan seen, 4)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		got <- seen{r.Method, r.URL.Path, r.Header.Get("Content-Type"), form}
		fmt.Fprintf(w, "<%sResponse><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></%[1]sResponse>", form.Get("Action"))
	}))
	defer fake.Close()
	api := NewIAM(Endpoint{URL: fake.URL + "/iam", Region: "us-east-1"}, 0)
	signer := creds.Credentials{AccessKeyID: "AKIAAAAAAAAAAAAAAAAA", SecretAccessKey: "secret"}
	if err := api.UpdateAccessKey(context.Background(), signer, "AKIABBBBBBBBBBBBBBBB", KeyInactive); err != nil {
		t.Fatal(err)
	}
	if err := api.DeleteAccessKey(context.Background(), signer, "AKIABBBBBBBBBBBBBBBB"); err != nil {
		t.Fatal(err)
	}
	want := []url.Values{
		{"Action": {"UpdateAccessKey"}, "Version": {"2010-05-08"}, "AccessKeyId": {"AKIABBBBBBBBBBBBBBBB"}, "Status": {"Inactive"}},
		{"Action": {"DeleteAccessKey"}, "Version": {"2010-05-08"}, "AccessKeyId": {"AKIABBBBBBBBBBBBBBBB"}},
	}
	for _, w := range want {
		s := <-got
		if s.method != http.MethodPost || s.path != "/iam/" || !strings.HasPrefix(s.contentType, "application/x-www-form-urlencoded") ||
			s.form.Encode() != w.Encode() {
			t.Errorf("sent %s %s (%s) %v, want %v", s.method, s.path, s.contentType, s.form, w)
		}
	}
}

// ListAccessKeys follows IsTruncated and Marker to the last page.
func TestIAMListPages(t *testing.T) {
	w := newIAMWorld(t)
	second := w.alice.AddAccessKey()
	w.api.pageSize = 1
	keys, err := w.api.ListAccessKeys(context.Background(), w.signer)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].ID != w.signer.AccessKeyID || keys[1].ID != second.ID {
		t.Fatalf("listed %+v", keys)
	}
	if n := w.srv.Calls("ListAccessKeys"); n != 2 {
		t.Errorf("%d requests for two pages of one key", n)
	}
}

// A server whose pages never end (the same marker again) does not keep
// the client going round.
func TestIAMListPagesEnd(t *testing.T) {
	var calls atomic.Int32
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.WriteString(w, `<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata/><IsTruncated>true</IsTruncated><Marker>again</Marker></ListAccessKeysResult></ListAccessKeysResponse>`)
	}))
	defer fake.Close()
	_, err := NewIAM(Endpoint{URL: fake.URL, Region: "us-east-1"}, 0).ListAccessKeys(context.Background(), creds.Credentials{AccessKeyID: "AKIAAAAAAAAAAAAAAAAA", SecretAccessKey: "s"})
	if err == nil || !strings.Contains(err.Error(), "the list does not end") || calls.Load() != 2 {
		t.Fatalf("endless pages: %v after %d requests", err, calls.Load())
	}
}

// Every error document IAM sends is an IAMError around an APIError with
// its code, message and status, the endpoint and the server's Date;
// throttling and 5xx are retried for every call but CreateAccessKey,
// whose error says it was made once.
func TestIAMErrorDocuments(t *testing.T) {
	status := map[string]int{
		"AccessDenied": 403, "ExpiredToken": 400, "InvalidClientTokenId": 403, "SignatureDoesNotMatch": 403,
		"Throttling": 400, "LimitExceeded": 409, "NoSuchEntity": 404, "ServiceFailure": 500, "ServiceUnavailable": 503,
	}
	retried := map[string]bool{"Throttling": true, "ServiceFailure": true, "ServiceUnavailable": true}
	w := newIAMWorld(t)
	calls := map[string]func() error{
		"ListAccessKeys":  func() error { _, err := w.api.ListAccessKeys(context.Background(), w.signer); return err },
		"CreateAccessKey": func() error { _, err := w.api.CreateAccessKey(context.Background(), w.signer); return err },
		"UpdateAccessKey": func() error {
			return w.api.UpdateAccessKey(context.Background(), w.signer, w.signer.AccessKeyID, KeyActive)
		},
		"DeleteAccessKey": func() error { return w.api.DeleteAccessKey(context.Background(), w.signer, "AKIAZZZZZZZZZZZZZZZZ") },
	}
	for _, code := range ststest.IAMFaultCodes() {
		for op, call := range calls {
			w.srv.ClearFaults()
			w.srv.ResetCounts()
			if err := w.srv.Fail(op, code, iamAttempts); err != nil {
				t.Fatal(err)
			}
			err := call()
			var ae *APIError
			var ie *IAMError
			if !errors.As(err, &ie) || !errors.As(err, &ae) {
				t.Errorf("%s %s: %T %v", op, code, err, err)
				continue
			}
			if ae.Op != op || ae.Code != code || ae.Status != status[code] || ae.Message == "" || ae.Endpoint != w.url ||
				ae.ServerTime.IsZero() || !strings.HasPrefix(err.Error(), "IAM "+op+" failed: "+code+": ") {
				t.Errorf("%s %s: %+v (%v)", op, code, ae, err)
			}
			wantCalls := 1
			if retried[code] && op != "CreateAccessKey" {
				wantCalls = iamAttempts
			}
			if n := w.srv.Calls(op); n != wantCalls {
				t.Errorf("%s %s: %d requests, want %d", op, code, n, wantCalls)
			}
			if Retried(err) != (op != "CreateAccessKey") {
				t.Errorf("%s %s: Retried = %v", op, code, Retried(err))
			}
		}
	}
}

// Answers that are no error document (a proxy's page, nothing at all) are
// named by their HTTP status; 5xx ones are retried.
func TestIAMForeignErrors(t *testing.T) {
	for _, tc := range []struct {
		status   int
		body     string
		code     string
		attempts int32
	}{
		{502, "<html><body>Bad Gateway</body></html>", "Bad Gateway", iamAttempts},
		{500, "", "Internal Server Error", iamAttempts},
		{403, "<ErrorResponse><Error><Message>no code</Message></Error></ErrorResponse>", "Forbidden", 1},
		{301, "", "Moved Permanently", 1},
		{499, "", "HTTP 499", 1},
	} {
		var calls atomic.Int32
		fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.WriteHeader(tc.status)
			io.WriteString(w, tc.body)
		}))
		api := quick(NewIAM(Endpoint{URL: fake.URL, Region: "us-east-1"}, 0))
		_, err := api.ListAccessKeys(context.Background(), creds.Credentials{AccessKeyID: "AKIAAAAAAAAAAAAAAAAA", SecretAccessKey: "s"})
		var ae *APIError
		if !errors.As(err, &ae) || ae.Code != tc.code || ae.Status != tc.status || ae.Message != "unexpected answer" || calls.Load() != tc.attempts {
			t.Errorf("%d %q: %v after %d requests", tc.status, tc.body, err, calls.Load())
		}
		fake.Close()
	}
}

// Throttling and 5xx are retried with backoff until an attempt succeeds;
// CreateAccessKey is tried once whatever the answer, so no second key can
// come of a lost answer.
func TestIAMRetries(t *testing.T) {
	w := newIAMWorld(t)
	ctx := context.Background()
	var waits []int
	w.api.backoff = func(n int) time.Duration { waits = append(waits, n); return 0 }

	for _, f := range []struct{ op, code string }{
		{"ListAccessKeys", "Throttling"}, {"UpdateAccessKey", "ServiceFailure"}, {"DeleteAccessKey", "ServiceUnavailable"},
	} {
		w.srv.ResetCounts()
		waits = nil
		if err := w.srv.Fail(f.op, f.code, iamAttempts-1); err != nil {
			t.Fatal(err)
		}
		var err error
		switch f.op {
		case "ListAccessKeys":
			_, err = w.api.ListAccessKeys(ctx, w.signer)
		case "UpdateAccessKey":
			err = w.api.UpdateAccessKey(ctx, w.signer, w.signer.AccessKeyID, KeyActive)
		case "DeleteAccessKey":
			extra := w.alice.AddAccessKey()
			err = w.api.DeleteAccessKey(ctx, w.signer, extra.ID)
		}
		if err != nil || w.srv.Calls(f.op) != iamAttempts || len(waits) != iamAttempts-1 || waits[0] != 1 || waits[1] != 2 {
			t.Errorf("%s after %d × %s: %v, %d requests, waits %v", f.op, iamAttempts-1, f.code, err, w.srv.Calls(f.op), waits)
		}
	}

	for _, code := range []string{"Throttling", "ServiceFailure", "ServiceUnavailable"} {
		w.srv.ResetCounts()
		if err := w.srv.Fail("CreateAccessKey", code, 1); err != nil {
			t.Fatal(err)
		}
		_, err := w.api.CreateAccessKey(ctx, w.signer)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Code != code || !ae.NotRetried || w.srv.Calls("CreateAccessKey") != 1 {
			t.Errorf("CreateAccessKey after %s: %v, %d requests", code, err, w.srv.Calls("CreateAccessKey"))
		}
	}
	if n := len(w.alice.AccessKeys()); n != 1 {
		t.Errorf("alice has %d keys", n)
	}
	w.srv.ClearFaults()
}

// flaky fails the first n requests with err, then sends them on.
type flaky struct {
	n     int
	err   error
	calls int
	next  interface {
		Do(*http.Request) (*http.Response, error)
	}
}

func (f *flaky) Do(r *http.Request) (*http.Response, error) {
	f.calls++
	if f.calls <= f.n {
		return nil, &url.Error{Op: "Post", URL: r.URL.String(), Err: f.err}
	}
	return f.next.Do(r)
}

// Connection failures: retried for the idempotent calls when the
// connection could not be made or broke; never for CreateAccessKey; not
// when retrying cannot help (a TLS certificate refused).
func TestIAMConnectionRetries(t *testing.T) {
	w := newIAMWorld(t)
	ctx := context.Background()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("read: connection reset by peer")}
	for _, tc := range []struct {
		name    string
		err     error
		fails   int
		call    func() error
		ok      bool
		calls   int
		notSent bool
	}{
		{"List, refused twice", refused, 2, func() error { _, err := w.api.ListAccessKeys(ctx, w.signer); return err }, true, 3, false},
		{"Update, reset once", reset, 1, func() error { return w.api.UpdateAccessKey(ctx, w.signer, w.signer.AccessKeyID, KeyActive) }, true, 2, false},
		{"List, refused always", refused, 9, func() error { _, err := w.api.ListAccessKeys(ctx, w.signer); return err }, false, 3, true},
		{"Create, refused", refused, 1, func() error { _, err := w.api.CreateAccessKey(ctx, w.signer); return err }, false, 1, true},
		{"Create, reset", reset, 1, func() error { _, err := w.api.CreateAccessKey(ctx, w.signer); return err }, false, 1, false},
		{"List, bad certificate", errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority"), 1,
			func() error { _, err := w.api.ListAccessKeys(ctx, w.signer); return err }, false, 1, false},
	} {
		f := &flaky{n: tc.fails, err: tc.err, next: w.api.http}
		w.api.http = f
		err := tc.call()
		w.api.http = f.next
		var ue *UnreachableError
		switch {
		case tc.ok && err != nil, f.calls != tc.calls:
			t.Errorf("%s: %v after %d requests, want %d", tc.name, err, f.calls, tc.calls)
		case !tc.ok && (!errors.As(err, &ue) || ue.NotSent != tc.notSent || !strings.HasPrefix(err.Error(), "cannot reach IAM at "+w.url+": ")):
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if n := len(w.alice.AccessKeys()); n != 1 {
		t.Errorf("alice has %d keys", n)
	}
}

// One budget bounds a call: a server that never answers fails it with
// "no answer within", once; a retry whose wait does not fit in what is
// left is not made, and the last answer is the error.
func TestIAMBudget(t *testing.T) {
	w := newIAMWorld(t)
	ctx := context.Background()
	if err := w.srv.Delay("ListAccessKeys", time.Minute); err != nil {
		t.Fatal(err)
	}
	api := quick(NewIAM(Endpoint{URL: w.url, Region: "us-east-1"}, 300*time.Millisecond))
	_, err := api.ListAccessKeys(ctx, w.signer)
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.NotSent || err.Error() != "cannot reach IAM at "+w.url+": no answer within 300ms" {
		t.Fatalf("hung endpoint: %v", err)
	}
	if n := w.srv.Calls("ListAccessKeys"); n != 1 {
		t.Errorf("%d requests to a hung endpoint in one budget", n)
	}
	if err := w.srv.Delay("ListAccessKeys", 0); err != nil {
		t.Fatal(err)
	}

	w.srv.ResetCounts()
	if err := w.srv.Fail("ListAccessKeys", "Throttling", 10); err != nil {
		t.Fatal(err)
	}
	api = NewIAM(Endpoint{URL: w.url, Region: "us-east-1"}, time.Second)
	api.backoff = func(int) time.Duration { return 700 * time.Millisecond }
	_, err = api.ListAccessKeys(ctx, w.signer)
	var ae *APIError
	if n := w.srv.Calls("ListAccessKeys"); !errors.As(err, &ae) || ae.Code != "Throttling" || n < 1 || n > 2 {
		t.Errorf("throttled past the budget: %v after %d requests", err, n)
	}
	w.srv.ClearFaults()

	// The caller's context ends the call too.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := w.api.ListAccessKeys(cctx, w.signer); !errors.As(err, &ue) {
		t.Errorf("cancelled: %v", err)
	}
}

// Answers are read up to a cap: a larger one is refused, never buffered
// whole; an error document beyond it is an unexpected answer of its
// status (retried when 5xx).
func TestIAMBodyCap(t *testing.T) {
	var calls atomic.Int32
	var status atomic.Int32
	// whole says whether a handler wrote its whole answer: 64 MiB, more
	// than the connection's buffers hold, so it cannot unless the client
	// reads it all.
	whole := make(chan bool, 2*iamAttempts)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(int(status.Load()))
		io.WriteString(w, "<ListAccessKeysResponse>")
		pad := strings.Repeat(" ", 64<<10)
		for range 1024 {
			if _, err := io.WriteString(w, pad); err != nil {
				whole <- false // the client stopped reading
				return
			}
		}
		io.WriteString(w, "</ListAccessKeysResponse>")
		whole <- true
	}))
	defer fake.Close()
	api := quick(NewIAM(Endpoint{URL: fake.URL, Region: "us-east-1"}, 0))
	signer := creds.Credentials{AccessKeyID: "AKIAAAAAAAAAAAAAAAAA", SecretAccessKey: "s"}

	status.Store(200)
	_, err := api.ListAccessKeys(context.Background(), signer)
	if err == nil || err.Error() != fmt.Sprintf("IAM ListAccessKeys: the answer is larger than %d bytes", maxIAMAnswer) || calls.Load() != 1 {
		t.Errorf("large answer: %v after %d requests", err, calls.Load())
	}
	if <-whole {
		t.Error("the client read the whole answer")
	}
	calls.Store(0)
	status.Store(503)
	_, err = api.ListAccessKeys(context.Background(), signer)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "Service Unavailable" || !strings.Contains(ae.Message, "larger than") || calls.Load() != iamAttempts {
		t.Errorf("large error: %v after %d requests", err, calls.Load())
	}
	for range calls.Load() {
		if <-whole {
			t.Error("the client read a whole error answer")
		}
	}

	// An answer of exactly the cap is read.
	fits := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		head, tail := "<ListAccessKeysResponse>", "</ListAccessKeysResponse>"
		io.WriteString(w, head+strings.Repeat(" ", maxIAMAnswer-len(head)-len(tail))+tail)
	}))
	defer fits.Close()
	if keys, err := NewIAM(Endpoint{URL: fits.URL, Region: "us-east-1"}, 0).ListAccessKeys(context.Background(), signer); err != nil || len(keys) != 0 {
		t.Errorf("an answer of exactly the cap: %v %v", keys, err)
	}
}

// No secret reaches an error: not the signer's secret or token quoted
// back in an error document, not the new key's secret in an answer that
// cannot be read.
func TestIAMErrorsHoldNoSecret(t *testing.T) {
	signer := creds.Credentials{AccessKeyID: "AKIAAAAAAAAAAAAAAAAA", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSIGNERKEY", SessionToken: "FwoGZXIvYXdzEXAMPLETOKEN"}
	newSecret := "NEWSECRETwJalrXUtnFEMIK7MDENGbPxRfiCYKEY"
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		switch form.Get("Action") {
		case "ListAccessKeys":
			w.WriteHeader(403)
			fmt.Fprintf(w, "<ErrorResponse><Error><Type>Sender</Type><Code>IncompleteSignature</Code><Message>secret %s token %s</Message></Error><RequestId>1</RequestId></ErrorResponse>",
				signer.SecretAccessKey, signer.SessionToken)
		case "CreateAccessKey":
			fmt.Fprintf(w, "<CreateAccessKeyResponse><CreateAccessKeyResult><AccessKey><AccessKeyId>AKIABBBBBBBBBBBBBBBB</AccessKeyId><SecretAccessKey>&%s;</SecretAccessKey>", newSecret)
		}
	}))
	defer fake.Close()
	api := NewIAM(Endpoint{URL: fake.URL, Region: "us-east-1"}, 0)
	_, err := api.ListAccessKeys(context.Background(), signer)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "IncompleteSignature" || strings.Contains(err.Error(), signer.SecretAccessKey) ||
		strings.Contains(err.Error(), signer.SessionToken) || !strings.Contains(err.Error(), "[not shown]") {
		t.Errorf("quoted secrets: %v", err)
	}
	_, err = api.CreateAccessKey(context.Background(), signer)
	if err == nil || strings.Contains(err.Error(), newSecret) || strings.Contains(err.Error(), newSecret[:20]) || !strings.Contains(err.Error(), "IAM may have made a key") {
		t.Errorf("unreadable new key: %v", err)
	}
}

// A signature refused for this machine's clock (IAM's "Signature
// expired") is signed again at the server's Date, once, even for
// CreateAccessKey: IAM acted on nothing. The client keeps the offset.
func TestIAMClockSkew(t *testing.T) {
	w := newIAMWorld(t)
	ctx := context.Background()
	ahead := quick(NewIAM(Endpoint{URL: w.url, Region: "us-east-1"}, 0))
	ahead.now = func() time.Time { return time.Now().Add(7 * time.Minute) }
	nk, err := ahead.CreateAccessKey(ctx, w.signer)
	if err != nil || w.srv.Calls("CreateAccessKey") != 2 || len(w.alice.AccessKeys()) != 2 {
		t.Fatalf("skewed create: %+v %v after %d requests, %d keys", nk.AccessKeyInfo, err, w.srv.Calls("CreateAccessKey"), len(w.alice.AccessKeys()))
	}

	w.api.now = func() time.Time { return time.Now().Add(-10 * time.Minute) }
	if _, err := w.api.ListAccessKeys(ctx, w.signer); err != nil || w.srv.Calls("ListAccessKeys") != 2 {
		t.Fatalf("skewed list: %v after %d requests", err, w.srv.Calls("ListAccessKeys"))
	}
	if _, err := w.api.ListAccessKeys(ctx, w.signer); err != nil || w.srv.Calls("ListAccessKeys") != 3 {
		t.Fatalf("skew known: %v after %d requests", err, w.srv.Calls("ListAccessKeys"))
	}

	// A wrong secret is refused once: the clock is right.
	w.srv.ResetCounts()
	bad := w.signer
	bad.SecretAccessKey = "not-the-secret-of-this-key-at-all-000000"
	_, err = quick(NewIAM(Endpoint{URL: w.url, Region: "us-east-1"}, 0)).ListAccessKeys(ctx, bad)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "SignatureDoesNotMatch" || w.srv.Calls("ListAccessKeys") != 1 || strings.Contains(err.Error(), bad.SecretAccessKey) {
		t.Fatalf("wrong secret: %v after %d requests", err, w.srv.Calls("ListAccessKeys"))
	}
}

// An endpoint URL that is none fails every call before any request.
func TestIAMBadEndpoint(t *testing.T) {
	for _, u := range []string{"iam.amazonaws.com", "ftp://iam.example", "http://", "://"} {
		api := NewIAM(Endpoint{URL: u, Region: "us-east-1"}, 0)
		_, err := api.ListAccessKeys(context.Background(), creds.Credentials{})
		if err == nil || !strings.Contains(err.Error(), "is not an http or https URL") || !strings.Contains(strings.Join(hint.Of(err), " "), "AWS_ENDPOINT_URL_IAM") {
			t.Errorf("%q: %v %q", u, err, hint.Of(err))
		}
		if err := api.DeleteAccessKey(context.Background(), creds.Credentials{}, "x"); err == nil {
			t.Errorf("%q: DeleteAccessKey went ahead", u)
		}
	}
}

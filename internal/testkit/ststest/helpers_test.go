package ststest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testclock"
)

const (
	userAccount = demo.UserAccount
	roleAccount = "222222222222"
	adminARN    = demo.AdminRole
	readOnlyARN = demo.ReadOnlyRole
	region      = "eu-west-1"
)

// world is a server with alice (key, MFA device), bob (key, MFA device) and
// the roles Admin (MFA, 12h) and ReadOnly.
type world struct {
	srv *ststest.Server
	url string
	// clock is the wall clock plus an offset a test can move: signatures
	// are made with the wall clock, so the offset must stay within the
	// 5-minute signature window unless that is the point.
	clock    *testclock.Clock
	alice    *ststest.User
	key      ststest.AccessKey
	dev      ststest.MFADevice
	bob      *ststest.User
	bobKey   ststest.AccessKey
	bobDev   ststest.MFADevice
	admin    ststest.Role
	readOnly ststest.Role
}

func newWorld(t *testing.T, opts ...func(*ststest.Options)) *world {
	t.Helper()
	// Start 5 seconds into a TOTP step, so that no test sees the step change
	// unless it moves the clock (the offset stays well inside the signature
	// window).
	into := time.Duration(time.Now().UnixNano() % int64(30*time.Second))
	w := &world{clock: testclock.Wall(5*time.Second - into)}
	o := ststest.Options{Now: w.clock.Now}
	for _, f := range opts {
		f(&o)
	}
	w.srv = ststest.New(o)
	d := demo.Setup(w.srv, demo.Options{})
	w.alice, w.key, w.dev, w.admin, w.readOnly = d.Alice, d.Key, d.MFA, d.Admin, d.ReadOnly
	w.bob = w.srv.AddUser(userAccount, "bob")
	w.bobKey = w.bob.AddAccessKey()
	w.bobDev = w.bob.AddMFADevice("bob")
	w.url = w.srv.Start()
	t.Cleanup(w.srv.Close)
	return w
}

// code is alice's current TOTP code by the server clock.
func (w *world) code() string { return w.srv.Code(w.dev.Serial, w.clock.Now()) }

// client is an SDK STS client for the world's server that does not retry.
func (w *world) client(id, secret, token string, optFns ...func(*sts.Options)) *sts.Client {
	return newClient(w.url, id, secret, token, optFns...)
}

func (w *world) aliceClient(optFns ...func(*sts.Options)) *sts.Client {
	return w.client(w.key.ID, w.key.Secret, "", optFns...)
}

func newClient(url, id, secret, token string, optFns ...func(*sts.Options)) *sts.Client {
	return sts.New(sts.Options{
		Region:       region,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, token),
		Retryer:      aws.NopRetryer{},
	}, optFns...)
}

type stsCreds struct{ id, secret, token string }

func credsOf(t *testing.T, out any) stsCreds {
	t.Helper()
	switch o := out.(type) {
	case *sts.GetSessionTokenOutput:
		return stsCreds{aws.ToString(o.Credentials.AccessKeyId), aws.ToString(o.Credentials.SecretAccessKey), aws.ToString(o.Credentials.SessionToken)}
	case *sts.AssumeRoleOutput:
		return stsCreds{aws.ToString(o.Credentials.AccessKeyId), aws.ToString(o.Credentials.SecretAccessKey), aws.ToString(o.Credentials.SessionToken)}
	case *sts.GetFederationTokenOutput:
		return stsCreds{aws.ToString(o.Credentials.AccessKeyId), aws.ToString(o.Credentials.SecretAccessKey), aws.ToString(o.Credentials.SessionToken)}
	}
	t.Fatalf("credsOf(%T)", out)
	return stsCreds{}
}

func (w *world) with(c stsCreds, optFns ...func(*sts.Options)) *sts.Client {
	return w.client(c.id, c.secret, c.token, optFns...)
}

// wantAPIError checks that err is the service error code with HTTP status
// and, when msg is not empty, that exact message.
func wantAPIError(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %s (%d)", code, status)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not a service error", err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code %q (%v), want %q", ae.ErrorCode(), err, code)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("error message\n got %q\nwant %q", ae.ErrorMessage(), msg)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %v carries no HTTP response", err)
	}
	if re.HTTPStatusCode() != status {
		t.Fatalf("HTTP status %d for %s, want %d", re.HTTPStatusCode(), code, status)
	}
}

func wantMessagePrefix(t *testing.T, err error, code, prefix string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || !strings.HasPrefix(ae.ErrorMessage(), prefix) {
		t.Fatalf("got %v, want %s starting %q", err, code, prefix)
	}
}

// signedRequest builds a POST of body to the server signed by the SDK's
// signer (a client, not the server) with the given credentials and time.
func signedRequest(t *testing.T, url, body string, creds aws.Credentials, at time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, sha256Hex(body), "sts", region, at); err != nil {
		t.Fatal(err)
	}
	return req
}

func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// errorDoc is the ErrorResponse document of STS-FACTS.md.
type errorDoc struct {
	XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
	ReqID   string   `xml:"RequestId"`
}

func parseError(t *testing.T, body string) errorDoc {
	t.Helper()
	var e errorDoc
	if err := xml.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("response is not an STS error document: %v\n%s", err, body)
	}
	return e
}

// postRefused sends a call as a plain form POST (not through the SDK)
// and returns the error document of its 400 answer. Calls whose request
// is far over a limit go so: the SDK closes a request body as soon as the
// response is in, and with a body of many KB net/http's writer may still
// be reading it then, so the SDK's client sometimes fails to read the
// error document of a response that is right ("failed to copy error
// response body ... use of closed network connection", seen under -race).
func postRefused(t *testing.T, endpoint string, form url.Values) errorDoc {
	t.Helper()
	resp, err := http.PostForm(endpoint, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 400 {
		t.Fatalf("HTTP status %d, want 400\n%s", resp.StatusCode, body)
	}
	return parseError(t, string(body))
}

func apiMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

func decodeJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
}

package ssotest_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testclock"
)

const (
	region    = "eu-west-1"
	startURL  = "https://d-1234567890.awsapps.com/start"
	prodID    = "222222222222"
	devID     = "333333333333"
	sandboxID = "444444444444"
	scope     = "sso:account:access"
)

// world is an STS server (wall clock: the SDK signs with it) and an
// Identity Center stand-in (its own clock) with alice assigned
// AdministratorAccess and ReadOnly in prod and ReadOnly in dev, bob
// ReadOnly in sandbox.
type world struct {
	sts    *ststest.Server
	stsURL string
	srv    *ssotest.Server
	url    string
	// clock stands still at an instant (the tests move it) until Follow
	// makes it run with the wall clock.
	clock    *testclock.Clock
	adminARN string
	oidc     *ssooidc.Client
	portal   *sso.Client
}

func newWorld(t *testing.T, opts ...func(*ssotest.Options)) *world {
	t.Helper()
	w := &world{clock: testclock.At(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))}
	w.sts = ststest.New(ststest.Options{})
	w.stsURL = w.sts.Start()
	t.Cleanup(w.sts.Close)
	o := ssotest.Options{STS: w.sts, Region: region, StartURL: startURL, Now: w.clock.Now}
	for _, f := range opts {
		f(&o)
	}
	w.srv = ssotest.New(o)
	w.srv.AddUser("alice")
	w.srv.AddUser("bob")
	w.srv.AddAccount(ssotest.Account{ID: prodID, Name: "prod", Email: "prod@example.com"})
	w.srv.AddAccount(ssotest.Account{ID: devID, Name: "dev", Email: "dev@example.com"})
	w.srv.AddAccount(ssotest.Account{ID: sandboxID, Name: "sandbox", Email: "sandbox@example.com"})
	w.adminARN = w.srv.Assign(ssotest.Assignment{User: "alice", AccountID: prodID, RoleName: "AdministratorAccess", SessionDuration: 8 * time.Hour})
	w.srv.Assign(ssotest.Assignment{User: "alice", AccountID: prodID, RoleName: "ReadOnly"})
	w.srv.Assign(ssotest.Assignment{User: "alice", AccountID: devID, RoleName: "ReadOnly"})
	w.srv.Assign(ssotest.Assignment{User: "bob", AccountID: sandboxID, RoleName: "ReadOnly"})
	w.url = w.srv.Start()
	t.Cleanup(w.srv.Close)
	w.oidc = ssooidc.New(ssooidc.Options{Region: region, BaseEndpoint: aws.String(w.url), Retryer: aws.NopRetryer{}})
	w.portal = sso.New(sso.Options{Region: region, BaseEndpoint: aws.String(w.url), Retryer: aws.NopRetryer{}})
	return w
}

// register registers a client the way the AWS CLI does for an sso-session
// with scopes (device code flow: no grant types).
func (w *world) register(t *testing.T) *ssooidc.RegisterClientOutput {
	t.Helper()
	reg, err := w.oidc.RegisterClient(context.Background(), &ssooidc.RegisterClientInput{
		ClientName: aws.String("stscred-test"), ClientType: aws.String("public"), Scopes: []string{scope},
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// deviceLogin runs the device code flow to the end, the user approving
// through the verification page, and returns the tokens.
func (w *world) deviceLogin(t *testing.T, reg *ssooidc.RegisterClientOutput) *ssooidc.CreateTokenOutput {
	t.Helper()
	ctx := context.Background()
	start, err := w.oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(startURL),
	})
	if err != nil {
		t.Fatal(err)
	}
	browse(t, aws.ToString(start.VerificationUriComplete))
	tok, err := w.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String(ssotest.GrantDeviceCode), DeviceCode: start.DeviceCode,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// login registers a client and signs alice in.
func (w *world) login(t *testing.T) (*ssooidc.RegisterClientOutput, *ssooidc.CreateTokenOutput) {
	t.Helper()
	reg := w.register(t)
	return reg, w.deviceLogin(t, reg)
}

func (w *world) stsClient(c aws.Credentials) *sts.Client {
	return sts.New(sts.Options{
		Region:       region,
		BaseEndpoint: aws.String(w.stsURL),
		Credentials:  credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		Retryer:      aws.NopRetryer{},
	})
}

// browse is the stand-in browser fetching a page (following redirects);
// it returns the final response's body.
func browse(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, body)
	}
	return string(body)
}

// noRedirect is an HTTP client that shows redirects instead of following.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// wantAPIError checks that err is the exception code with HTTP status and,
// when msg is not empty, that message.
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
	if got := messageOf(ae); msg != "" && got != msg {
		t.Fatalf("error message %q, want %q", got, msg)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %v carries no HTTP response", err)
	}
	if re.HTTPStatusCode() != status {
		t.Fatalf("HTTP status %d for %s, want %d", re.HTTPStatusCode(), code, status)
	}
}

// messageOf is an exception's message: the portal's "message", or for the
// OIDC exceptions (whose ErrorMessage the SDK leaves empty, the service
// sending none) the OAuth error_description.
func messageOf(ae smithy.APIError) string {
	if m := ae.ErrorMessage(); m != "" {
		return m
	}
	v := reflect.ValueOf(ae)
	if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("Error_description"); f.IsValid() && f.Kind() == reflect.Pointer && !f.IsNil() {
			return f.Elem().String()
		}
	}
	return ""
}

// pkcePair is a code verifier like the AWS CLI's (64 characters of the
// unreserved set) and its S256 challenge, unpadded.
func pkcePair(t *testing.T) (verifier, challenge string) {
	t.Helper()
	const unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
	b := make([]byte, 64)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = unreserved[int(b[i])%len(unreserved)]
	}
	sum := sha256.Sum256(b)
	return string(b), base64.RawURLEncoding.EncodeToString(sum[:])
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func decodeBody(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
}

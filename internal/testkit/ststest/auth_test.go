package ststest_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

const (
	msgBadSignature = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgInvalidToken = "The security token included in the request is invalid."
	msgExpiredToken = "The security token included in the request is expired"
)

// clockSigner signs as a client whose clock is off: with the time clock
// returns, or else with the SDK's signing time (which includes the SDK's own
// skew correction) shifted by shift.
type clockSigner struct {
	clock func() time.Time
	shift time.Duration
}

func (s clockSigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, at time.Time, optFns ...func(*v4.SignerOptions)) error {
	if s.clock != nil {
		at = s.clock()
	}
	return v4.NewSigner().SignHTTP(ctx, creds, r, payloadHash, service, region, at.Add(s.shift), optFns...)
}

func signWith(clock func() time.Time) func(*sts.Options) {
	return func(o *sts.Options) { o.HTTPSignerV4 = clockSigner{clock: clock} }
}

func skewed(d time.Duration) func(*sts.Options) {
	return func(o *sts.Options) { o.HTTPSignerV4 = clockSigner{shift: d} }
}

func gci(t *testing.T, c *sts.Client) (*sts.GetCallerIdentityOutput, error) {
	t.Helper()
	return c.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
}

func TestWrongSecretAndUnknownKey(t *testing.T) {
	w := newWorld(t)
	_, err := gci(t, w.client(w.key.ID, w.bobKey.Secret, ""))
	wantAPIError(t, err, "SignatureDoesNotMatch", http.StatusForbidden, msgBadSignature)
	_, err = gci(t, w.client("AKIAUNKNOWNKEY000000", w.key.Secret, ""))
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgInvalidToken)
	if n, ok := w.srv.Calls("GetCallerIdentity"), w.srv.Successes("GetCallerIdentity"); n != 2 || ok != 0 {
		t.Errorf("calls %d successes %d, want 2 and 0", n, ok)
	}
	reqs := w.srv.Requests()
	if len(reqs) != 2 || reqs[0].AccessKeyID != w.key.ID || reqs[0].Code != "SignatureDoesNotMatch" || reqs[0].Status != 403 ||
		reqs[1].AccessKeyID != "AKIAUNKNOWNKEY000000" || reqs[1].Code != "InvalidClientTokenId" {
		t.Errorf("request log %+v", reqs)
	}
}

func TestInactiveAndDeletedKeys(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.SetAccessKeyActive(w.key.ID, false); err != nil {
		t.Fatal(err)
	}
	_, err := gci(t, w.aliceClient())
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgInvalidToken)
	if err := w.srv.SetAccessKeyActive(w.key.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := gci(t, w.aliceClient()); err != nil {
		t.Fatalf("reactivated key: %v", err)
	}
	// A session obtained with a key outlives the key's deletion.
	out, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.srv.DeleteAccessKey(w.key.ID); err != nil {
		t.Fatal(err)
	}
	_, err = gci(t, w.aliceClient())
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgInvalidToken)
	if _, err := gci(t, w.with(credsOf(t, out))); err != nil {
		t.Fatalf("session of a deleted key: %v", err)
	}
	if err := w.srv.DeleteAccessKey(w.key.ID); err == nil {
		t.Error("deleting a deleted key: no error")
	}
	if err := w.srv.SetAccessKeyActive("AKIANOSUCHKEY0000000", true); err == nil {
		t.Error("activating an unknown key: no error")
	}
	// A second key of alice's still works.
	k2 := w.alice.AddAccessKey()
	if _, err := gci(t, w.client(k2.ID, k2.Secret, "")); err != nil {
		t.Fatal(err)
	}
}

func TestSessionTokenMustMatch(t *testing.T) {
	w := newWorld(t)
	out, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	c := credsOf(t, out)
	other, err := w.client(w.bobKey.ID, w.bobKey.Secret, "").GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	for name, client := range map[string]*sts.Client{
		"no token":          w.client(c.id, c.secret, ""),
		"another's token":   w.client(c.id, c.secret, credsOf(t, other).token),
		"truncated token":   w.client(c.id, c.secret, c.token[:len(c.token)-4]),
		"long-term + token": w.client(w.key.ID, w.key.Secret, c.token),
	} {
		_, err := gci(t, client)
		if err == nil {
			t.Fatalf("%s: accepted", name)
		}
		wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgInvalidToken)
	}
}

func TestExpiredAndRevokedSessions(t *testing.T) {
	w := newWorld(t)
	// The client signs with the server's clock, so the clock can move past
	// the expiry without tripping the signature-age check.
	client := func(c stsCreds) *sts.Client { return w.with(c, signWith(w.clock.Now)) }
	out, err := client(stsCreds{w.key.ID, w.key.Secret, ""}).GetSessionToken(t.Context(), &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	c := credsOf(t, out)
	w.clock.Advance(895 * time.Second)
	if _, err := gci(t, client(c)); err != nil {
		t.Fatalf("5 seconds before expiry: %v", err)
	}
	w.clock.Advance(10 * time.Second)
	_, err = gci(t, client(c))
	wantAPIError(t, err, "ExpiredToken", http.StatusBadRequest, msgExpiredToken)

	// ExpireSession and RevokeSession act at once.
	ar, err := assume(t, client(stsCreds{w.key.ID, w.key.Secret, ""}), readOnlyARN, "sess")
	if err != nil {
		t.Fatal(err)
	}
	rc := credsOf(t, ar)
	if _, err := gci(t, client(rc)); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.ExpireSession(rc.id); err != nil {
		t.Fatal(err)
	}
	_, err = gci(t, client(rc))
	wantAPIError(t, err, "ExpiredToken", http.StatusBadRequest, msgExpiredToken)
	if err := w.srv.RevokeSession(rc.id); err != nil {
		t.Fatal(err)
	}
	_, err = gci(t, client(rc))
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgInvalidToken)
	if err := w.srv.ExpireSession(rc.id); err == nil {
		t.Error("expiring a revoked session: no error")
	}

	ar, err = assume(t, client(stsCreds{w.key.ID, w.key.Secret, ""}), readOnlyARN, "sess")
	if err != nil {
		t.Fatal(err)
	}
	w.srv.ExpireAllSessions()
	_, err = gci(t, client(credsOf(t, ar)))
	wantAPIError(t, err, "ExpiredToken", http.StatusBadRequest, msgExpiredToken)
}

func TestRegionOption(t *testing.T) {
	w := newWorld(t, func(o *ststest.Options) { o.Region = "eu-west-1" })
	if _, err := gci(t, w.aliceClient()); err != nil {
		t.Fatalf("client in eu-west-1: %v", err)
	}
	_, err := gci(t, w.aliceClient(func(o *sts.Options) { o.Region = "us-east-1" }))
	wantAPIError(t, err, "SignatureDoesNotMatch", http.StatusForbidden, "Credential should be scoped to a valid region. ")

	// Without the option any region goes.
	w2 := newWorld(t)
	for _, r := range []string{"us-east-1", "ap-southeast-2", "eu-central-1"} {
		if _, err := gci(t, w2.aliceClient(func(o *sts.Options) { o.Region = r })); err != nil {
			t.Errorf("region %s: %v", r, err)
		}
	}
}

func TestSignatureAge(t *testing.T) {
	w := newWorld(t)
	for _, d := range []time.Duration{-4 * time.Minute, 4 * time.Minute} {
		if _, err := gci(t, w.aliceClient(skewed(d))); err != nil {
			t.Errorf("client clock off by %v: %v", d, err)
		}
	}
	_, err := gci(t, w.aliceClient(skewed(-6*time.Minute)))
	wantAPIError(t, err, "SignatureDoesNotMatch", http.StatusForbidden, "")
	stamp := `\d{8}T\d{6}Z`
	re := regexp.MustCompile(`^Signature expired: ` + stamp + ` is now earlier than ` + stamp + ` \(` + stamp + ` - 5 min\.\)$`)
	if msg := apiMessage(err); !re.MatchString(msg) {
		t.Errorf("message %q does not match %s", msg, re)
	}
	_, err = gci(t, w.aliceClient(skewed(6*time.Minute)))
	wantAPIError(t, err, "SignatureDoesNotMatch", http.StatusForbidden, "")
	re = regexp.MustCompile(`^Signature not yet current: ` + stamp + ` is still later than ` + stamp + ` \(` + stamp + ` \+ 5 min\.\)$`)
	if msg := apiMessage(err); !re.MatchString(msg) {
		t.Errorf("message %q does not match %s", msg, re)
	}
	// The server clock, not the wall clock, decides.
	w.clock.Advance(-10 * time.Minute)
	_, err = gci(t, w.aliceClient())
	wantMessagePrefix(t, err, "SignatureDoesNotMatch", "Signature not yet current: ")
	if _, err := gci(t, w.aliceClient(skewed(-10*time.Minute))); err != nil {
		t.Errorf("client as late as the server: %v", err)
	}
}

// TestSDKCorrectsSkewFromDate shows that the Date header carries the clock
// the server checks signatures with: against a server 10 minutes ahead, the
// Go SDK is refused once, measures its skew from the Date header and
// succeeds on its retry.
func TestSDKCorrectsSkewFromDate(t *testing.T) {
	w := newWorld(t)
	w.clock.Advance(10 * time.Minute)
	noBackoff := func(o *sts.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
	if _, err := gci(t, w.aliceClient(noBackoff)); err != nil {
		t.Fatalf("skew was not corrected: %v", err)
	}
	if c, s := w.srv.Calls("GetCallerIdentity"), w.srv.Successes("GetCallerIdentity"); c != 2 || s != 1 {
		t.Errorf("calls %d successes %d, want 2 and 1", c, s)
	}
	if r := w.srv.Requests(); len(r) != 2 || r[0].Code != "SignatureDoesNotMatch" || r[1].Code != "" {
		t.Errorf("requests %+v", r)
	}
}

func TestDateHeaderOffset(t *testing.T) {
	const offset = 10 * time.Minute
	w := newWorld(t, func(o *ststest.Options) { o.DateOffset = offset })
	// Signatures are still checked against the true clock.
	out, err := gci(t, w.aliceClient())
	if err != nil {
		t.Fatal(err)
	}
	serverTime, ok := awsmiddleware.GetServerTime(out.ResultMetadata)
	if !ok {
		t.Fatal("no server time in the response metadata")
	}
	if d := serverTime.Sub(w.clock.Now()); d < offset-2*time.Second || d > offset+2*time.Second {
		t.Errorf("Date header is %v off, want %v", d, offset)
	}
	// Error responses carry the offset Date too.
	resp, body := do(t, mustRequest(t, http.MethodPost, w.url+"/", "Action=GetCallerIdentity&Version=2011-06-15"))
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		t.Fatalf("Date header %q: %v", resp.Header.Get("Date"), err)
	}
	if d := date.Sub(w.clock.Now()); d < offset-2*time.Second || d > offset+2*time.Second {
		t.Errorf("error response Date is %v off, want %v", d, offset)
	}
	if e := parseError(t, body); e.Code != "MissingAuthenticationToken" {
		t.Errorf("unsigned request: %s", body)
	}
}

func mustRequest(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func TestMissingAndGarbledAuthorization(t *testing.T) {
	w := newWorld(t)
	body := "Action=GetCallerIdentity&Version=2011-06-15"
	creds := aws.Credentials{AccessKeyID: w.key.ID, SecretAccessKey: w.key.Secret}
	for _, tc := range []struct {
		name   string
		mutate func(*http.Request)
		code   string
		msg    string // prefix
	}{
		{"none", func(r *http.Request) { r.Header.Del("Authorization") }, "MissingAuthenticationToken", "Request is missing Authentication Token"},
		{"bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }, "IncompleteSignature", "Unsupported AWS 'algorithm': 'Bearer'"},
		{"no signature", func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+w.key.ID+"/20250101/eu-west-1/sts/aws4_request, SignedHeaders=host;x-amz-date")
		}, "IncompleteSignature", "Authorization header requires 'Signature' parameter."},
		{"short credential", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/sts/aws4_request", "", 1))
		}, "IncompleteSignature", "Credential must have exactly 5 slash-delimited elements"},
		{"no date", func(r *http.Request) { r.Header.Del("X-Amz-Date") }, "IncompleteSignature", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."},
		{"host unsigned", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "host;", "", 1))
		}, "IncompleteSignature", "'Host' or ':authority' must be a 'SignedHeader'"},
		{"wrong service", func(r *http.Request) {
			// Not iam: a request scoped to iam goes to the IAM API (iam_test.go).
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/sts/", "/s3/", 1))
		}, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'."},
		{"scope date", func(r *http.Request) {
			d := r.Header.Get("X-Amz-Date")[:8]
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/"+d+"/", "/20000101/", 1))
		}, "SignatureDoesNotMatch", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20000101' != '"},
		{"tampered body", func(r *http.Request) {
			r.Body = http.NoBody
			r.ContentLength = 0
		}, "SignatureDoesNotMatch", msgBadSignature},
		{"tampered signed header", func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") }, "SignatureDoesNotMatch", msgBadSignature},
		{"wrong content hash", func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", sha256Hex("other")) }, "SignatureDoesNotMatch", "The provided 'x-amz-content-sha256' header does not match"},
		{"flipped signature", func(r *http.Request) {
			a := r.Header.Get("Authorization")
			last := a[len(a)-1:]
			flip := map[string]string{"0": "1"}[last]
			if flip == "" {
				flip = "0"
			}
			r.Header.Set("Authorization", a[:len(a)-1]+flip)
		}, "SignatureDoesNotMatch", msgBadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := signedRequest(t, w.url, body, creds, time.Now())
			tc.mutate(req)
			resp, out := do(t, req)
			e := parseError(t, out)
			if resp.StatusCode != http.StatusForbidden || e.Code != tc.code || !strings.HasPrefix(e.Message, tc.msg) || e.Type != "Sender" {
				t.Errorf("got %d %s %q, want 403 %s %q...", resp.StatusCode, e.Code, e.Message, tc.code, tc.msg)
			}
		})
	}
	// The control: unmodified, or with an unsigned header changed, it passes.
	req := signedRequest(t, w.url, body, creds, time.Now())
	req.Header.Set("User-Agent", "changed/1.0")
	if resp, out := do(t, req); resp.StatusCode != http.StatusOK {
		t.Errorf("valid request refused: %d %s", resp.StatusCode, out)
	}
}

// TestQueryStringRequest signs a GET with the parameters in the query string,
// which exercises the canonical query string.
func TestQueryStringRequest(t *testing.T) {
	w := newWorld(t)
	req, err := http.NewRequest(http.MethodGet, w.url+"/?Version=2011-06-15&Action=GetCallerIdentity&Extra=a%20b%2Fc~", nil)
	if err != nil {
		t.Fatal(err)
	}
	creds := aws.Credentials{AccessKeyID: w.key.ID, SecretAccessKey: w.key.Secret}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, sha256Hex(""), "sts", region, time.Now()); err != nil {
		t.Fatal(err)
	}
	if resp, out := do(t, req); resp.StatusCode != http.StatusOK || !strings.Contains(out, w.alice.ARN()) {
		t.Fatalf("signed GET: %d %s", resp.StatusCode, out)
	}
	req.URL.RawQuery += "&Injected=1"
	if resp, out := do(t, req); resp.StatusCode != http.StatusForbidden || parseError(t, out).Code != "SignatureDoesNotMatch" {
		t.Fatalf("GET with an added parameter: %d %s", resp.StatusCode, out)
	}
}

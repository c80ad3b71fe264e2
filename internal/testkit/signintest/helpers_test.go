package signintest_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/go-jose/go-jose/v4"

	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/signintest"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testclock"
)

// world is an STS server with the demo's alice and roles, and a Sign-In
// stand-in where alice can sign in. Both run on one clock, the wall clock
// at an offset a test can move (SigV4 signatures are made with the wall
// clock, so the offset must stay within STS's 5-minute window when
// credentials are used after it moved).
type world struct {
	clock  *testclock.Clock
	sts    *ststest.Server
	stsURL string
	srv    *signintest.Server
	url    string
	alice  *ststest.User
	ali    signintest.Identity
}

func newWorld(t *testing.T, opts ...func(*signintest.Options)) *world {
	t.Helper()
	w := &world{clock: testclock.Wall(0)}
	w.sts = ststest.New(ststest.Options{Now: w.clock.Now})
	d := demo.Setup(w.sts, demo.Options{})
	w.alice = d.Alice
	w.stsURL = w.sts.Start()
	t.Cleanup(w.sts.Close)
	o := signintest.Options{STS: w.sts, Now: w.clock.Now}
	for _, f := range opts {
		f(&o)
	}
	w.srv = signintest.New(o)
	w.ali = w.srv.AddUser(w.alice)
	w.url = w.srv.Start()
	t.Cleanup(w.srv.Close)
	return w
}

// noRedirect is an HTTP client that does not follow redirects: the test
// plays the browser and looks at where it is sent.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// pkce is a code verifier and its challenge.
type pkce struct{ verifier, challenge string }

func newPKCE() pkce {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b) // 64 characters of [A-Za-z0-9-_]
	sum := sha256.Sum256([]byte(v))
	return pkce{v, base64.RawURLEncoding.EncodeToString(sum[:])}
}

const callback = "http://127.0.0.1:43210/oauth/callback"

// authorizeQuery is a valid authorize request of the same-device client.
func authorizeQuery(p pkce, state string) url.Values {
	return url.Values{
		"response_type": {"code"}, "client_id": {signintest.ClientSameDevice}, "redirect_uri": {callback},
		"scope": {"openid"}, "state": {state}, "code_challenge": {p.challenge}, "code_challenge_method": {"SHA-256"},
	}
}

// get GETs a URL without following redirects and returns the status, the
// Location and the body.
func get(t *testing.T, u string) (int, string, string) {
	t.Helper()
	resp, err := noRedirect.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// authorize GETs /v1/authorize with q and returns the status, the
// redirect's URL (nil when there is none) and the body.
func (w *world) authorize(t *testing.T, q url.Values) (int, *url.URL, string) {
	t.Helper()
	status, loc, body := get(t, w.url+"/v1/authorize?"+q.Encode())
	if loc == "" {
		return status, nil, body
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return status, u, body
}

// code runs the browser step of the same-device client and returns the
// code.
func (w *world) code(t *testing.T, p pkce) string {
	t.Helper()
	status, loc, body := w.authorize(t, authorizeQuery(p, "st"))
	if status != http.StatusFound || loc == nil || loc.Query().Get("state") != "st" || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %v %s", status, loc, body)
	}
	return loc.Query().Get("code")
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// proof is a valid DPoP proof of key for the world's token endpoint, by
// the world's clock.
func (w *world) proof(t *testing.T, key *ecdsa.PrivateKey) string {
	t.Helper()
	p, err := signintest.NewProof(key, http.MethodPost, w.url+"/v1/token", w.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// answer is a CreateOAuth2Token answer, success or error.
type answer struct {
	status int
	// Success.
	AccessToken struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		SessionToken    string `json:"sessionToken"`
	} `json:"accessToken"`
	ExpiresIn    int64  `json:"expiresIn"`
	RefreshToken string `json:"refreshToken"`
	TokenType    string `json:"tokenType"`
	IDToken      string `json:"idToken"`
	// Error.
	Type    string `json:"__type"`
	Error   string `json:"error"`
	Message string `json:"message"`
	raw     string
}

// post sends a token request with the DPoP header proofs (none when
// empty; several when more are given).
func (w *world) post(t *testing.T, body any, proofs ...string) answer {
	t.Helper()
	var b []byte
	switch v := body.(type) {
	case string:
		b = []byte(v)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(http.MethodPost, w.url+"/v1/token", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for _, p := range proofs {
		req.Header.Add("DPoP", p)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	a, err := send(req)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// send sends a token request and reads the answer; it may run on any
// goroutine.
func send(req *http.Request) (answer, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, raw: string(raw)}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		return a, fmt.Errorf("Content-Type %q: %s", ct, raw)
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return a, fmt.Errorf("answer %d is not JSON: %s", resp.StatusCode, raw)
	}
	return a, nil
}

// codeBody is the body of a code exchange of the same-device client.
func codeBody(code string, p pkce) map[string]string {
	return map[string]string{
		"clientId": signintest.ClientSameDevice, "grantType": "authorization_code", "code": code,
		"codeVerifier": p.verifier, "redirectUri": callback,
	}
}

func refreshBody(token string) map[string]string {
	return map[string]string{"clientId": signintest.ClientSameDevice, "grantType": "refresh_token", "refreshToken": token}
}

// signIn signs alice in through the same-device client with key and
// returns the code exchange's answer.
func (w *world) signIn(t *testing.T, key *ecdsa.PrivateKey) answer {
	t.Helper()
	p := newPKCE()
	a := w.post(t, codeBody(w.code(t, p), p), w.proof(t, key))
	if a.status != http.StatusOK {
		t.Fatalf("code exchange: %d %s", a.status, a.raw)
	}
	return a
}

// renew renews with a refresh token and key.
func (w *world) renew(t *testing.T, token string, key *ecdsa.PrivateKey) answer {
	t.Helper()
	return w.post(t, refreshBody(token), w.proof(t, key))
}

// wantOK checks a success and its credentials' shape.
func wantOK(t *testing.T, a answer) {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.raw)
	}
	if !strings.HasPrefix(a.AccessToken.AccessKeyID, "ASIA") || a.AccessToken.SecretAccessKey == "" || a.AccessToken.SessionToken == "" ||
		a.RefreshToken == "" || a.TokenType != signintest.TokenType || a.ExpiresIn <= 0 {
		t.Fatalf("answer %s", a.raw)
	}
}

// wantError checks an error document: status, __type, error and, when not
// empty, the message.
func wantError(t *testing.T, a answer, status int, typ, code, msg string) {
	t.Helper()
	if a.status != status || a.Type != typ || a.Error != code || (msg != "" && a.Message != msg) {
		t.Fatalf("got %d %s\nwant %d {__type:%s error:%s message:%q}", a.status, a.raw, status, typ, code, msg)
	}
	var doc map[string]any
	_ = json.Unmarshal([]byte(a.raw), &doc)
	if len(doc) != 3 {
		t.Fatalf("error document has members other than __type, error, message: %s", a.raw)
	}
}

const (
	msgTokenExpired = "The refresh token has expired."
	msgInvalidGrant = "The provided authorization grant is invalid, expired, revoked, or malformed"
)

// stsClient is an STS client signing with the answer's credentials.
func (w *world) stsClient(a answer) *sts.Client {
	return sts.New(sts.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(w.stsURL),
		Credentials:  credentials.NewStaticCredentialsProvider(a.AccessToken.AccessKeyID, a.AccessToken.SecretAccessKey, a.AccessToken.SessionToken),
		Retryer:      aws.NopRetryer{},
	})
}

func (w *world) callerARN(t *testing.T, a answer) (string, string) {
	t.Helper()
	id, err := w.stsClient(a).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(id.Arn), aws.ToString(id.UserId)
}

// later moves the clock on by d.
func (w *world) later(d time.Duration) { w.clock.Advance(d) }

// thumbprint is the RFC 7638 thumbprint of key's public part.
func thumbprint(t *testing.T, key *ecdsa.PrivateKey) string {
	t.Helper()
	tp, err := (&jose.JSONWebKey{Key: &key.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}

package signin

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	sdksignin "github.com/aws/aws-sdk-go-v2/service/signin"
	"github.com/aws/aws-sdk-go-v2/service/signin/types"
	"github.com/aws/smithy-go"

	"github.com/stscred/stscred/internal/aws/restjson"
)

// These tests hold CreateOAuth2Token, made through restjson, to the SDK's
// signin client, which stscred made it with before: the request captured
// by a local server from both must be the same on the wire (but the DPoP
// proof, which stscred adds), and each error document must reach the
// user's terms through the same code, OAuth2ErrorCode, message and status.

type wire struct {
	Method, Path string
	Query        map[string][]string
	Header       map[string][]string
	Body         any
	Length       int64
}

type capture struct {
	mu     sync.Mutex
	status int
	header map[string]string
	answer string
	got    []wire
	dpop   []string
	url    string
}

func newCapture(t *testing.T, status int, header map[string]string, answer string) *capture {
	c := &capture{status: status, header: header, answer: answer}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		wr := wire{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: map[string][]string{}, Length: r.ContentLength}
		for k, v := range r.Header {
			switch k {
			case "Amz-Sdk-Invocation-Id", "Amz-Sdk-Request", "User-Agent", "X-Amz-User-Agent", "Accept-Encoding", "Dpop":
			default:
				wr.Header[k] = v
			}
		}
		if err := json.Unmarshal(b, &wr.Body); err != nil {
			wr.Body = "not JSON: " + string(b)
		}
		c.mu.Lock()
		c.got = append(c.got, wr)
		c.dpop = append(c.dpop, r.Header.Get("DPoP"))
		c.mu.Unlock()
		for k, v := range c.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(c.status)
		_, _ = io.WriteString(w, c.answer)
	}))
	t.Cleanup(srv.Close)
	c.url = srv.URL
	return c
}

func (c *capture) requests() ([]wire, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.got, c.dpop
}

// grants are the two token requests stscred makes, as its input and the
// SDK's.
func grants() []struct {
	name string
	ours tokenInput
	sdk  types.CreateOAuth2TokenRequestBody
} {
	return []struct {
		name string
		ours tokenInput
		sdk  types.CreateOAuth2TokenRequestBody
	}{
		{"authorization_code",
			tokenInput{ClientID: ClientSameDevice, GrantType: "authorization_code", Code: "code/+=", CodeVerifier: "verifier", RedirectURI: "http://127.0.0.1:4711/oauth/callback?a=<1>&b=2"},
			types.CreateOAuth2TokenRequestBody{ClientId: aws.String(ClientSameDevice), GrantType: aws.String("authorization_code"), Code: aws.String("code/+="),
				CodeVerifier: aws.String("verifier"), RedirectUri: aws.String("http://127.0.0.1:4711/oauth/callback?a=<1>&b=2")}},
		{"refresh_token",
			tokenInput{ClientID: ClientCrossDevice, GrantType: "refresh_token", RefreshToken: "rt"},
			types.CreateOAuth2TokenRequestBody{ClientId: aws.String(ClientCrossDevice), GrantType: aws.String("refresh_token"), RefreshToken: aws.String("rt")}},
	}
}

func sdkToken(ctx context.Context, endpoint string, in types.CreateOAuth2TokenRequestBody) error {
	c := sdksignin.New(sdksignin.Options{Region: "eu-west-1", BaseEndpoint: aws.String(endpoint), RetryMaxAttempts: 1})
	_, err := c.CreateOAuth2Token(ctx, &sdksignin.CreateOAuth2TokenInput{TokenInput: &in})
	return err
}

// ourToken makes the call through Client.token at endpoint.
func ourToken(t *testing.T, ctx context.Context, endpoint string, in tokenInput) error {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pemKey, err := encodeKey(key)
	if err != nil {
		t.Fatal(err)
	}
	s := Session{Profile: "alice", Region: "eu-west-1", Endpoint: endpoint}
	c := &Client{Timeout: 10 * time.Second}
	_, err = c.token(ctx, s, &entry{Region: s.Region, Endpoint: endpoint, ClientID: in.ClientID, DPoPKey: pemKey}, &in)
	return err
}

const tokenAnswer = `{"tokenOutput":{"accessToken":{"accessKeyId":"ASIA","secretAccessKey":"s","sessionToken":"t"},"expiresIn":900,"refreshToken":"r"}}`

// CreateOAuth2Token's request is the SDK's: method, path (under the
// endpoint's own), query, headers and JSON body; ours carries a DPoP proof.
func TestTokenRequestAsTheSDKMakesIt(t *testing.T) {
	ctx := context.Background()
	for _, g := range grants() {
		sdkSrv := newCapture(t, 200, map[string]string{"Content-Type": "application/json"}, tokenAnswer)
		// The answer's shape is not what is compared here: the SDK's
		// error, if any, is about its document.
		_ = sdkToken(ctx, sdkSrv.url+"/base", g.sdk)
		ourSrv := newCapture(t, 200, map[string]string{"Content-Type": "application/json"}, tokenAnswer)
		_ = ourToken(t, ctx, ourSrv.url+"/base", g.ours)
		want, _ := sdkSrv.requests()
		got, dpop := ourSrv.requests()
		if len(want) != 1 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got  %+v\n want %+v", g.name, got, want)
		}
		if len(dpop) != 1 || dpop[0] == "" {
			t.Errorf("%s: DPoP proofs %q", g.name, dpop)
		}
	}
}

// sdkFields is what the SDK's error gave stscred: the code, the
// OAuth2ErrorCode of the exceptions that carry one, the message, the
// status.
func sdkFields(t *testing.T, err error) *restjson.Error {
	t.Helper()
	var apiErr smithy.APIError
	var re *awshttp.ResponseError
	if !errors.As(err, &apiErr) || !errors.As(err, &re) {
		t.Fatalf("the SDK: %v", err)
	}
	e := &restjson.Error{Code: apiErr.ErrorCode(), Message: apiErr.ErrorMessage(), Status: re.HTTPStatusCode()}
	if v := reflect.ValueOf(apiErr); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("Error_"); f.IsValid() {
			e.OAuthError = f.String()
			e.Modeled = true
		}
	}
	return e
}

// Each error document the token call may meet reaches the user as what
// the SDK's reading of it gives: the same code, OAuth2ErrorCode, message
// and status, so the same words and hints.
func TestTokenErrorsAsTheSDKReadsThem(t *testing.T) {
	ctx := context.Background()
	answers := []struct {
		status int
		header map[string]string
		body   string
	}{
		{400, map[string]string{"X-Amzn-ErrorType": "ValidationException"}, `{"error":"TOKEN_EXPIRED","message":"Session expired"}`},
		{400, nil, `{"__type":"com.amazonaws.signin#ValidationException","error":"USER_CREDENTIALS_CHANGED","message":"changed"}`},
		{400, nil, `{"__type":"ValidationException","error":"invalid_grant","message":"used"}`},
		{403, map[string]string{"X-Amzn-ErrorType": "AccessDeniedException:http://internal.amazon.com/"}, `{"error":"INSUFFICIENT_PERMISSIONS","message":"no"}`},
		{400, nil, `{"code":"AccessDeniedException","error":"AUTHCODE_EXPIRED","message":"late"}`},
		{429, map[string]string{"X-Amzn-ErrorType": "TooManyRequestsError"}, `{"error":"INVALID_REQUEST","message":"Rate exceeded"}`},
		{500, map[string]string{"X-Amzn-ErrorType": "InternalServerException"}, `{"error":"server_error","message":"An internal error occurred."}`},
		{400, nil, `{"__type":"SomethingNewException","message":"new"}`},
		{400, nil, `{"error":"invalid_request","message":"no name"}`},
		{503, nil, ``},
	}
	for _, g := range grants() {
		for _, a := range answers {
			name := g.name + " " + a.body
			sdkSrv := newCapture(t, a.status, a.header, a.body)
			read := sdkFields(t, sdkToken(ctx, sdkSrv.url, g.sdk))
			s := Session{Profile: "alice", Region: "eu-west-1", Endpoint: sdkSrv.url}
			want := (&Client{Timeout: 10 * time.Second}).explain(s, read).Error()

			// The same server: the words name its URL.
			err := ourToken(t, ctx, sdkSrv.url, g.ours)
			if err == nil || err.Error() != want {
				t.Errorf("%s:\n got  %v\n want %s", name, err, want)
			}
		}
	}
}

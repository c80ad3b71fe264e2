package identitycenter

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/smithy-go"
)

// These tests hold identitycenter's calls (package restjson) to the SDK's
// ssooidc and sso clients, which stscred made them with before: each
// call's request is captured by a local server from both, and must be the
// same on the wire; each error document the services answer with must
// give the same code, message and status.

// wire is what the tests compare of a request: the SDK's own bookkeeping
// headers (invocation id, retry info, user agent) are left out.
type wire struct {
	Method, Path string
	Query        map[string][]string
	Header       map[string][]string
	Body         any // the JSON document, nil for none
	Length       int64
}

// sdkOnly are headers only the SDK sends, about itself.
func sdkOnly(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Amz-Sdk-Invocation-Id", "Amz-Sdk-Request", "User-Agent", "X-Amz-User-Agent", "Accept-Encoding":
		return true
	}
	return false
}

// capture answers every request with its answers in turn (the last again
// when they run out) and records the requests.
type capture struct {
	mu      sync.Mutex
	answers []string
	status  int
	header  map[string]string
	got     []wire
	url     string
}

func newCapture(t *testing.T, status int, header map[string]string, answers ...string) *capture {
	c := &capture{status: status, header: header, answers: answers}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		wr := wire{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: map[string][]string{}, Length: r.ContentLength}
		for k, v := range r.Header {
			if !sdkOnly(k) {
				wr.Header[k] = v
			}
		}
		if len(b) > 0 {
			if err := json.Unmarshal(b, &wr.Body); err != nil {
				wr.Body = "not JSON: " + string(b)
			}
		}
		c.mu.Lock()
		c.got = append(c.got, wr)
		a := c.answers[min(len(c.got), len(c.answers))-1]
		c.mu.Unlock()
		for k, v := range c.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(c.status)
		_, _ = io.WriteString(w, a)
	}))
	t.Cleanup(srv.Close)
	c.url = srv.URL
	return c
}

func (c *capture) requests() []wire {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.got
}

// calls are stscred's calls of the two APIs, each made by identitycenter
// and by the SDK's client at endpoint, with the answers a page needs.
type call struct {
	name    string
	answers []string // a success's pages
	ours    func(ctx context.Context, c *Client, s Session) error
	sdk     func(ctx context.Context, endpoint string) error
}

func sdkOIDC(endpoint string) *ssooidc.Client {
	return ssooidc.New(ssooidc.Options{Region: "eu-west-1", BaseEndpoint: aws.String(endpoint), RetryMaxAttempts: 1})
}

func sdkPortal(endpoint string) *sso.Client {
	return sso.New(sso.Options{Region: "eu-west-1", BaseEndpoint: aws.String(endpoint), RetryMaxAttempts: 1})
}

func calls() []call {
	const token = "aoa-token/with+odd=chars"
	return []call{
		{name: "RegisterClient", answers: []string{`{}`},
			ours: func(ctx context.Context, c *Client, s Session) error {
				_, err := c.registerClient(ctx, s, &registerClientInput{
					ClientName: "stscred", ClientType: "public", Scopes: []string{"sso:account:access"},
					GrantTypes: []string{"authorization_code", "refresh_token"}, RedirectURIs: []string{"http://127.0.0.1/oauth/callback"},
					IssuerURL: "https://example.awsapps.com/start?x=<1>&y=2",
				})
				return err
			},
			sdk: func(ctx context.Context, ep string) error {
				_, err := sdkOIDC(ep).RegisterClient(ctx, &ssooidc.RegisterClientInput{
					ClientName: aws.String("stscred"), ClientType: aws.String("public"), Scopes: []string{"sso:account:access"},
					GrantTypes: []string{"authorization_code", "refresh_token"}, RedirectUris: []string{"http://127.0.0.1/oauth/callback"},
					IssuerUrl: aws.String("https://example.awsapps.com/start?x=<1>&y=2"),
				})
				return err
			}},
		{name: "RegisterClient (legacy)", answers: []string{`{}`},
			ours: func(ctx context.Context, c *Client, s Session) error {
				_, err := c.registerClient(ctx, s, &registerClientInput{ClientName: "stscred", ClientType: "public"})
				return err
			},
			sdk: func(ctx context.Context, ep string) error {
				_, err := sdkOIDC(ep).RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("stscred"), ClientType: aws.String("public")})
				return err
			}},
		{name: "StartDeviceAuthorization", answers: []string{`{}`},
			ours: func(ctx context.Context, c *Client, s Session) error {
				_, err := c.startDeviceAuthorization(ctx, s, &startDeviceInput{ClientID: "cid", ClientSecret: "sec", StartURL: "https://example.awsapps.com/start"})
				return err
			},
			sdk: func(ctx context.Context, ep string) error {
				_, err := sdkOIDC(ep).StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
					ClientId: aws.String("cid"), ClientSecret: aws.String("sec"), StartUrl: aws.String("https://example.awsapps.com/start"),
				})
				return err
			}},
		{name: "CreateToken (device code)", answers: []string{`{}`},
			ours: func(ctx context.Context, c *Client, s Session) error {
				_, err := c.callCreateToken(ctx, s, &createTokenInput{ClientID: "cid", ClientSecret: "sec",
					GrantType: "urn:ietf:params:oauth:grant-type:device_code", DeviceCode: "dc"})
				return err
			},
			sdk: func(ctx context.Context, ep string) error {
				_, err := sdkOIDC(ep).CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: aws.String("cid"), ClientSecret: aws.String("sec"),
					GrantType: aws.String("urn:ietf:params:oauth:grant-type:device_code"), DeviceCode: aws.String("dc")})
				return err
			}},
		{name: "CreateToken (authorization code)", answers: []string{`{}`},
			ours: func(ctx context.Context, c *Client, s Session) error {
				_, err := c.callCreateToken(ctx, s, &createTokenInput{ClientID: "cid", ClientSecret: "sec", GrantType: "authorization_code",
					Code: "code", RedirectURI: "http://127.0.0.1:4711/oauth/callback", CodeVerifier: "verifier"})
				return err
			},
			sdk: func(ctx context.Context, ep string) error {
				_, err := sdkOIDC(ep).CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: aws.String("cid"), ClientSecret: aws.String("sec"),
					GrantType: aws.String("authorization_code"), Code: aws.String("code"),
					RedirectUri: aws.String("http://127.0.0.1:4711/oauth/callback"), CodeVerifier: aws.String("verifier")})
				return err
			}},
		{name: "CreateToken (refresh token)", answers: []string{`{}`},
			ours: func(ctx context.Context, c *Client, s Session) error {
				_, err := c.callCreateToken(ctx, s, &createTokenInput{ClientID: "cid", ClientSecret: "sec", GrantType: "refresh_token", RefreshToken: "rt"})
				return err
			},
			sdk: func(ctx context.Context, ep string) error {
				_, err := sdkOIDC(ep).CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: aws.String("cid"), ClientSecret: aws.String("sec"),
					GrantType: aws.String("refresh_token"), RefreshToken: aws.String("rt")})
				return err
			}},
		{name: "GetRoleCredentials", answers: []string{`{}`},
			ours: func(ctx context.Context, c *Client, s Session) error {
				_, err := getRoleCredentials(ctx, c.portal(s), token, "111111111111", "Admin+Ops, x/y")
				return err
			},
			sdk: func(ctx context.Context, ep string) error {
				_, err := sdkPortal(ep).GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
					AccessToken: aws.String(token), AccountId: aws.String("111111111111"), RoleName: aws.String("Admin+Ops, x/y")})
				return err
			}},
		{name: "ListAccounts", answers: []string{`{"nextToken":"page/2+="}`, `{}`},
			ours: func(ctx context.Context, c *Client, s Session) error {
				_, err := listAccounts(ctx, c.portal(s), token)
				return err
			},
			sdk: func(ctx context.Context, ep string) error {
				p := sso.NewListAccountsPaginator(sdkPortal(ep), &sso.ListAccountsInput{AccessToken: aws.String(token)})
				for p.HasMorePages() {
					if _, err := p.NextPage(ctx); err != nil {
						return err
					}
				}
				return nil
			}},
		{name: "ListAccountRoles", answers: []string{`{"nextToken":"page/2+="}`, `{}`},
			ours: func(ctx context.Context, c *Client, s Session) error {
				_, err := listAccountRoles(ctx, c.portal(s), token, "111111111111")
				return err
			},
			sdk: func(ctx context.Context, ep string) error {
				p := sso.NewListAccountRolesPaginator(sdkPortal(ep), &sso.ListAccountRolesInput{AccessToken: aws.String(token), AccountId: aws.String("111111111111")})
				for p.HasMorePages() {
					if _, err := p.NextPage(ctx); err != nil {
						return err
					}
				}
				return nil
			}},
		{name: "Logout", answers: []string{``},
			ours: func(ctx context.Context, c *Client, s Session) error {
				return logout(ctx, c.portal(s), token)
			},
			sdk: func(ctx context.Context, ep string) error {
				_, err := sdkPortal(ep).Logout(ctx, &sso.LogoutInput{AccessToken: aws.String(token)})
				return err
			}},
	}
}

// ourClient is an identitycenter client of both APIs at endpoint.
func ourClient(endpoint string) (*Client, Session) {
	return &Client{Endpoints: Endpoints{OIDC: endpoint, Portal: endpoint}, Timeout: 10 * time.Second},
		Session{Name: "corp", StartURL: "https://example.awsapps.com/start", Region: "eu-west-1"}
}

// Each call's requests (every page's) are the SDK client's: method, path,
// query, the headers that are not the SDK's bookkeeping, and the JSON body.
func TestRequestsAsTheSDKMakesThem(t *testing.T) {
	ctx := context.Background()
	for _, tc := range calls() {
		sdkSrv := newCapture(t, 200, map[string]string{"Content-Type": "application/json"}, tc.answers...)
		if err := tc.sdk(ctx, sdkSrv.url+"/base"); err != nil {
			t.Fatalf("%s: the SDK: %v", tc.name, err)
		}
		ourSrv := newCapture(t, 200, map[string]string{"Content-Type": "application/json"}, tc.answers...)
		c, s := ourClient(ourSrv.url + "/base")
		if err := tc.ours(ctx, c, s); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want, got := sdkSrv.requests(), ourSrv.requests()
		if len(want) == 0 || len(want) != len(tc.answers) {
			t.Fatalf("%s: the SDK made %d requests, want %d", tc.name, len(want), len(tc.answers))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got  %s\n want %s", tc.name, show(got), show(want))
		}
	}
}

func show(ws []wire) string {
	var b strings.Builder
	for _, w := range ws {
		keys := make([]string, 0, len(w.Header))
		for k := range w.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		j, _ := json.Marshal(w.Body)
		q, _ := json.Marshal(w.Query)
		b.WriteString(w.Method + " " + w.Path + " " + string(q) + " ")
		for _, k := range keys {
			b.WriteString(k + "=" + strings.Join(w.Header[k], ",") + " ")
		}
		b.WriteString(string(j) + "; ")
	}
	return b.String()
}

// sdkMessage is the message stscred took from the SDK's errors: the
// exception's message, else (the OIDC API's exceptions) the OAuth 2.0
// error_description.
func sdkMessage(e smithy.APIError) string {
	if m := e.ErrorMessage(); m != "" {
		return m
	}
	if v := reflect.ValueOf(e); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("Error_description"); f.IsValid() && !f.IsNil() {
			return f.Elem().String()
		}
	}
	return ""
}

// Every error document gives the code, message and status the SDK's
// client gave: modeled exceptions of both APIs (by header, by __type with
// a namespace, by code), one neither models, one without a name, a 429
// and a 5xx.
func TestErrorsAsTheSDKReadsThem(t *testing.T) {
	ctx := context.Background()
	answers := []struct {
		status int
		header map[string]string
		body   string
	}{
		{400, map[string]string{"X-Amzn-ErrorType": "AuthorizationPendingException:http://internal.amazon.com/coral/"}, `{"error":"authorization_pending","error_description":"waiting"}`},
		{400, nil, `{"__type":"com.amazonaws.ssooidc#SlowDownException","error":"slow_down","error_description":"slower"}`},
		{400, nil, `{"__type":"InvalidGrantException","error":"invalid_grant","error_description":"used"}`},
		{400, nil, `{"code":"ExpiredTokenException","error":"expired_token"}`},
		{401, map[string]string{"X-Amzn-ErrorType": "UnauthorizedException"}, `{"message":"Session token not found or invalid"}`},
		{403, nil, `{"__type":"com.amazonaws.switchboard.portal#ForbiddenException","message":"No access"}`},
		{404, map[string]string{"X-Amzn-ErrorType": "ResourceNotFoundException"}, `{"Message":"No such role"}`},
		{429, map[string]string{"X-Amzn-ErrorType": "TooManyRequestsException"}, `{"message":"Rate exceeded"}`},
		{400, nil, `{"error":"invalid_request","error_description":"no name"}`},
		{400, nil, ``},
		{500, map[string]string{"X-Amzn-ErrorType": "InternalServerException"}, `{"error":"server_error","error_description":"oops","message":"oops too"}`},
	}
	retried := map[string]bool{} // an API whose retried answers were tried: they wait for backoff
	for _, tc := range calls() {
		op, _, _ := strings.Cut(tc.name, " ")
		for _, a := range answers {
			if a.status == 429 || a.status >= 500 {
				if retried[op] || !(op == "RegisterClient" || op == "GetRoleCredentials") {
					continue
				}
			}
			name := tc.name + " " + a.body
			sdkSrv := newCapture(t, a.status, a.header, a.body)
			sdkErr := tc.sdk(ctx, sdkSrv.url)
			var apiErr smithy.APIError
			var re *awshttp.ResponseError
			if !errors.As(sdkErr, &apiErr) || !errors.As(sdkErr, &re) {
				t.Fatalf("%s: the SDK: %v", name, sdkErr)
			}
			want := APIError{Op: op, Code: apiErr.ErrorCode(), Message: sdkMessage(apiErr), Status: re.HTTPStatusCode()}

			ourSrv := newCapture(t, a.status, a.header, a.body)
			c, s := ourClient(ourSrv.url)
			var e *APIError
			if err := c.wrap(ctx, op, ourSrv.url, tc.ours(ctx, c, s)); !errors.As(err, &e) {
				t.Fatalf("%s: %v, want an APIError", name, err)
			}
			if got := (APIError{Op: e.Op, Code: e.Code, Message: e.Message, Status: e.Status}); got != want {
				t.Errorf("%s:\n got  %+v\n want %+v", name, got, want)
			}
		}
		retried[op] = true
	}
}

package identitycenter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/keystore/keystoretest"
)

// What the fuzzed Identity Center answers every request with (CreateToken,
// POST /token, with an answer of its own), and the requests it had: in
// all, and of each portal URL (GET, with its query).
var answer struct {
	sync.Mutex
	status, tokenStatus int
	body, tokenBody     []byte
	errType             string // the x-amzn-ErrorType header of an error
	requests            int
	gets                map[string]int
}

func serveAnswer(w http.ResponseWriter, r *http.Request) {
	answer.Lock()
	answer.requests++
	if r.Method == http.MethodGet {
		answer.gets[r.URL.String()]++
	}
	status, body := answer.status, answer.body
	if r.URL.Path == "/token" {
		status, body = answer.tokenStatus, answer.tokenBody
	}
	errType := answer.errType
	answer.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if status >= 400 && errType != "" {
		w.Header().Set("X-Amzn-Errortype", errType)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// statuses are the answers' HTTP statuses the fuzzer picks from.
var statuses = []int{200, 200, 200, 400, 401, 403, 404, 429, 500}

// maxRequests bounds the requests of one operation: the device flow's
// polls (one a second, ten minutes at most) and a few more.
const maxRequests = 700

// maxSame bounds how often one portal URL is asked: the SDK's three
// attempts, twice (withToken tries again after renewing a refused
// token). A portal that answers a page with the token it was asked for
// must not be asked again and again until the call's budget runs out.
const maxSame = 6

// FuzzAnswers has a hostile IAM Identity Center (portal and OIDC API)
// answer every request of one operation with the same status and body
// (CreateToken with a status and body of its own; an error names its
// exception in the x-amzn-ErrorType header, as the services do):
// GetRoleCredentials, the account and role lists, a refresh of the access
// token, and a device-code sign-in. It holds: no panic; a bounded number
// of requests; role credentials that print as credential_process JSON
// and read back the same; roles listed sorted; a token stored by a
// refresh or a sign-in reads back.
func FuzzAnswers(f *testing.F) {
	srv := httptest.NewServer(http.HandlerFunc(serveAnswer))
	f.Cleanup(srv.Close)
	const pending = `{"error":"authorization_pending","error_description":"Authorization is still pending"}`
	const granted = `{"accessToken":"aoa-new","expiresIn":3600,"refreshToken":"aor-new","tokenType":"Bearer"}`
	// RegisterClient's and StartDeviceAuthorization's answers in one.
	const device = `{"clientId":"cid","clientSecret":"cs","clientSecretExpiresAt":1795000000,"deviceCode":"dc","userCode":"ABCD-EFGH","verificationUri":"https://device.sso.eu-west-1.amazonaws.com/","verificationUriComplete":"https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH","interval":1,"expiresIn":600}`
	for _, seed := range []struct {
		op     uint8
		status uint8
		body   string
		tokens uint8
		token  string
		err    string
	}{
		{0, 0, `{"roleCredentials":{"accessKeyId":"ASIAIOSFODNN7EXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","sessionToken":"IQoJb3JpZ2luX2VjEXAMPLE","expiration":1795000000000}}`, 0, granted, ""},
		{0, 0, `{"roleCredentials":{"accessKeyId":"a","secretAccessKey":"s","expiration":-1}}`, 0, granted, ""},
		{0, 5, `{"message":"No access"}`, 0, granted, "ForbiddenException"},
		{0, 4, `{"message":"Session token not found or invalid"}`, 0, granted, "UnauthorizedException"},
		{1, 0, `{"accountList":[{"accountId":"222222222222","accountName":"prod","emailAddress":"prod@example.com"}],"roleList":[{"roleName":"ReadOnly","accountId":"222222222222"},{"roleName":"Admin","accountId":"222222222222"}]}`, 0, granted, ""},
		{1, 0, `{"accountList":[{"accountId":"1","accountName":"x\nstscred: hint: y"}],"nextToken":"more"}`, 0, granted, ""},
		{2, 0, ``, 0, granted, ""},
		{2, 0, ``, 3, `{"error":"invalid_grant","error_description":"Invalid refresh token provided"}`, "InvalidGrantException"},
		{2, 0, ``, 0, `{"accessToken":"aoa-new","expiresIn":-1}`, ""},
		{3, 0, device, 0, granted, ""},
		{3, 0, device, 3, pending, "AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"},
		{3, 0, device, 3, `{"error":"slow_down","error_description":"slow"}`, "SlowDownException"},
		{3, 0, device, 3, `{"error":"access_denied"}`, "AccessDeniedException"},
		{3, 0, device, 3, `{"error":"expired_token"}`, "ExpiredTokenException"},
		{3, 0, `{"clientId":"cid","clientSecret":"cs","clientSecretExpiresAt":9223372036854775807,"deviceCode":"dc","userCode":"u","verificationUri":"-x","interval":-5,"expiresIn":2147483647,"accessToken":"aoa"}`, 0, granted, ""},
		{0, 8, `<html>oops</html>`, 0, granted, ""},
	} {
		f.Add(seed.op, seed.status, []byte(seed.body), seed.tokens, []byte(seed.token), seed.err)
	}
	s := Session{Name: "corp", StartURL: "https://d-1234567890.awsapps.com/start", Region: "eu-west-1", Scopes: []string{"sso:account:access"}}
	f.Fuzz(func(t *testing.T, op, status uint8, body []byte, tokenStatus uint8, tokenBody []byte, errType string) {
		answer.Lock()
		answer.status, answer.body = statuses[int(status)%len(statuses)], body
		answer.tokenStatus, answer.tokenBody = statuses[int(tokenStatus)%len(statuses)], tokenBody
		answer.errType = strings.Map(func(r rune) rune { // what a header can hold
			if r < ' ' || r > '~' {
				return -1
			}
			return r
		}, errType)
		answer.requests, answer.gets = 0, map[string]int{}
		answer.Unlock()

		start := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		now := start
		var clock sync.Mutex
		c := &Client{
			Store:     keystoretest.NewMemory(),
			Endpoints: Endpoints{OIDC: srv.URL, Portal: srv.URL},
			Now:       func() time.Time { clock.Lock(); defer clock.Unlock(); return now },
			Timeout:   2 * time.Second,
			// Waits between polls pass at once on the client's clock,
			// which ends the sign-in's wait (DefaultWait) as a real one
			// would.
			Sleep: func(ctx context.Context, d time.Duration) error {
				clock.Lock()
				defer clock.Unlock()
				if now = now.Add(d); now.After(start.Add(DefaultWait)) {
					return context.DeadlineExceeded
				}
				return ctx.Err()
			},
		}
		reg := &registration{ClientID: "cid", ClientSecret: "cs", Issued: now, Expires: now.Add(90 * 24 * time.Hour), Scopes: s.Scopes, Flow: flowDevice}
		if err := c.setJSON(clientName(s, flowDevice), "client registration", s, reg); err != nil {
			t.Fatal(err)
		}
		tok := &Token{AccessToken: "aoa", RefreshToken: "aor", Expires: now.Add(time.Hour), ClientID: "cid", Flow: flowDevice, Region: s.Region, StartURL: s.StartURL, IssuedAt: now}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()

		switch op % 4 {
		case 0:
			mustWrite(t, c, s, tok)
			cr, err := c.RoleCredentials(ctx, s, "222222222222", "Admin")
			if err == nil {
				b, err := creds.EncodeProcess(cr)
				if err != nil {
					t.Fatalf("the credentials do not print: %v", err)
				}
				back, err := creds.DecodeProcess(b)
				if err != nil || back.AccessKeyID != cr.AccessKeyID || !back.Expiration.Equal(cr.Expiration.Truncate(time.Second)) {
					t.Fatalf("the credentials print as %s, which reads back as %+v (%v)", b, back, err)
				}
			}
		case 1:
			mustWrite(t, c, s, tok)
			accounts, err := c.Accounts(ctx, s)
			if err == nil {
				for _, a := range accounts {
					if !slices.IsSorted(a.Roles) {
						t.Fatalf("roles not sorted: %q", a.Roles)
					}
				}
			}
		case 2:
			tok.Expires = now.Add(-time.Minute)
			mustWrite(t, c, s, tok)
			access, err := c.AccessToken(ctx, s)
			if err == nil {
				if st, err := c.readToken(s); err != nil || st == nil || st.AccessToken != access {
					t.Fatalf("refreshed to %q, stored %+v (%v)", access, st, err)
				}
			}
		case 3:
			if _, err := c.Login(ctx, s, LoginOptions{DeviceCode: true}); err == nil {
				if st, err := c.readToken(s); err != nil || st == nil {
					t.Fatalf("signed in, but the token does not read back: %v", err)
				}
			}
		}
		answer.Lock()
		defer answer.Unlock()
		if answer.requests > maxRequests {
			t.Fatalf("operation %d made %d requests", op%4, answer.requests)
		}
		for url, n := range answer.gets {
			if n > maxSame {
				t.Fatalf("operation %d asked for %s %d times", op%4, url, n)
			}
		}
	})
}

func mustWrite(t *testing.T, c *Client, s Session, tok *Token) {
	t.Helper()
	if err := c.writeToken(s, tok); err != nil {
		t.Fatal(err)
	}
}

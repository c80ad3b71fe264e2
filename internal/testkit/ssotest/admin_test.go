package ssotest_test

// The admin API: what an out-of-process test can see and do, and that it
// serves no secret.

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/stscred/stscred/internal/testkit/ssotest"
)

func adminDo(t *testing.T, method, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestAdminAPI(t *testing.T) {
	w := newWorld(t)
	admin := w.url + "/_ssotest/"
	if st, body := adminDo(t, http.MethodGet, admin); st != http.StatusOK || !strings.Contains(body, "POST /_ssotest/approve") {
		t.Fatalf("index: %d %s", st, body)
	}
	reg := w.register(t)
	start, err := w.oidc.StartDeviceAuthorization(context.Background(), &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(startURL),
	})
	if err != nil {
		t.Fatal(err)
	}
	if st, body := adminDo(t, http.MethodGet, admin+"devices"); st != http.StatusOK || !strings.Contains(body, aws.ToString(start.UserCode)) || strings.Contains(body, aws.ToString(start.DeviceCode)) {
		t.Errorf("devices: %d %s", st, body)
	}
	if st, body := adminDo(t, http.MethodPost, admin+"browser?user=bob&mode=approve"); st != http.StatusOK {
		t.Fatalf("browser: %d %s", st, body)
	}
	if st, body := adminDo(t, http.MethodPost, admin+"approve?user_code="+url.QueryEscape(aws.ToString(start.UserCode))); st != http.StatusOK {
		t.Fatalf("approve: %d %s", st, body)
	}
	if st, _ := adminDo(t, http.MethodPost, admin+"approve?user_code=NOPE-NOPE"); st != http.StatusBadRequest {
		t.Errorf("approving an unknown code: %d", st)
	}
	if st, body := adminDo(t, http.MethodPost, admin+"fail?op=CreateToken:"+url.QueryEscape(ssotest.GrantDeviceCode)+"&code=InternalServerException"); st != http.StatusOK {
		t.Fatalf("fail: %d %s", st, body)
	}
	poll := func() (*ssooidc.CreateTokenOutput, error) {
		return w.oidc.CreateToken(context.Background(), &ssooidc.CreateTokenInput{
			ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: aws.String(ssotest.GrantDeviceCode), DeviceCode: start.DeviceCode,
		})
	}
	_, err = poll()
	wantAPIError(t, err, "InternalServerException", http.StatusInternalServerError, "")
	if _, err := poll(); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"tokens", "refresh-tokens", "clients", "requests", "calls"} {
		st, body := adminDo(t, http.MethodGet, admin+path)
		if st != http.StatusOK {
			t.Errorf("%s: %d", path, st)
		}
		for _, secret := range w.srv.Secrets() {
			if strings.Contains(body, secret) {
				t.Errorf("GET %s serves a secret", path)
			}
		}
		if path == "tokens" && !strings.Contains(body, `"user": "bob"`) {
			t.Errorf("tokens: %s", body)
		}
	}
	if st, _ := adminDo(t, http.MethodPost, admin+"expire?what=access-tokens"); st != http.StatusOK {
		t.Errorf("expire: %d", st)
	}
	if w.srv.Tokens()[0].Live {
		t.Error("access token live after expire")
	}
	if st, _ := adminDo(t, http.MethodPost, admin+"expire?what=everything"); st != http.StatusBadRequest {
		t.Errorf("expire everything: %d", st)
	}
}

package signintest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/signintest"
)

func (w *world) admin(t *testing.T, method, path string, form url.Values) (int, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodGet {
		resp, err = http.Get(w.url + "/_signintest/" + path)
	} else {
		resp, err = http.PostForm(w.url+"/_signintest/"+path, form)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAdminAPI(t *testing.T) {
	w := newWorld(t)
	fed := w.srv.AddFederated("arn:aws:iam::222222222222:role/Fed", "alice")
	if code, body := w.admin(t, "GET", "", nil); code != 200 || !strings.Contains(body, "POST /_signintest/browser") {
		t.Fatalf("index %d %s", code, body)
	}

	// The browser waits; the test approves through the API.
	if code, body := w.admin(t, "POST", "browser", url.Values{"as": {fed.ARN}, "mode": {"wait"}}); code != 200 {
		t.Fatalf("browser %d %s", code, body)
	}
	p := newPKCE()
	w.authorize(t, authorizeQuery(p, "st"))
	_, body := w.admin(t, "GET", "authorizations", nil)
	var pending []signintest.Authorization
	if err := json.Unmarshal([]byte(body), &pending); err != nil || len(pending) != 1 {
		t.Fatalf("authorizations %s", body)
	}
	code, to := w.admin(t, "POST", "approve", url.Values{"id": {pending[0].ID}})
	u, err := url.Parse(strings.TrimSpace(to))
	if code != 200 || err != nil || u.Query().Get("code") == "" {
		t.Fatalf("approve %d %s", code, to)
	}
	key := newKey(t)
	a := w.post(t, codeBody(u.Query().Get("code"), p), w.proof(t, key))
	wantOK(t, a)
	if arn, _ := w.callerARN(t, a); arn != fed.ARN {
		t.Errorf("signed in as %s", arn)
	}
	w.authorize(t, authorizeQuery(newPKCE(), "st2"))
	if code, to := w.admin(t, "POST", "deny", url.Values{"id": {w.srv.PendingAuthorizations()[0].ID}}); code != 200 || !strings.Contains(to, "error=access_denied") {
		t.Errorf("deny %d %s", code, to)
	}

	// Observations.
	_, body = w.admin(t, "GET", "sessions", nil)
	var sessions []signintest.Session
	if err := json.Unmarshal([]byte(body), &sessions); err != nil || len(sessions) != 1 || sessions[0].ARN != fed.ARN {
		t.Fatalf("sessions %s", body)
	}
	for _, path := range []string{"calls", "requests", "identities", "refresh-tokens"} {
		code, body := w.admin(t, "GET", path, nil)
		if code != 200 || !json.Valid([]byte(body)) {
			t.Errorf("%s: %d %s", path, code, body)
		}
		if strings.Contains(body, a.RefreshToken) || strings.Contains(body, a.AccessToken.SecretAccessKey) {
			t.Errorf("%s serves a secret", path)
		}
	}

	// Controls.
	for _, c := range []struct {
		path string
		form url.Values
		want string
	}{
		{"fail", url.Values{"op": {"CreateOAuth2Token"}, "code": {"TooManyRequestsError"}, "count": {"2"}}, "ok"},
		{"clear-faults", nil, "ok"},
		{"permission", url.Values{"arn": {fed.ARN}, "allowed": {"false"}}, "ok"},
		{"permission", url.Values{"arn": {fed.ARN}, "allowed": {"true"}}, "ok"},
		{"mfa", url.Values{"arn": {w.ali.ARN}, "mfa": {"false"}}, "ok"},
		{"password-changed", url.Values{"arn": {w.ali.ARN}}, "ok"},
		{"end", url.Values{"session": {sessions[0].ID}}, "ok"},
		{"revoke", url.Values{"session": {sessions[0].ID}}, "ok"},
		{"revoke", url.Values{"arn": {fed.ARN}}, "revoked 0"},
		{"end", nil, "ok"},
		{"reset-counts", nil, "ok"},
	} {
		if code, body := w.admin(t, "POST", c.path, c.form); code != 200 || strings.TrimSpace(body) != c.want {
			t.Errorf("%s %v: %d %s", c.path, c.form, code, body)
		}
	}
	if s := w.srv.Sessions()[0]; !s.Revoked || s.Live {
		t.Errorf("session %+v", s)
	}
	if id := w.srv.Identities()[0]; id.MFA || id.PasswordChanged.IsZero() {
		t.Errorf("identity %+v", id)
	}
	if w.srv.Calls(signintest.AnyOp) != 0 {
		t.Error("reset-counts")
	}
	for _, c := range []struct {
		path string
		form url.Values
	}{
		{"browser", url.Values{"mode": {"maybe"}}},
		{"browser", url.Values{"as": {"nobody"}, "mode": {"approve"}}},
		{"approve", url.Values{"id": {"nope"}}},
		{"deny", url.Values{"id": {"nope"}}},
		{"fail", url.Values{"op": {"CreateOAuth2Token"}, "code": {"Nope"}}},
		{"fail", url.Values{"op": {"CreateOAuth2Token"}, "code": {"TooManyRequestsError"}, "count": {"x"}}},
		{"permission", url.Values{"arn": {fed.ARN}, "allowed": {"maybe"}}},
		{"permission", url.Values{"arn": {"nobody"}, "allowed": {"true"}}},
		{"mfa", url.Values{"arn": {fed.ARN}, "mfa": {"true"}}},
		{"mfa", url.Values{"arn": {w.ali.ARN}, "mfa": {"x"}}},
		{"password-changed", url.Values{"arn": {"nobody"}}},
		{"revoke", url.Values{"session": {"nope"}}},
		{"end", url.Values{"session": {"nope"}}},
	} {
		if code, body := w.admin(t, "POST", c.path, c.form); code != 400 {
			t.Errorf("%s %v: %d %s", c.path, c.form, code, body)
		}
	}
}

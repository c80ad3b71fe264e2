package oidctest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/oidctest"
)

// requestIDToken does what the Actions toolkit's getIDToken does: GET the
// request URL with "&audience=..." appended and a bearer token.
func requestIDToken(t *testing.T, requestURL, authorization, audience string) (int, map[string]string) {
	t.Helper()
	u := requestURL
	if audience != "" {
		u += "&audience=" + url.QueryEscape(audience)
	}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
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
	var body map[string]string
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("HTTP %d: body is not JSON: %v\n%s", resp.StatusCode, err, b)
	}
	return resp.StatusCode, body
}

func TestGitHubActionsTokenEndpoint(t *testing.T) {
	gh := oidctest.NewGitHubActions(oidctest.GitHubOptions{Now: fixedNow, Repository: "acme/infra"})
	gh.Start()
	t.Cleanup(gh.Close)
	reqURL := gh.RequestURL()
	if !strings.HasPrefix(reqURL, gh.URL()+"/") || !strings.Contains(reqURL, "?api-version=2.0") {
		t.Fatalf("request URL %s: want the stand-in's URL with a query string", reqURL)
	}

	for _, tc := range []struct{ name, auth string }{
		{"missing", ""},
		{"wrong token", "bearer " + gh.RequestToken() + "x"},
		{"basic scheme", "Basic " + gh.RequestToken()},
	} {
		st, body := requestIDToken(t, reqURL, tc.auth, "sts.amazonaws.com")
		if st != http.StatusUnauthorized || body["message"] == "" || body["value"] != "" {
			t.Errorf("%s bearer: HTTP %d %v, want 401 with a message", tc.name, st, body)
		}
	}

	set := keySet(t, gh.URL())
	// "bearer" as GitHub's docs write it, "Bearer" as the toolkit sends it.
	for _, scheme := range []string{"bearer", "Bearer"} {
		st, body := requestIDToken(t, reqURL, scheme+" "+gh.RequestToken(), "sts.amazonaws.com")
		if st != http.StatusOK {
			t.Fatalf("%s: HTTP %d %v", scheme, st, body)
		}
		claims, err := verify(body["value"], set)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{
			"iss": gh.URL(), "aud": "sts.amazonaws.com", "sub": "repo:acme/infra:ref:refs/heads/main",
			"repository": "acme/infra", "repository_owner": "acme", "ref": "refs/heads/main", "ref_type": "branch",
			"event_name": "push", "runner_environment": "github-hosted",
			"job_workflow_ref": "acme/infra/.github/workflows/deploy.yml@refs/heads/main",
			"exp":              float64(now.Unix() + 300),
		}
		for k, v := range want {
			if claims[k] != v {
				t.Errorf("claim %s = %v, want %v", k, claims[k], v)
			}
		}
		for _, k := range []string{"jti", "sha", "run_id", "actor", "workflow_ref", "repository_id", "nbf", "iat"} {
			if claims[k] == nil || claims[k] == "" {
				t.Errorf("claim %s missing", k)
			}
		}
	}

	// No audience parameter: the owner's URL.
	st, body := requestIDToken(t, reqURL, "bearer "+gh.RequestToken(), "")
	if st != http.StatusOK {
		t.Fatalf("HTTP %d %v", st, body)
	}
	if claims, err := verify(body["value"], set); err != nil || claims["aud"] != "https://github.com/acme" {
		t.Errorf("default audience: %v %v", claims["aud"], err)
	}

	gh.SetPermission(false)
	if st, body := requestIDToken(t, reqURL, "bearer "+gh.RequestToken(), "x"); st != http.StatusForbidden || body["value"] != "" {
		t.Errorf("without permission: HTTP %d %v, want 403", st, body)
	}
	if n := gh.Requests(); n != 7 {
		t.Errorf("%d requests counted, want 7", n)
	}
	if got, want := gh.Audiences(), []string{"sts.amazonaws.com", "sts.amazonaws.com", "https://github.com/acme"}; !slices.Equal(got, want) {
		t.Errorf("audiences served %v, want %v", got, want)
	}
}

func TestGitHubActionsSubjects(t *testing.T) {
	for _, tc := range []struct {
		opts oidctest.GitHubOptions
		want string
	}{
		{oidctest.GitHubOptions{}, "repo:octo-org/octo-repo:ref:refs/heads/main"},
		{oidctest.GitHubOptions{Environment: "prod"}, "repo:octo-org/octo-repo:environment:prod"},
		{oidctest.GitHubOptions{EventName: "pull_request", Ref: "refs/pull/7/merge"}, "repo:octo-org/octo-repo:pull_request"},
		{oidctest.GitHubOptions{Ref: "refs/tags/v1.2.0"}, "repo:octo-org/octo-repo:ref:refs/tags/v1.2.0"},
	} {
		gh := oidctest.NewGitHubActions(tc.opts)
		if got := gh.Subject(); got != tc.want {
			t.Errorf("%+v: subject %s, want %s", tc.opts, got, tc.want)
		}
	}
}

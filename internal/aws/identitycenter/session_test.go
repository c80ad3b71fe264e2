package identitycenter_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/aws/identitycenter"
)

func TestSessionNames(t *testing.T) {
	if corp.Label() != "corp" || legacy.Label() != startURL || corp.Legacy() || !legacy.Legacy() {
		t.Errorf("labels %q %q", corp.Label(), legacy.Label())
	}
	ids := map[string]identitycenter.Session{}
	for _, s := range []identitycenter.Session{
		corp, legacy,
		{Name: "corp", StartURL: startURL, Region: "us-east-1"},
		{Name: "corp", StartURL: startURL + "/x", Region: region},
		{Name: "other", StartURL: startURL, Region: region},
	} {
		id := s.ID()
		if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
			t.Errorf("id %q is not 32 hex digits", id)
		}
		if prev, ok := ids[id]; ok {
			t.Errorf("%+v and %+v share id %s", prev, s, id)
		}
		ids[id] = s
	}
	// Scopes do not make another session: a change of scopes re-registers.
	again := corp
	again.Scopes = []string{"sso:account:access", "codewhisperer:completions"}
	if again.ID() != corp.ID() {
		t.Error("the id depends on the scopes")
	}
}

func TestEndpointsFrom(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		env  map[string]string
		want identitycenter.Endpoints
	}{
		{nil, identitycenter.Endpoints{}},
		{map[string]string{"AWS_ENDPOINT_URL": "http://all"}, identitycenter.Endpoints{OIDC: "http://all", Portal: "http://all"}},
		{map[string]string{"AWS_ENDPOINT_URL": "http://all", "AWS_ENDPOINT_URL_SSO_OIDC": "http://oidc"}, identitycenter.Endpoints{OIDC: "http://oidc", Portal: "http://all"}},
		{map[string]string{"AWS_ENDPOINT_URL_SSO": "http://portal", "AWS_ENDPOINT_URL_SSO_OIDC": "http://oidc", "AWS_ENDPOINT_URL": "http://all"}, identitycenter.Endpoints{OIDC: "http://oidc", Portal: "http://portal"}},
		{map[string]string{"AWS_ENDPOINT_URL_STS": "http://sts"}, identitycenter.Endpoints{}},
	} {
		if got := identitycenter.EndpointsFrom(env(c.env)); got != c.want {
			t.Errorf("%v: %+v, want %+v", c.env, got, c.want)
		}
	}
}

// A session or endpoint the API could not be asked about is refused
// before any call, naming the key to fix.
func TestBadSessionsRefused(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for _, c := range []struct {
		s    identitycenter.Session
		want string
	}{
		{identitycenter.Session{Name: "corp", StartURL: "http://corp.example/start", Region: region}, "sso_start_url"},
		{identitycenter.Session{Name: "corp", Region: region}, "sso_start_url"},
		{identitycenter.Session{Name: "corp", StartURL: startURL, Region: "evil.example/x"}, "sso_region"},
		{identitycenter.Session{Name: "corp", StartURL: startURL}, "sso_region"},
	} {
		if _, err := w.c.Login(ctx, c.s, identitycenter.LoginOptions{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v", c.s, err)
		}
		if _, err := w.c.AccessToken(ctx, c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v", c.s, err)
		}
	}
	w.c.Endpoints.OIDC = "oidc.example"
	if _, err := w.c.Login(ctx, corp, identitycenter.LoginOptions{}); err == nil || !strings.Contains(errText(err), "AWS_ENDPOINT_URL_SSO_OIDC") {
		t.Errorf("bad endpoint: %v", err)
	}
	if n := w.srv.Calls("*"); n != 0 {
		t.Errorf("%d calls", n)
	}
}

// Neither a Token nor a Status prints a secret, however formatted.
func TestTokenNeverPrinted(t *testing.T) {
	w := newWorld(t)
	st := w.login(t, corp, identitycenter.LoginOptions{})
	tok := w.stored(t, corp)
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatal("no tokens stored")
	}
	var texts []string
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		texts = append(texts, fmt.Sprintf(f, tok), fmt.Sprintf(f, &tok), fmt.Sprintf(f, st))
	}
	w.noSecrets(t, texts...)
}

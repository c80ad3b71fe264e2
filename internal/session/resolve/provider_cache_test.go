package resolve

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/testkit/samltest"
)

// providerRig is the resolver rig with identity-provider profiles whose
// token or assertion is in a file.
type providerRig struct {
	*rig
	dir string
}

func newProviderRig(t *testing.T) *providerRig {
	r := &providerRig{rig: newRig(t), dir: t.TempDir()}
	cfg, err := awsconfig.Parse("config", []byte(strings.ReplaceAll(`
[profile ci]
role_arn = arn:aws:iam::222222222222:role/Deploy
web_identity_token_file = DIR/token
role_session_name = deploy

[profile ci-deep]
source_profile = ci
role_arn = arn:aws:iam::333333333333:role/Deep

[profile corp]
saml_assertion_file = DIR/assertion
`, "DIR", r.dir)))
	if err != nil {
		t.Fatal(err)
	}
	r.cfg = cfg
	return r
}

func (r *providerRig) resolver() *Resolver {
	res := r.rig.resolver()
	res.Tokens = func() idtoken.Setup { return idtoken.Setup{Getenv: func(string) string { return "" }} }
	return res
}

func (r *providerRig) get(name string) (Result, error) {
	r.t.Helper()
	p, err := r.cfg.Resolve(name)
	if err != nil {
		r.t.Fatal(err)
	}
	return r.resolver().Credentials(r.t.Context(), p)
}

func (r *providerRig) must(name string) Result {
	r.t.Helper()
	res, err := r.get(name)
	if err != nil {
		r.t.Fatalf("%s: %v", name, err)
	}
	return res
}

func (r *providerRig) write(name, content string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, name), []byte(content), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

// jwt is an unsigned-looking JWT with claims (stscred never verifies one;
// the fake STS takes any).
func jwt(claims map[string]any) string {
	b, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(b) + ".c2ln"
}

func (r *providerRig) token(sub string, aud any, jti string) {
	r.t.Helper()
	r.write("token", jwt(map[string]any{"iss": "https://token.example.com", "sub": sub, "aud": aud, "jti": jti,
		"iat": r.now.Unix(), "exp": r.now.Add(time.Hour).Unix()})+"\n")
}

// The cached credentials of a web identity role are tied to whom the
// token in its file is for (issuer, subject, audience), never to the
// token itself: a rotated token of the same subject still hits; one for
// another subject (or audience) fetches with that token; a file that is
// gone or holds no token fails as the fetch would, and serves nothing
// (audit finding 10). A role on top of it follows.
func TestWebIdentityCacheFollowsTheToken(t *testing.T) {
	r := newProviderRig(t)
	calls := func() int { return r.sts.Count("AssumeRoleWithWebIdentity") }
	lastToken := func() string {
		in, _ := r.sts.Inputs[len(r.sts.Inputs)-1].(awsapi.WebIdentityInput)
		c, _ := idtoken.Decode(in.Token)
		return c.Subject
	}
	r.token("repo:corp/app:ref:refs/heads/main", "sts.amazonaws.com", "1")
	a := r.must("ci")
	if a.Cached || calls() != 1 {
		t.Fatalf("first call: cached %v, %d calls", a.Cached, calls())
	}
	// Rotated (a new token, same subject and audience): a hit.
	r.token("repo:corp/app:ref:refs/heads/main", "sts.amazonaws.com", "2")
	if got := r.must("ci"); !got.Cached || got.Creds != a.Creds || calls() != 1 {
		t.Fatalf("a rotated token of the same subject: cached %v, %d calls", got.Cached, calls())
	}
	// Another subject: fetched with its token, not the first's entry.
	r.token("repo:evil/app:ref:refs/heads/main", "sts.amazonaws.com", "3")
	b := r.must("ci")
	if b.Cached || b.Creds == a.Creds || calls() != 2 || lastToken() != "repo:evil/app:ref:refs/heads/main" {
		t.Fatalf("another subject got the cached credentials: cached %v, %d calls", b.Cached, calls())
	}
	// Another audience: also another identity.
	r.token("repo:corp/app:ref:refs/heads/main", []string{"sts.amazonaws.com", "api://other"}, "4")
	if c := r.must("ci"); c.Cached || calls() != 3 {
		t.Fatalf("another audience: cached %v, %d calls", c.Cached, calls())
	}
	// The first subject again: its own entry, still valid.
	r.token("repo:corp/app:ref:refs/heads/main", "sts.amazonaws.com", "5")
	if got := r.must("ci"); !got.Cached || got.Creds != a.Creds || calls() != 3 {
		t.Fatalf("the first subject again: cached %v, %d calls", got.Cached, calls())
	}
	// A role whose source is the web identity role follows the token too.
	deep := r.must("ci-deep")
	r.token("repo:evil/app:ref:refs/heads/main", "sts.amazonaws.com", "6")
	if got := r.must("ci-deep"); got.Cached || got.Creds == deep.Creds {
		t.Fatal("a role on top of the web identity role kept the first subject's credentials")
	}
	// The file gone, or not a token: the entries serve no one.
	if err := os.Remove(filepath.Join(r.dir, "token")); err != nil {
		t.Fatal(err)
	}
	n := len(r.sts.Calls)
	for _, name := range []string{"ci", "ci-deep"} {
		if _, err := r.get(name); err == nil || !strings.Contains(err.Error(), "cannot read the web identity token file") {
			t.Fatalf("%s without its token file: %v", name, err)
		}
	}
	r.write("token", "not a token")
	if _, err := r.get("ci"); err == nil || !strings.Contains(err.Error(), "does not hold a JWT") {
		t.Fatalf("a file without a token: %v", err)
	}
	if len(r.sts.Calls) != n {
		t.Fatalf("STS was called without a token: %v", r.sts.Calls[n:])
	}
}

// The same for a SAML profile's assertion file: its entry is tied to
// the assertion's issuer, subject and the role it is used for; an
// assertion that has expired but is still there keeps serving the
// session it got, a removed one serves nothing.
func TestSAMLCacheFollowsTheAssertion(t *testing.T) {
	r := newProviderRig(t)
	idp := samltest.New(samltest.Options{Now: func() time.Time { return r.now }})
	const prov = "arn:aws:iam::222222222222:saml-provider/Corp"
	admin, reader := samltest.Role{RoleARN: "arn:aws:iam::222222222222:role/Admin", ProviderARN: prov}, samltest.Role{RoleARN: "arn:aws:iam::222222222222:role/Reader", ProviderARN: prov}
	assertion := func(sub string, role samltest.Role) {
		r.write("assertion", idp.Response(samltest.Assertion{Subject: sub, Roles: []samltest.Role{role}, SessionDuration: time.Hour}))
	}
	calls := func() int { return r.sts.Count("AssumeRoleWithSAML") }
	lastRole := func() string {
		in, _ := r.sts.Inputs[len(r.sts.Inputs)-1].(awsapi.SAMLInput)
		return in.RoleARN
	}
	assertion("alice@example.com", admin)
	a := r.must("corp")
	if a.Cached || calls() != 1 {
		t.Fatalf("first call: %d calls", calls())
	}
	// A fresh assertion for the same person and role: a hit.
	assertion("alice@example.com", admin)
	if got := r.must("corp"); !got.Cached || got.Creds != a.Creds {
		t.Fatalf("a fresh assertion of the same subject: cached %v, %d calls", got.Cached, calls())
	}
	// Another person.
	assertion("mallory@example.com", admin)
	if got := r.must("corp"); got.Cached || got.Creds == a.Creds || calls() != 2 {
		t.Fatalf("another subject got the cached credentials: cached %v, %d calls", got.Cached, calls())
	}
	// The same person, now offered another (single) role: that role.
	assertion("alice@example.com", reader)
	if got := r.must("corp"); got.Cached || calls() != 3 || lastRole() != reader.RoleARN {
		t.Fatalf("another role got the cached credentials: cached %v, %d calls, role %s", got.Cached, calls(), lastRole())
	}
	// Expired but there: the session it got still serves.
	assertion("alice@example.com", admin)
	r.now = r.now.Add(10 * time.Minute)
	if got := r.must("corp"); !got.Cached || got.Creds != a.Creds {
		t.Fatalf("an expired assertion still in the file: cached %v, %d calls", got.Cached, calls())
	}
	// Gone: nothing serves.
	if err := os.Remove(filepath.Join(r.dir, "assertion")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.get("corp"); err == nil || !strings.Contains(err.Error(), "cannot read the SAML assertion file") || calls() != 3 {
		t.Fatalf("without the assertion file: %v (%d calls)", err, calls())
	}
}

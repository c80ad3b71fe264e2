package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/ops/doctor"
	"github.com/stscred/stscred/internal/testkit/oidctest"
	"github.com/stscred/stscred/internal/testkit/samltest"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/keystore/keystoretest"
)

const deployRole = "arn:aws:iam::222222222222:role/Deploy"

// webLive is a live world with an OIDC provider the server trusts and a
// Deploy role its tokens for ci subjects may assume.
type webLive struct {
	*live
	idp       *oidctest.Provider
	tokenFile string
}

func newWebLive(t *testing.T, extraConfig string) *webLive {
	t.Helper()
	w := &webLive{}
	w.tokenFile = filepath.Join(t.TempDir(), "token")
	w.live = newLive(t, ststest.Options{}, strings.ReplaceAll(`
[profile ci]
role_arn = `+deployRole+`
web_identity_token_file = TOKENFILE
role_session_name = deploy
[profile ci-tools]
credential_process = stscred role ci
`, "TOKENFILE", w.tokenFile)+extraConfig)
	w.idp = oidctest.New(oidctest.Options{})
	w.idp.Start()
	t.Cleanup(w.idp.Close)
	w.srv.AddOIDCProvider("222222222222", w.idp.URL(), "sts.amazonaws.com")
	w.srv.AddRole(ststest.Role{ARN: deployRole, MaxSessionDuration: 2 * time.Hour, WebIdentity: []ststest.WebIdentityTrust{{
		Provider: w.idp.URL(), Subjects: []string{"repo:corp/app:*"}, Audiences: []string{"sts.amazonaws.com"},
	}}})
	// No stored key at all: web identity needs none.
	w.env.KeyStore = keystoretest.NewMemory()
	return w
}

func (w *webLive) writeToken(t *testing.T, sub string) string {
	t.Helper()
	tok := w.idp.Token(oidctest.Claims{Subject: sub, Audience: []string{"sts.amazonaws.com"}})
	if err := os.WriteFile(w.tokenFile, []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestWebIdentityRole(t *testing.T) {
	w := newWebLive(t, "")
	tok := w.writeToken(t, "repo:corp/app:ref:refs/heads/main")
	if code := w.run("role", "ci"); code != 0 {
		t.Fatalf("role ci: %s", w.stderr)
	}
	c, err := creds.DecodeProcess(w.stdout.Bytes())
	if err != nil || c.AccountID != "222222222222" {
		t.Fatalf("%v %+v", err, c)
	}
	if n := w.srv.Calls("AssumeRoleWithWebIdentity"); n != 1 {
		t.Fatalf("AssumeRoleWithWebIdentity calls: %d", n)
	}
	// Served from the cache, through the tool profile too.
	if code := w.run("role", "ci"); code != 0 || w.srv.Calls("AssumeRoleWithWebIdentity") != 1 {
		t.Fatalf("second call: exit %d, calls %d", code, w.srv.Calls("AssumeRoleWithWebIdentity"))
	}
	if code := w.run("export", "--format", "json", "ci-tools"); code != 0 || w.srv.Calls("AssumeRoleWithWebIdentity") != 1 {
		t.Fatalf("ci-tools: exit %d %s", code, w.stderr)
	}
	if strings.Contains(w.stdout.String()+w.stderr.String(), tok) {
		t.Fatal("the token is in the output")
	}
	sess := w.srv.Sessions()
	last := sess[len(sess)-1]
	if last.Action != "AssumeRoleWithWebIdentity" || last.RoleSessionName != "deploy" {
		t.Fatalf("session %+v", last)
	}
}

// The token file is read again on every fetch: a rotated token is used.
func TestWebIdentityTokenRotated(t *testing.T) {
	w := newWebLive(t, "")
	w.writeToken(t, "repo:corp/app:run:1")
	if code := w.run("role", "ci"); code != 0 {
		t.Fatalf("%s", w.stderr)
	}
	w.run("clear", "ci")
	w.writeToken(t, "repo:corp/app:run:2")
	if code := w.run("role", "ci"); code != 0 {
		t.Fatalf("%s", w.stderr)
	}
	if n := w.srv.Calls("AssumeRoleWithWebIdentity"); n != 2 {
		t.Fatalf("calls %d", n)
	}
}

// Refusals: clean errors with a hint, the token never shown, nothing
// cached.
func TestWebIdentityRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, sub, want, hint string
		setup                 func(w *webLive)
	}{
		{"trust policy", "repo:other/app:ref:main", "AccessDenied", "trust policy of " + deployRole, nil},
		{"no file", "", "cannot read the web identity token file", "web_identity_token_file", func(w *webLive) { os.Remove(w.tokenFile) }},
		{"not a JWT", "", "does not hold a JWT", "three base64url parts", func(w *webLive) { os.WriteFile(w.tokenFile, []byte("hello"), 0o600) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWebLive(t, "")
			tok := ""
			if tc.sub != "" {
				tok = w.writeToken(t, tc.sub)
			}
			if tc.setup != nil {
				tc.setup(w)
			}
			code := w.run("role", "ci")
			errs := w.stderr.String()
			if code == 0 || w.stdout.Len() != 0 || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "stscred: hint: ") || !strings.Contains(errs, tc.hint) {
				t.Fatalf("exit %d stdout %q stderr %s", code, w.stdout, errs)
			}
			if tok != "" && strings.Contains(errs, tok) {
				t.Fatal("the token is in the error")
			}
			if hs, _ := w.env.SessionCache.List(); len(hs) != 0 {
				t.Fatalf("cached after a refusal: %v", hs)
			}
		})
	}
}

// A web identity role as the source of a further role: chaining.
func TestWebIdentityChain(t *testing.T) {
	w := newWebLive(t, "[profile next]\nsource_profile = ci\nrole_arn = arn:aws:iam::222222222222:role/ReadOnly\n")
	w.writeToken(t, "repo:corp/app:ref:main")
	if code := w.run("role", "next"); code != 0 {
		t.Fatalf("role next: %s", w.stderr)
	}
	sess := w.srv.Sessions()
	last := sess[len(sess)-1]
	if last.RoleARN != "arn:aws:iam::222222222222:role/ReadOnly" || !last.Chained || w.srv.Calls("AssumeRoleWithWebIdentity") != 1 {
		t.Fatalf("session %+v", last)
	}
}

// No profile: the environment's AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE,
// as the SDKs read them.
func TestWebIdentityFromEnvironment(t *testing.T) {
	w := newWebLive(t, "")
	w.writeToken(t, "repo:corp/app:ref:main")
	w.vars["AWS_ROLE_ARN"] = deployRole
	w.vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = w.tokenFile
	w.vars["AWS_ROLE_SESSION_NAME"] = "from-env"
	if code := w.run("role"); code != 0 {
		t.Fatalf("role: %s", w.stderr)
	}
	sess := w.srv.Sessions()
	if last := sess[len(sess)-1]; last.RoleSessionName != "from-env" || last.Action != "AssumeRoleWithWebIdentity" {
		t.Fatalf("session %+v", last)
	}
}

const (
	corpProvider = "arn:aws:iam::222222222222:saml-provider/Corp"
	corpAdmin    = "arn:aws:iam::222222222222:role/CorpAdmin"
	corpReader   = "arn:aws:iam::222222222222:role/CorpReader"
)

// samlLive is a live world with a SAML provider the server trusts and two
// roles its users may assume; the assertion comes from a file.
type samlLive struct {
	*live
	idp  *samltest.IdP
	file string
}

func newSAMLLive(t *testing.T, profileKeys string) *samlLive {
	t.Helper()
	w := &samlLive{file: filepath.Join(t.TempDir(), "assertion")}
	w.live = newLive(t, ststest.Options{}, "\n[profile corp]\nsaml_assertion_file = "+w.file+"\n"+profileKeys)
	w.idp = samltest.New(samltest.Options{})
	if _, err := w.srv.AddSAMLProviderMetadata(corpProvider, w.idp.Metadata()); err != nil {
		t.Fatal(err)
	}
	for _, arn := range []string{corpAdmin, corpReader} {
		w.srv.AddRole(ststest.Role{ARN: arn, MaxSessionDuration: 4 * time.Hour, SAML: []ststest.SAMLTrust{{Provider: corpProvider}}})
	}
	w.env.KeyStore = keystoretest.NewMemory()
	return w
}

func (w *samlLive) writeAssertion(t *testing.T, a samltest.Assertion) string {
	t.Helper()
	resp := w.idp.Response(a)
	if err := os.WriteFile(w.file, []byte(resp), 0o600); err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestSAMLRole(t *testing.T) {
	// No role_arn: the assertion's one Role pair, and its SessionDuration.
	w := newSAMLLive(t, "")
	resp := w.writeAssertion(t, samltest.Assertion{Roles: []samltest.Role{{RoleARN: corpAdmin, ProviderARN: corpProvider}}, SessionDuration: 2 * time.Hour})
	if code := w.run("role", "corp"); code != 0 {
		t.Fatalf("role corp: %s", w.stderr)
	}
	c, err := creds.DecodeProcess(w.stdout.Bytes())
	if err != nil || time.Until(c.Expiration) < 119*time.Minute || time.Until(c.Expiration) > 121*time.Minute {
		t.Fatalf("%v: expires %v", err, c.Expiration)
	}
	if code := w.run("role", "corp"); code != 0 || w.srv.Calls("AssumeRoleWithSAML") != 1 {
		t.Fatalf("second call: exit %d, calls %d", code, w.srv.Calls("AssumeRoleWithSAML"))
	}
	if strings.Contains(w.stdout.String()+w.stderr.String(), resp) {
		t.Fatal("the assertion is in the output")
	}
	sess := w.srv.Sessions()
	if last := sess[len(sess)-1]; last.RoleARN != corpAdmin || last.Action != "AssumeRoleWithSAML" {
		t.Fatalf("session %+v", last)
	}
}

func TestSAMLRoleChoice(t *testing.T) {
	both := []samltest.Role{{RoleARN: corpAdmin, ProviderARN: corpProvider}, {RoleARN: corpReader, ProviderARN: corpProvider}}
	// Two pairs and no role_arn: an error listing them, nothing cached.
	w := newSAMLLive(t, "")
	w.writeAssertion(t, samltest.Assertion{Roles: both})
	if code := w.run("role", "corp"); code == 0 || w.stdout.Len() != 0 || !strings.Contains(w.stderr.String(), "offers 2 roles: "+corpAdmin) ||
		!strings.Contains(w.stderr.String(), "stscred: hint: say which: set role_arn") {
		t.Fatalf("exit %d: %s", code, w.stderr)
	}
	if w.srv.Calls("AssumeRoleWithSAML") != 0 {
		t.Fatal("STS was called")
	}
	// role_arn picks one.
	w = newSAMLLive(t, "role_arn = "+corpReader+"\n")
	w.writeAssertion(t, samltest.Assertion{Roles: both})
	if code := w.run("role", "corp"); code != 0 {
		t.Fatalf("role_arn given: %s", w.stderr)
	}
	sess := w.srv.Sessions()
	if last := sess[len(sess)-1]; last.RoleARN != corpReader {
		t.Fatalf("session %+v", last)
	}
	// An expired assertion: STS refuses, clean error, nothing cached.
	w = newSAMLLive(t, "")
	resp := w.writeAssertion(t, samltest.Assertion{Roles: both[:1], NotBefore: time.Now().Add(-time.Hour), NotOnOrAfter: time.Now().Add(-30 * time.Minute)})
	if code := w.run("role", "corp"); code == 0 || w.stdout.Len() != 0 || !strings.Contains(w.stderr.String(), "STS refused the SAML assertion") || strings.Contains(w.stderr.String(), resp) {
		t.Fatalf("expired: exit %d: %s", code, w.stderr)
	}
	if hs, _ := w.env.SessionCache.List(); len(hs) != 0 {
		t.Fatalf("cached after a refusal: %v", hs)
	}
}

// whoami -v shows what the token says of itself, never the token.
func TestWhoamiWebIdentityToken(t *testing.T) {
	w := newWebLive(t, "")
	tok := w.writeToken(t, "repo:corp/app:ref:main")
	if code := w.run("whoami", "-v", "ci"); code != 0 {
		t.Fatalf("whoami: %s", w.stderr)
	}
	out := w.stdout.String()
	for _, want := range []string{`"TokenIssuer": "` + w.idp.URL() + `"`, `"TokenSubject": "repo:corp/app:ref:main"`, `"TokenAudience": "sts.amazonaws.com"`, `"TokenExpiration": "20`, `"Arn": "arn:aws:sts::222222222222:assumed-role/Deploy/deploy"`} {
		if !strings.Contains(out, want) {
			t.Errorf("whoami -v lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out+w.stderr.String(), tok) {
		t.Fatal("the token is in the output")
	}
}

func TestDoctorWebIdentity(t *testing.T) {
	w := newWebLive(t, "")
	w.env.LookPath = func(prog string) (string, error) { return "/opt/bin/" + prog, nil }
	for _, tc := range []struct {
		name   string
		claims oidctest.Claims
		status doctor.Status
		want   string
	}{
		{"good", oidctest.Claims{Subject: "repo:corp/app:ref:main", Audience: []string{"sts.amazonaws.com"}}, doctor.Pass, "web identity token from the token file"},
		{"expired", oidctest.Claims{Subject: "repo:corp/app:ref:main", Audience: []string{"sts.amazonaws.com"},
			IssuedAt: time.Now().Add(-2 * time.Hour), NotBefore: time.Now().Add(-2 * time.Hour), Expiry: time.Now().Add(-time.Hour)}, doctor.Fail, "expired"},
		{"audience", oidctest.Claims{Subject: "repo:corp/app:ref:main", Audience: []string{"api://other"}}, doctor.Warn, "is for audience api://other, not sts.amazonaws.com"},
	} {
		tok := w.idp.Token(tc.claims)
		os.WriteFile(w.tokenFile, []byte(tok), 0o600)
		res, _ := w.doctorJSON(t, "--profile", "ci")
		got := find(res, doctor.IDWebIdentity)
		if len(got) != 1 || got[0].Status != tc.status || !strings.Contains(got[0].Message, tc.want) {
			t.Errorf("%s: %+v", tc.name, got)
		}
		if strings.Contains(w.stdout.String(), tok) {
			t.Errorf("%s: doctor shows the token", tc.name)
		}
	}
	os.Remove(w.tokenFile)
	res, code := w.doctorJSON(t, "--profile", "ci")
	if got := find(res, doctor.IDWebIdentity); code != 1 || len(got) != 1 || got[0].Status != doctor.Fail || !strings.Contains(got[0].Message, "cannot read the web identity token file") {
		t.Errorf("no file: exit %d %+v", code, got)
	}
}

// A profile with only role_arn in a GitHub Actions job (its OIDC request
// variables set): the role is assumed with the runner's token, as the
// token sources' order promises; the same profile outside such a job, or
// in a job without id-token: write, fails with what it needs.
func TestWebIdentityGitHubActionsRoleOnly(t *testing.T) {
	gh := oidctest.NewGitHubActions(oidctest.GitHubOptions{Repository: "corp/app"})
	gh.Start()
	t.Cleanup(gh.Close)
	w := newWebLive(t, "[profile gha]\nrole_arn = "+deployRole+"\nrole_session_name = gha\n"+
		"[profile gha-next]\nsource_profile = gha\nrole_arn = arn:aws:iam::222222222222:role/ReadOnly\n"+
		"[profile gha-tools]\ncredential_process = stscred role gha\n")
	w.srv.AddOIDCProvider("222222222222", gh.URL(), "sts.amazonaws.com")
	if err := w.srv.TrustWebIdentity(deployRole, ststest.WebIdentityTrust{
		Provider: gh.URL(), Subjects: []string{"repo:corp/app:*"}, Audiences: []string{"sts.amazonaws.com"},
	}); err != nil {
		t.Fatal(err)
	}

	// Outside a job: the error says what the profile lacks, and that a
	// runner's token would do.
	if code := w.run("role", "gha"); code == 0 || w.stdout.Len() != 0 {
		t.Fatalf("role gha outside a job: exit %d, stdout %q", code, w.stdout)
	}
	if !strings.Contains(w.stderr.String(), "has role_arn but no source_profile") {
		t.Fatalf("outside a job: %s", w.stderr)
	}
	// A job without id-token: write: the hint says so.
	w.vars["GITHUB_ACTIONS"] = "true"
	if code := w.run("role", "gha"); code == 0 || !strings.Contains(w.stderr.String(), "id-token: write") {
		t.Fatalf("job without the OIDC variables: exit %d: %s", code, w.stderr)
	}

	w.vars["ACTIONS_ID_TOKEN_REQUEST_URL"] = gh.RequestURL()
	w.vars["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = gh.RequestToken()
	for _, args := range [][]string{{"role", "gha"}, {"export", "--format", "json", "gha-tools"}, {"role", "gha-next"}} {
		if code := w.run(args...); code != 0 {
			t.Fatalf("%v in a job: %s", args, w.stderr)
		}
	}
	if n := w.srv.Calls("AssumeRoleWithWebIdentity"); n != 1 || gh.Requests() != 1 {
		t.Fatalf("%d AssumeRoleWithWebIdentity calls, %d token requests; want 1 and 1 (then the cache)", n, gh.Requests())
	}
	var wi *ststest.Session
	for _, s := range w.srv.Sessions() {
		if s.Action == "AssumeRoleWithWebIdentity" {
			s := s
			wi = &s
		}
	}
	if wi == nil || wi.RoleSessionName != "gha" || wi.Issuer != gh.URL() || wi.Subject != gh.Subject() || wi.Audience != "sts.amazonaws.com" {
		t.Fatalf("web identity session %+v", wi)
	}
	if strings.Contains(w.stdout.String()+w.stderr.String(), gh.RequestToken()) {
		t.Fatal("the request token is in the output")
	}
}

//go:build linux && realworld

package e2e

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/testkit/oidctest"
	"github.com/stscred/stscred/internal/testkit/samltest"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testenv"
)

// The web identity and SAML worlds: a CI job or a federated user with no
// IAM user's key at all, a token (or assertion) from an identity provider
// the test server trusts, and the real consumers of credential_process.

const (
	wiAccount    = "222222222222"
	wiDeployRole = "arn:aws:iam::222222222222:role/Deploy"
	wiDeployArn  = "arn:aws:sts::222222222222:assumed-role/Deploy/deploy"
	wiAudience   = "sts.amazonaws.com"
	wiSAMLIdP    = "arn:aws:iam::222222222222:saml-provider/Corp"
	wiSAMLRole   = "arn:aws:iam::222222222222:role/CorpAdmin"
	wiSAMLSub    = "alice@example.com"
	wiSAMLArn    = "arn:aws:sts::222222222222:assumed-role/CorpAdmin/" + wiSAMLSub
)

// wiWorld is a world whose only credentials come from an identity
// provider. With ci set it is a CI runner: no D-Bus, no file keystore and
// no passphrase, so stscred has no keystore at all.
type wiWorld struct {
	*world
	ci        bool
	idp       *oidctest.Provider
	tokenFile string // outside HOME and TMPDIR: the files scanned for leaks

	transcript // every command's output, to check no token is shown
}

func newWIWorld(t *testing.T, ci bool, opts ststest.Options) *wiWorld {
	t.Helper()
	backend := "secret-service"
	if ci {
		backend = "file" // D-Bus disabled; the variables are dropped in wenv
	}
	w := &wiWorld{world: newWorldOn(t, backend, opts), ci: ci}
	w.tokenFile = filepath.Join(t.TempDir(), "token")
	w.idp = oidctest.New(oidctest.Options{})
	w.idp.Start()
	t.Cleanup(w.idp.Close)
	w.srv.AddOIDCProvider(wiAccount, w.idp.URL(), wiAudience)
	w.srv.AddRole(ststest.Role{ARN: wiDeployRole, MaxSessionDuration: 2 * time.Hour, WebIdentity: []ststest.WebIdentityTrust{{
		Provider: w.idp.URL(), Subjects: []string{"repo:corp/app:*"}, Audiences: []string{wiAudience},
	}}})
	w.writeConfig(w.webConfig(""))
	return w
}

// webConfig is the README's web identity pair (ci, and ci-tools for the
// tools), without any key holder.
func (w *wiWorld) webConfig(extra string) string {
	return `[profile ci]
role_arn = ` + wiDeployRole + `
web_identity_token_file = ` + w.tokenFile + `
role_session_name = deploy
region = eu-west-1

[profile ci-tools]
credential_process = stscred role ci
region = eu-west-1
` + extra
}

// wenv is the world's environment; on a CI runner without the file
// keystore's settings (the D-Bus address is already disabled:).
func (w *wiWorld) wenv(extra ...string) []string {
	env := w.world.env(extra...)
	if w.ci {
		env = withoutVar(withoutVar(env, "STSCRED_BACKEND"), "STSCRED_FILE_PASSPHRASE")
	}
	return env
}

// exec runs a program in the world and keeps its output.
func (w *wiWorld) exec(extra []string, name string, args ...string) result {
	w.t.Helper()
	return w.keep(w.run("", w.wenv(extra...), name, args...))
}

func (w *wiWorld) sc(extra []string, args ...string) result {
	w.t.Helper()
	return w.exec(extra, w.bin, args...)
}

func (w *wiWorld) writeToken(sub string) string {
	w.t.Helper()
	return w.writeRawToken(w.idp.Token(oidctest.Claims{Subject: sub, Audience: []string{wiAudience}}))
}

func (w *wiWorld) writeRawToken(tok string) string {
	w.t.Helper()
	if err := os.WriteFile(w.tokenFile, []byte(tok+"\n"), 0o600); err != nil {
		w.t.Fatal(err)
	}
	return tok
}

// lastSession is the newest session the server issued.
func (w *wiWorld) lastSession() ststest.Session {
	w.t.Helper()
	s := w.srv.Sessions()
	if len(s) == 0 {
		w.t.Fatal("the server issued no session")
	}
	return s[len(s)-1]
}

// assertNeverShown fails if a value is in any output seen so far or in any
// file under HOME and TMPDIR.
func (w *wiWorld) assertNeverShown(what string, values ...string) {
	w.t.Helper()
	results := w.kept()
	if len(results) == 0 {
		w.t.Fatal("no command ran: nothing was checked")
	}
	for _, v := range values {
		if len(v) < 20 {
			w.t.Fatalf("%s %q is too short to look for", what, v)
		}
		for _, r := range results {
			if strings.Contains(r.stdout, v) || strings.Contains(r.stderr, v) {
				w.t.Fatalf("the %s is in a command's output:\n%s", what, r)
			}
		}
		for _, path := range w.filesHolding([]string{w.home, w.tmp}, []string{v}, "the check proves nothing") {
			w.t.Errorf("%s holds the %s", path, what)
		}
	}
}

// cachedFor is what `stscred list --json` says is cached for profile,
// and the number of entry files in the cache directory.
func (w *wiWorld) cachedFor(profile string) (sessions []string, files int) {
	w.t.Helper()
	res := w.sc(nil, "list", "--json")
	if res.code != 0 {
		w.t.Fatalf("list --json: %s", res)
	}
	var rows []struct {
		Profile  string
		Sessions []struct{ Kind string }
	}
	if err := json.Unmarshal([]byte(res.stdout), &rows); err != nil {
		w.t.Fatalf("list --json: %v\n%s", err, res.stdout)
	}
	for _, r := range rows {
		if r.Profile == profile {
			for _, s := range r.Sessions {
				sessions = append(sessions, s.Kind)
			}
		}
	}
	des, _ := os.ReadDir(w.cacheDir())
	for _, de := range des {
		if !de.IsDir() && strings.HasSuffix(de.Name(), ".json") {
			files++
		}
	}
	return sessions, files
}

// wiRunConsumers has every consumer get the tool profile's identity: the
// first process start fetches (one call of action), every later one,
// each consumer twice, is served from stscred's cache.
func wiRunConsumers(t *testing.T, w *wiWorld, profile, action, wantArn string) {
	t.Helper()
	session := ""
	for round := 0; round < 2; round++ {
		for _, c := range consumers(wiAccount) {
			arn, key := c.run(t, w, profile)
			if arn != wantArn {
				t.Fatalf("%s: identity %s, want %s", c.name, arn, wantArn)
			}
			if n := w.srv.Calls(action); n != 1 {
				t.Fatalf("%s (round %d): %d %s calls, want exactly the first process start's", c.name, round+1, n, action)
			}
			last := w.lastSession()
			if last.Action != action {
				t.Fatalf("the newest session came from %s, want %s", last.Action, action)
			}
			if session == "" {
				session = last.AccessKeyID
			}
			// The server verified the consumer's signature: it signed
			// GetCallerIdentity with the cached session's key.
			if key != session || lastRequestKey(w.world, "GetCallerIdentity") != session {
				t.Fatalf("%s signed with %s (server saw %s), the %s session is %s", c.name, key, lastRequestKey(w.world, "GetCallerIdentity"), action, session)
			}
		}
	}
	for _, r := range w.srv.Requests() {
		if r.Action == "GetCallerIdentity" && r.Code != "" {
			t.Fatalf("a consumer's GetCallerIdentity failed: %s", r.Code)
		}
	}
	if n := len(w.srv.Sessions()); n != 1 {
		t.Fatalf("the server issued %d sessions, want 1", n)
	}
}

// The AWS CLI, boto3, the Go SDK and the JS SDK run `stscred role ci`
// through a tool profile: all get the Deploy role's identity, one
// AssumeRoleWithWebIdentity in all, and the token is nowhere.
func TestWebIdentityConsumers(t *testing.T) {
	w := newWIWorld(t, false, ststest.Options{})
	tok := w.writeToken("repo:corp/app:ref:refs/heads/main")
	wiRunConsumers(t, w, "ci-tools", "AssumeRoleWithWebIdentity", wiDeployArn)
	last := w.lastSession()
	if last.Subject != "repo:corp/app:ref:refs/heads/main" || last.Issuer != w.idp.URL() || last.Audience != wiAudience || last.UserARN != "" {
		t.Fatalf("session %+v: not the token's identity", last)
	}
	if w.srv.Calls("GetSessionToken")+w.srv.Calls("AssumeRole") != 0 {
		t.Fatal("a web identity profile made a signed credential call")
	}
	w.assertNeverShown("web identity token", tok)
	w.assertNoPlaintext(w.home, w.tmp)
}

// wiSAML adds a SAML provider of idp and a role it may assume.
func wiSAML(t *testing.T, w *wiWorld) *samltest.IdP {
	t.Helper()
	idp := samltest.New(samltest.Options{})
	if _, err := w.srv.AddSAMLProviderMetadata(wiSAMLIdP, idp.Metadata()); err != nil {
		t.Fatal(err)
	}
	w.srv.AddRole(ststest.Role{ARN: wiSAMLRole, MaxSessionDuration: 4 * time.Hour, SAML: []ststest.SAMLTrust{{Provider: wiSAMLIdP}}})
	return idp
}

var wiSignatureValue = regexp.MustCompile(`<(?:ds:)?SignatureValue>([^<]+)</`)

// The same consumers with a SAML profile whose assertion is in a file.
func TestSAMLConsumers(t *testing.T) {
	w := newWIWorld(t, false, ststest.Options{})
	idp := wiSAML(t, w)
	file := filepath.Join(t.TempDir(), "assertion")
	resp := idp.Response(samltest.Assertion{Subject: wiSAMLSub, Roles: []samltest.Role{{RoleARN: wiSAMLRole, ProviderARN: wiSAMLIdP}}, SessionDuration: 2 * time.Hour})
	if err := os.WriteFile(file, []byte(resp), 0o600); err != nil {
		t.Fatal(err)
	}
	xml, _ := base64.StdEncoding.DecodeString(resp)
	sig := wiSignatureValue.FindSubmatch(xml)
	if sig == nil {
		t.Fatalf("no SignatureValue in the assertion:\n%s", xml)
	}
	w.writeConfig(`[profile corp]
saml_assertion_file = ` + file + `

[profile corp-tools]
credential_process = stscred role corp
region = eu-west-1

[profile corp-proc]
role_arn = ` + wiSAMLRole + `
principal_arn = ` + wiSAMLIdP + `
saml_process = cat ` + file + `
`)
	wiRunConsumers(t, w, "corp-tools", "AssumeRoleWithSAML", wiSAMLArn)
	last := w.lastSession()
	if last.RoleARN != wiSAMLRole || last.ProviderARN != wiSAMLIdP || last.Subject != wiSAMLSub {
		t.Fatalf("session %+v", last)
	}
	// The session lasts the assertion's SessionDuration.
	if d := last.Expiration.Sub(last.Issued); d < 119*time.Minute || d > 2*time.Hour {
		t.Fatalf("the session lasts %s, the assertion's SessionDuration is 2h", d)
	}
	// From saml_process, with the role and provider named: also fine,
	// also cached.
	c := w.decode(w.sc(nil, "role", "corp-proc"))
	again := w.decode(w.sc(nil, "role", "corp-proc"))
	if c.AccessKeyID != w.lastSession().AccessKeyID || again != c || w.srv.Calls("AssumeRoleWithSAML") != 2 {
		t.Fatalf("saml_process: %d AssumeRoleWithSAML calls", w.srv.Calls("AssumeRoleWithSAML"))
	}
	w.assertNeverShown("SAML assertion", resp, string(sig[1]))
	w.assertNoPlaintext(w.home, w.tmp)
}

// A CI runner: no D-Bus, no terminal, no file keystore and no passphrase,
// a fresh HOME. The cache works with its key only in the kernel keyring,
// and a rotated token file is read again.
func TestWebIdentityCIShaped(t *testing.T) {
	w := newWIWorld(t, true, ststest.Options{})
	for _, kv := range w.wenv() {
		bus, isBus := strings.CutPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=")
		if strings.HasPrefix(kv, "STSCRED_BACKEND=") || strings.HasPrefix(kv, "STSCRED_FILE_PASSPHRASE=") || isBus && bus != "disabled:" {
			t.Fatalf("not a CI runner's environment: %s", kv)
		}
	}
	calls := func() int { return w.srv.Calls("AssumeRoleWithWebIdentity") }
	tok1 := w.writeToken("repo:corp/app:run:1")
	first := w.sc(nil, "role", "ci")
	c1 := w.decode(first)
	if calls() != 1 || c1.AccessKeyID != w.lastSession().AccessKeyID || c1.AccountID != wiAccount {
		t.Fatalf("first call: %d calls, %+v", calls(), w.lastSession())
	}
	for _, word := range []string{"passphrase", "keyring", "keystore"} {
		if strings.Contains(first.stderr, word) {
			t.Fatalf("a web identity fetch on a CI runner talks of a %s: %s", word, first.stderr)
		}
	}
	hit := w.decode(w.sc(nil, "role", "ci"))
	if hit != c1 || calls() != 1 {
		t.Fatalf("second call is not a cache hit: %d calls", calls())
	}
	if s, files := w.cachedFor("ci"); len(s) != 1 || files != 1 {
		t.Fatalf("cached for ci: %v, %d entry files", s, files)
	}
	w.assertNoPlaintext(w.home, w.tmp)
	if w.fileStore().Exists() {
		t.Fatal("a file keystore was created")
	}
	if _, err := os.Stat(w.fileDir()); err == nil {
		t.Fatalf("%s was created", w.fileDir())
	}

	// The kernel forgets the cache's key (a reboot, its timeout): the
	// sealed entry is unreadable, and the next call fetches anew.
	cache.NewDataKey(nil, w.service, w.cacheDir(), 0, 0).Forget()
	afterReboot := w.sc(nil, "role", "ci")
	if c := w.decode(afterReboot); calls() != 2 || c.AccessKeyID == c1.AccessKeyID {
		t.Fatalf("after the kernel forgot the cache key: %d calls: %s", calls(), afterReboot)
	}
	cur := w.lastSession().AccessKeyID

	// The CI system rotates the token (a new one for the same subject):
	// still a cache hit until cleared, then a token for another subject
	// (one the trust allows) is used. (A token for another subject is
	// never served the first one's entry: audit_reads_test.go.)
	rotated := w.writeRawToken(w.idp.Token(oidctest.Claims{Subject: "repo:corp/app:run:1", Audience: []string{wiAudience}, Extra: map[string]any{"jti": "rotated"}}))
	if c := w.decode(w.sc(nil, "role", "ci")); c.AccessKeyID != cur || calls() != 2 {
		t.Fatalf("a rotated token file dropped the cached session: %d calls", calls())
	}
	if res := w.sc(nil, "clear", "ci"); res.code != 0 || !strings.Contains(res.stdout, "removed 1 cached session") {
		t.Fatalf("clear ci: %s", res)
	}
	if s, files := w.cachedFor("ci"); len(s) != 0 || files != 0 {
		t.Fatalf("after clear ci: %v, %d entry files", s, files)
	}
	tok2 := w.writeToken("repo:corp/app:run:2")
	// Parallel first callers (a CI job's tools starting at once) share
	// one fetch, with the new token.
	got := make([]result, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = w.sc(nil, "role", "ci") }()
	}
	wg.Wait()
	last := w.lastSession()
	for _, res := range got {
		// A waiter may say whom it waits for; nothing else is said.
		quiet := true
		for _, line := range strings.Split(strings.TrimSpace(res.stderr), "\n") {
			quiet = quiet && (line == "" || strings.HasPrefix(line, "stscred: waiting for another call to finish: "))
		}
		if c := w.decode(res); c.AccessKeyID != last.AccessKeyID || !quiet {
			t.Fatalf("a parallel caller got other credentials (the session is %s): %s", last.AccessKeyID, res)
		}
	}
	if calls() != 3 || w.srv.Successes("AssumeRoleWithWebIdentity") != 3 || last.Subject != "repo:corp/app:run:2" {
		t.Fatalf("after rotation: %d calls, session %+v", calls(), last)
	}
	w.assertNoPlaintext(w.home, w.tmp)
	w.assertNeverShown("web identity token", tok1, rotated, tok2)
	if w.fileStore().Exists() {
		t.Fatal("a file keystore was created")
	}
}

// A GitHub Actions job: the runner's OIDC token endpoint (the stand-in),
// through a profile with web_identity_audience and through the
// environment alone; without id-token: write, a clean refusal.
func TestWebIdentityGitHubActions(t *testing.T) {
	gh := oidctest.NewGitHubActions(oidctest.GitHubOptions{Repository: "corp/app"})
	gh.Start()
	t.Cleanup(gh.Close)
	if gh.Provider().URL() != gh.URL() {
		t.Fatalf("the stand-in's issuer %s is not its URL %s", gh.Provider().URL(), gh.URL())
	}
	w := newWIWorld(t, true, ststest.Options{})
	w.srv.AddOIDCProvider(wiAccount, gh.URL(), wiAudience, "corp-deploy")
	if err := w.srv.TrustWebIdentity(wiDeployRole, ststest.WebIdentityTrust{
		Provider: gh.URL(), Subjects: []string{"repo:corp/app:ref:refs/heads/*"}, Audiences: []string{wiAudience, "corp-deploy"},
	}); err != nil {
		t.Fatal(err)
	}
	w.writeConfig(`[profile gha]
role_arn = ` + wiDeployRole + `
web_identity_audience = sts.amazonaws.com
role_session_name = gha

[profile gha-corp]
role_arn = ` + wiDeployRole + `
web_identity_audience = corp-deploy
role_session_name = gha-corp

[profile gha-tools]
credential_process = stscred role gha
region = eu-west-1
`)
	actions := []string{"GITHUB_ACTIONS=true", "ACTIONS_ID_TOKEN_REQUEST_URL=" + gh.RequestURL(), "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + gh.RequestToken()}
	calls := func() int { return w.srv.Calls("AssumeRoleWithWebIdentity") }
	check := func(what, name, audience, key string) {
		t.Helper()
		last := w.lastSession()
		if last.AccessKeyID != key || last.Action != "AssumeRoleWithWebIdentity" || last.RoleSessionName != name ||
			last.Subject != gh.Subject() || last.Issuer != gh.URL() || last.Audience != audience {
			t.Fatalf("%s: session %+v", what, last)
		}
		if a := gh.Audiences(); len(a) == 0 || a[len(a)-1] != audience {
			t.Fatalf("%s: the stand-in served audiences %v, want %s last", what, a, audience)
		}
	}

	// (a) A profile with role_arn and web_identity_audience.
	c := w.decode(w.sc(actions, "role", "gha"))
	check("profile gha", "gha", wiAudience, c.AccessKeyID)
	if gh.Requests() != 1 || calls() != 1 {
		t.Fatalf("%d token requests, %d STS calls", gh.Requests(), calls())
	}
	// Cached: neither the runner nor STS is asked again, through the
	// tool profile and the AWS CLI either.
	if again := w.decode(w.sc(actions, "role", "gha")); again != c {
		t.Fatal("second call is not the cached session")
	}
	requireTool(t, awsCLI, "awscli")
	cli := w.exec(actions, awsCLI, "sts", "get-caller-identity", "--profile", "gha-tools", "--endpoint-url", w.url)
	if cli.code != 0 || !strings.Contains(cli.stdout, "assumed-role/Deploy/gha") || lastRequestKey(w.world, "GetCallerIdentity") != c.AccessKeyID {
		t.Fatalf("aws --profile gha-tools: %s", cli)
	}
	if gh.Requests() != 1 || calls() != 1 {
		t.Fatalf("cache hits asked again: %d token requests, %d STS calls", gh.Requests(), calls())
	}
	// Another audience, asked of the runner as configured.
	c = w.decode(w.sc(actions, "role", "gha-corp"))
	check("profile gha-corp", "gha-corp", "corp-deploy", c.AccessKeyID)

	// (b) No profile at all, and no config file (a runner's fresh HOME):
	// AWS_ROLE_ARN, as the SDKs read it.
	cfg, err := os.ReadFile(w.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(w.cfg); err != nil {
		t.Fatal(err)
	}
	env := append(slices.Clone(actions), "AWS_ROLE_ARN="+wiDeployRole, "AWS_ROLE_SESSION_NAME=from-env")
	c = w.decode(w.sc(env, "role"))
	check("environment", "from-env", wiAudience, c.AccessKeyID)
	if c.AccountID != wiAccount || gh.Requests() != 3 || calls() != 3 {
		t.Fatalf("environment: account %q, %d token requests, %d STS calls", c.AccountID, gh.Requests(), calls())
	}
	if want := []string{wiAudience, "corp-deploy", wiAudience}; !slices.Equal(gh.Audiences(), want) {
		t.Fatalf("audiences asked %v, want %v", gh.Audiences(), want)
	}

	w.writeConfig(string(cfg))

	// Without id-token: write the runner refuses: a clean failure that
	// says what the job needs, no STS call, nothing cached.
	gh.SetPermission(false)
	if res := w.sc(nil, "clear"); res.code != 0 {
		t.Fatalf("clear: %s", res)
	}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{{"profile", actions, []string{"role", "gha"}}, {"environment", env, []string{"role"}}} {
		before := gh.Requests()
		res := w.sc(tc.env, tc.args...)
		w.assertCleanFailure(res, "HTTP 403")
		if !strings.Contains(res.stderr, "stscred: hint: ") || !strings.Contains(res.stderr, "id-token: write") {
			t.Fatalf("%s: no hint about id-token: write: %s", tc.name, res.stderr)
		}
		if gh.Requests() != before+1 || calls() != 3 {
			t.Fatalf("%s: %d token requests, %d STS calls", tc.name, gh.Requests()-before, calls())
		}
	}
	if _, files := w.cachedFor("gha"); files != 0 {
		t.Fatalf("%d cache entries after the refusals", files)
	}
	w.assertNeverShown("GitHub Actions request token", gh.RequestToken())
	w.assertNoPlaintext(w.home, w.tmp)
	if w.fileStore().Exists() {
		t.Fatal("a file keystore was created")
	}
}

// A profile with role_arn alone in a GitHub Actions job: the AWS CLI,
// through credential_process, gets the role assumed with the runner's
// token; in a job without id-token: write, a clean failure that says so.
func TestWebIdentityGitHubActionsRoleOnly(t *testing.T) {
	requireTool(t, awsCLI, "awscli")
	gh := oidctest.NewGitHubActions(oidctest.GitHubOptions{Repository: "corp/app"})
	gh.Start()
	t.Cleanup(gh.Close)
	w := newWIWorld(t, true, ststest.Options{})
	w.srv.AddOIDCProvider(wiAccount, gh.URL(), wiAudience)
	if err := w.srv.TrustWebIdentity(wiDeployRole, ststest.WebIdentityTrust{
		Provider: gh.URL(), Subjects: []string{"repo:corp/app:ref:refs/heads/*"}, Audiences: []string{wiAudience},
	}); err != nil {
		t.Fatal(err)
	}
	w.writeConfig(`[profile deploy]
role_arn = ` + wiDeployRole + `
role_session_name = gha

[profile deploy-tools]
credential_process = stscred role deploy
region = eu-west-1
`)
	job := []string{"GITHUB_ACTIONS=true"}
	oidc := append(slices.Clone(job), "ACTIONS_ID_TOKEN_REQUEST_URL="+gh.RequestURL(), "ACTIONS_ID_TOKEN_REQUEST_TOKEN="+gh.RequestToken())

	// Without id-token: write: stscred says what the job needs.
	res := w.sc(job, "role", "deploy")
	w.assertCleanFailure(res, "offers no OIDC token")
	if !strings.Contains(res.stderr, "id-token: write") {
		t.Fatalf("no hint about id-token: write: %s", res.stderr)
	}
	cli := w.exec(job, awsCLI, "sts", "get-caller-identity", "--profile", "deploy-tools", "--endpoint-url", w.url)
	if cli.code == 0 || cli.stdout != "" || !strings.Contains(cli.stderr, "id-token: write") {
		t.Fatalf("aws without the OIDC variables: %s", cli)
	}

	for i := 0; i < 2; i++ {
		cli = w.exec(oidc, awsCLI, "sts", "get-caller-identity", "--profile", "deploy-tools", "--endpoint-url", w.url)
		if cli.code != 0 || !strings.Contains(cli.stdout, "assumed-role/Deploy/gha") {
			t.Fatalf("aws --profile deploy-tools (%d): %s", i+1, cli)
		}
	}
	last := w.lastSession()
	if last.Action != "AssumeRoleWithWebIdentity" || last.Issuer != gh.URL() || last.Subject != gh.Subject() || last.Audience != wiAudience {
		t.Fatalf("session %+v", last)
	}
	if n := w.srv.Calls("AssumeRoleWithWebIdentity"); n != 1 || gh.Requests() != 1 {
		t.Fatalf("%d AssumeRoleWithWebIdentity calls, %d token requests: the second run must be a cache hit", n, gh.Requests())
	}
	w.assertNeverShown("GitHub Actions request token", gh.RequestToken())
	w.assertNoPlaintext(w.home, w.tmp)
}

// `stscred exec ci` serves a long-running command across several expiries
// of the role's credentials: each renewal is a new AssumeRoleWithWebIdentity
// with the token file read again.
func TestWebIdentityExecAcrossExpiry(t *testing.T) {
	// Role credentials live 5 seconds; the floor is lowered below that
	// (credentials under it are never handed out). See
	// TestExecRenewsAcrossExpiry.
	floor := "STSCRED_MIN_REMAINING=2s"
	for _, tc := range []struct {
		name string
		argv func(t *testing.T) []string
	}{
		{"go-sdk", func(t *testing.T) []string {
			return []string{buildSDKCaller(t), "-n", "9", "-interval", "1500ms"}
		}},
		{"boto3", func(t *testing.T) []string {
			requireTool(t, sysPython, "python3")
			testenv.Require(t, exec.Command(sysPython, "-c", "import boto3").Run() == nil, "boto3 is needed (Debian package python3-boto3)")
			script := `import boto3, os, time
s = boto3.Session()
c = s.client("sts", endpoint_url=os.environ["AWS_ENDPOINT_URL_STS"])
for i in range(9):
    if i: time.sleep(1.5)
    print(c.get_caller_identity()["Arn"], s.get_credentials().get_frozen_credentials().access_key, flush=True)
`
			return []string{sysPython, "-c", script}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWIWorld(t, false, ststest.Options{MaxRoleCredentialLifetime: 5 * time.Second})
			tok := w.writeToken("repo:corp/app:ref:refs/heads/main")
			res := w.sc([]string{floor}, append([]string{"exec", "ci", "--"}, tc.argv(t)...)...)
			if res.code != 0 || strings.Count(res.stdout, wiDeployArn+" ASIA") != 9 {
				t.Fatalf("child: %s", res)
			}
			keys := map[string]bool{}
			for _, r := range w.srv.Requests() {
				if r.Action == "GetCallerIdentity" {
					if r.Code != "" {
						t.Fatalf("a call failed with %s", r.Code)
					}
					keys[r.AccessKeyID] = true
				}
			}
			if len(keys) < 2 || w.srv.Calls("AssumeRoleWithWebIdentity") < 2 {
				t.Fatalf("the child used %d credential set(s), %d AssumeRoleWithWebIdentity: no renewal happened", len(keys), w.srv.Calls("AssumeRoleWithWebIdentity"))
			}
			for _, s := range w.srv.Sessions() {
				if s.Action != "AssumeRoleWithWebIdentity" {
					t.Fatalf("a %s session was issued", s.Action)
				}
				if !keys[s.AccessKeyID] {
					t.Fatalf("session %s was fetched but never used by the child", s.AccessKeyID)
				}
			}
			w.assertNeverShown("web identity token", tok)
		})
	}

	// The token is rotated while the command runs: the renewal after the
	// expiry uses the new one. The child itself rotates it (as the CI
	// system would), between two fetches from the endpoint.
	t.Run("rotated-token", func(t *testing.T) {
		w := newWIWorld(t, false, ststest.Options{MaxRoleCredentialLifetime: 5 * time.Second})
		tok1 := w.writeToken("repo:corp/app:run:1")
		next := filepath.Join(t.TempDir(), "next")
		tok2 := w.idp.Token(oidctest.Claims{Subject: "repo:corp/app:run:2", Audience: []string{wiAudience}})
		if err := os.WriteFile(next, []byte(tok2), 0o600); err != nil {
			t.Fatal(err)
		}
		caller := buildSDKCaller(t)
		script := `"$1"; cp "$2" "$3"; sleep 4; "$1"`
		res := w.sc([]string{floor}, "exec", "ci", "--", "sh", "-c", script, "sh", caller, next, w.tokenFile)
		lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
		if res.code != 0 || len(lines) != 2 {
			t.Fatalf("child: %s", res)
		}
		a, b := strings.Fields(lines[0]), strings.Fields(lines[1])
		if len(a) != 2 || len(b) != 2 || a[0] != wiDeployArn || b[0] != wiDeployArn || a[1] == b[1] {
			t.Fatalf("the child did not get renewed credentials: %q", lines)
		}
		sess := w.srv.Sessions()
		if len(sess) != 2 || sess[0].Subject != "repo:corp/app:run:1" || sess[1].Subject != "repo:corp/app:run:2" || sess[1].AccessKeyID != b[1] {
			t.Fatalf("sessions %+v: the renewal did not use the rotated token", sess)
		}
		w.assertNeverShown("web identity token", tok1, tok2)
	})
}

// STS's refusals of a token: each a clean failure that explains it with
// the token's claims, never the token, and nothing cached; a good token
// afterwards works at once.
func TestWebIdentityRefusals(t *testing.T) {
	good := oidctest.Claims{Subject: "repo:corp/app:ref:refs/heads/main", Audience: []string{wiAudience}}
	for _, tc := range []struct {
		name  string
		token func(w *wiWorld) string
		want  []string // in stderr: STS's code, the explanation
	}{
		{"subject not trusted", func(w *wiWorld) string {
			return w.idp.Token(oidctest.Claims{Subject: "repo:evil/app:ref:refs/heads/main", Audience: []string{wiAudience}})
		}, []string{"AccessDenied", "the trust policy of " + wiDeployRole, "repo:evil/app:ref:refs/heads/main"}},
		{"expired", func(w *wiWorld) string { return w.idp.BadToken(oidctest.Expired, good) },
			[]string{"ExpiredTokenException", "the token has expired", "is read again on every fetch"}},
		{"signed by another key", func(w *wiWorld) string { return w.idp.BadToken(oidctest.WrongKey, good) },
			[]string{"InvalidIdentityToken", "IAM OIDC provider"}},
		{"unknown key id", func(w *wiWorld) string { return w.idp.BadToken(oidctest.UnknownKey, good) },
			[]string{"InvalidIdentityToken", "IAM OIDC provider"}},
		{"wrong issuer", func(w *wiWorld) string {
			return w.idp.Token(oidctest.Claims{Issuer: "https://token.example.com", Subject: good.Subject, Audience: good.Audience})
		}, []string{"InvalidIdentityToken", "https://token.example.com"}},
		{"audience not a client id", func(w *wiWorld) string {
			return w.idp.Token(oidctest.Claims{Subject: good.Subject, Audience: []string{"api://not-aws"}})
		}, []string{"InvalidIdentityToken", "Incorrect token audience", "api://not-aws"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWIWorld(t, false, ststest.Options{})
			tok := w.writeRawToken(tc.token(w))
			res := w.sc(nil, "role", "ci")
			w.assertCleanFailure(res, tc.want[0])
			for _, want := range tc.want[1:] {
				if !strings.Contains(res.stderr, want) {
					t.Fatalf("stderr does not say %q:\n%s", want, res.stderr)
				}
			}
			if w.srv.Calls("AssumeRoleWithWebIdentity") == 0 || w.srv.Successes("AssumeRoleWithWebIdentity") != 0 {
				t.Fatal("the refusal is not STS's")
			}
			if s, files := w.cachedFor("ci"); len(s) != 0 || files != 0 {
				t.Fatalf("cached after a refusal: %v, %d entry files", s, files)
			}
			w.assertNeverShown("web identity token", tok)
			// Nothing of the refusal sticks: a good token works now.
			w.writeToken(good.Subject)
			if c := w.decode(w.sc(nil, "role", "ci")); c.AccessKeyID != w.lastSession().AccessKeyID {
				t.Fatal("a good token after the refusal did not get the new session")
			}
		})
	}
}

// STS cannot reach the issuer's keys (IDPCommunicationError): a passing
// outage is retried and the call succeeds; a lasting one is a clean
// failure that says it was retried, and nothing is cached.
func TestWebIdentityIdPOutage(t *testing.T) {
	t.Run("passing", func(t *testing.T) {
		w := newWIWorld(t, false, ststest.Options{})
		w.writeToken("repo:corp/app:ref:refs/heads/main")
		if err := w.idp.Fail(oidctest.Discovery, 503, 1); err != nil {
			t.Fatal(err)
		}
		res := w.sc(nil, "role", "ci")
		if c := w.decode(res); c.AccessKeyID != w.lastSession().AccessKeyID || res.stderr != "" {
			t.Fatalf("after a passing outage: %s", res)
		}
		if w.srv.Calls("AssumeRoleWithWebIdentity") != 2 || w.idp.Requests(oidctest.Discovery) != 2 {
			t.Fatalf("%d calls, %d discovery requests: not one retry", w.srv.Calls("AssumeRoleWithWebIdentity"), w.idp.Requests(oidctest.Discovery))
		}
	})
	t.Run("lasting", func(t *testing.T) {
		w := newWIWorld(t, false, ststest.Options{})
		tok := w.writeToken("repo:corp/app:ref:refs/heads/main")
		if err := w.idp.Fail(oidctest.Discovery, 503, 1000); err != nil {
			t.Fatal(err)
		}
		res := w.sc(nil, "role", "ci")
		w.assertCleanFailure(res, "IDPCommunicationError")
		if !strings.Contains(res.stderr, "(after retries)") || w.srv.Calls("AssumeRoleWithWebIdentity") < 2 {
			t.Fatalf("not retried (%d calls): %s", w.srv.Calls("AssumeRoleWithWebIdentity"), res.stderr)
		}
		if s, files := w.cachedFor("ci"); len(s) != 0 || files != 0 {
			t.Fatalf("cached after a refusal: %v, %d entry files", s, files)
		}
		w.assertNeverShown("web identity token", tok)
	})
}

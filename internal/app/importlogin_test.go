package app_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/signintest"
	"github.com/stscred/stscred/keystore"
)

// loginLive is a live env with an AWS Sign-In stand-in (on the same clock
// and STS) at AWS_ENDPOINT_URL_SIGNIN, and lina, an IAM user who signed
// in with aws login: the AWS CLI's file of her session under
// ~/.aws/login/cache, a role whose source she is, and a tool profile.
type loginLive struct {
	*live
	signin *signintest.Server
	lina   signintest.Login
	file   string
}

func newLoginLive(t *testing.T) *loginLive {
	t.Helper()
	l := &loginLive{live: newLive(t, "")}
	l.signin = signintest.New(signintest.Options{STS: l.srv, Now: l.clock.Now})
	url := l.signin.Start()
	t.Cleanup(l.signin.Close)
	lina := l.srv.AddUser("111111111111", "lina")
	l.signin.AddUser(lina)
	l.vars["AWS_ENDPOINT_URL_SIGNIN"] = url
	l.write(".aws/config", `[profile lina]
login_session = `+lina.ARN()+`
region = eu-west-1

[profile lina-tools]
credential_process = stscred session lina

[profile lina-admin]
source_profile = lina
role_arn = `+demo.AdminRole+`
`)
	var err error
	if l.lina, err = l.signin.SignIn(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := l.lina.CacheFile()
	if err != nil {
		t.Fatal(err)
	}
	l.file = signintest.CachePath(filepath.Join(l.home, ".aws", "login", "cache"), l.lina.LoginSession)
	l.write(strings.TrimPrefix(l.file, l.home+"/"), string(data))
	return l
}

func (l *loginLive) secrets() []string {
	return append(l.signin.Secrets(), l.lina.RefreshToken, l.lina.SecretAccessKey, l.lina.SessionToken, l.lina.IDToken)
}

// stscred import moves lina's session out of the AWS CLI's plaintext file
// into the keystore and caches its credentials: the next call is a cache
// hit, a role is assumed with them, and once they run low the session
// renews with the file's own proof key. No credentials file is not
// "nothing to import" then; the config is not touched.
func TestImportLoginSession(t *testing.T) {
	l := newLoginLive(t)
	cfgBefore, _ := os.ReadFile(l.cfgPath)
	if err := app.Import(l.p, l.services(), "", false); err != nil {
		t.Fatalf("import: %v\n%s", err, l.stderr)
	}
	out := l.stdout.String()
	for _, want := range []string{
		"stscred: import lina: the AWS Sign-In session of " + l.lina.LoginSession + " (until ",
		"its proof key with it, from " + l.file + " into the OS keyring (memory)",
		"stscred: removed " + l.file + ": nothing of the sign-in is left in the clear",
		"stscred: cached the file's credentials of lina (",
		"the AWS tools reach it through [profile lina-tools]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "nothing to import") {
		t.Errorf("the report says there was nothing to import:\n%s", out)
	}
	if _, err := os.Stat(l.file); !os.IsNotExist(err) {
		t.Fatalf("the plaintext file is still there: %v", err)
	}
	if cfg, _ := os.ReadFile(l.cfgPath); string(cfg) != string(cfgBefore) {
		t.Errorf("the config changed:\n%s", cfg)
	}
	raw, err := l.keys.Get(signin.StoreName(l.lina.LoginSession))
	if err != nil || !strings.Contains(raw, l.lina.RefreshToken) {
		t.Fatalf("the keystore's entry: %v", err)
	}

	s := l.services()
	r, err := s.Resolver()
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Model()
	if err != nil {
		t.Fatal(err)
	}
	lina, err := m.Get("lina")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := r.Credentials(ctx, lina.Profile)
	if err != nil || !res.Cached || res.Creds.AccessKeyID != l.lina.AccessKeyID {
		t.Fatalf("lina after the import: %v, cached %v", err, res.Cached)
	}
	admin, err := m.Get("lina-admin")
	if err != nil {
		t.Fatal(err)
	}
	if res, err := r.Credentials(ctx, admin.Profile); err != nil || res.Cached {
		t.Fatalf("the role from lina's session: %v", err)
	}
	renewals := l.signin.Calls(signintest.GrantOp(signintest.GrantRefreshToken))
	l.clock.Advance(12 * time.Minute) // under a third of the 15 minutes left
	res, err = r.Credentials(ctx, lina.Profile)
	if err != nil || res.Cached || res.Creds.AccessKeyID == l.lina.AccessKeyID {
		t.Fatalf("lina 12 minutes on: %v, cached %v", err, res.Cached)
	}
	if n := l.signin.Calls(signintest.GrantOp(signintest.GrantRefreshToken)); n != renewals+1 {
		t.Fatalf("%d renewals, want 1", n-renewals)
	}
	if sess := l.signin.Sessions(); len(sess) != 1 || sess[0].Renewals != 1 {
		t.Fatalf("the stand-in's sessions %+v: the file's own session must be the one renewed", sess)
	}
	headers, err := l.cache.List()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, h := range headers {
		kinds[h.Profile] = h.Kind
	}
	if kinds["lina"] != cache.KindLogin {
		t.Errorf("cached: %v", kinds)
	}
	l.noSecret(l.secrets()...)
}

// --dry-run: what would move, nothing moved; the dry run's last line says
// so even when the credentials file had nothing.
func TestImportLoginSessionDryRun(t *testing.T) {
	l := newLoginLive(t)
	before, _ := os.ReadFile(l.file)
	entries := l.keys.Len()
	if err := app.Import(l.p, l.services(), "", true); err != nil {
		t.Fatal(err)
	}
	out := l.stdout.String()
	if !strings.Contains(out, "would import lina: the AWS Sign-In session of") || !strings.HasSuffix(out, "stscred: dry run: nothing was changed\n") {
		t.Errorf("stdout:\n%s", out)
	}
	if after, _ := os.ReadFile(l.file); string(after) != string(before) || l.keys.Len() != entries {
		t.Error("a dry run changed something")
	}
	l.noSecret(l.secrets()...)
}

// doctor, through the Services' own Sign-In client: before the import the
// plaintext file is flagged with the way to move it and lina is not
// signed in; after it, lina is signed in until the session's end and no
// file is flagged. No network call to Sign-In either time.
func TestDoctorLoginAroundImport(t *testing.T) {
	l := newLoginLive(t)
	calls := l.signin.Calls(signintest.AnyOp)
	_ = app.Doctor(l.p, l.services(), "lina", false)
	out := l.stdout.String()
	for _, want := range []string{
		"! profile lina: AWS Sign-In session of " + l.lina.LoginSession + ": not signed in\n    hint: run: stscred login lina\n",
		"! ~/.aws/login/cache holds 1 file of aws login sessions in plaintext (a refresh token and the proof key it is bound to)\n    hint: move it into the keystore: stscred import",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("before the import, no %q in\n%s", want, out)
		}
	}
	if err := app.Import(l.p, l.services(), "", false); err != nil {
		t.Fatal(err)
	}
	l.reset()
	_ = app.Doctor(l.p, l.services(), "lina", false)
	out = l.stdout.String()
	if !strings.Contains(out, "✓ profile lina: AWS Sign-In session of "+l.lina.LoginSession+": signed in until ") || strings.Contains(out, "login/cache") {
		t.Errorf("after the import:\n%s", out)
	}
	if l.signin.Calls(signintest.AnyOp) != calls {
		t.Errorf("doctor called AWS Sign-In")
	}
	l.noSecret(l.secrets()...)
}

// list, through the Services' own Sign-In client: lina is a login
// profile, not signed in before the import; after it, signed in as her
// ARN with the file's credentials cached beside; --json says the same.
func TestListLoginAroundImport(t *testing.T) {
	l := newLoginLive(t)
	if err := app.List(l.p, l.services(), false); err != nil {
		t.Fatal(err)
	}
	if !hasFields(l.stdout.String(), "lina login - not signed in") {
		t.Errorf("before the import:\n%s", l.stdout)
	}
	if err := app.Import(l.p, l.services(), "", false); err != nil {
		t.Fatal(err)
	}
	l.reset()
	if err := app.List(l.p, l.services(), false); err != nil {
		t.Fatal(err)
	}
	raw, _ := l.keys.Get(signin.StoreName(l.lina.LoginSession))
	var e struct{ Ends time.Time }
	_ = json.Unmarshal([]byte(raw), &e)
	if !hasFields(l.stdout.String(), "lina login - signed in as "+l.lina.LoginSession+" until "+e.Ends.Local().Format("15:04")+", login 14m left") {
		t.Errorf("after the import:\n%s", l.stdout)
	}
	l.reset()
	if err := app.List(l.p, l.services(), true); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Profile string
		Login   *struct {
			ARN      string `json:"arn"`
			SignedIn bool   `json:"signed_in"`
		}
		Sessions []any
	}
	if err := json.Unmarshal([]byte(l.stdout.String()), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || rows[0].Profile != "lina" || rows[0].Login == nil || !rows[0].Login.SignedIn || rows[0].Login.ARN != l.lina.LoginSession || len(rows[0].Sessions) != 1 {
		t.Errorf("--json:\n%s", l.stdout)
	}
	l.noSecret(l.secrets()...)
}

// hasFields reports whether text has a line whose blank-separated fields
// are want's.
func hasFields(text, want string) bool {
	for _, line := range strings.Split(text, "\n") {
		if strings.Join(strings.Fields(line), " ") == want {
			return true
		}
	}
	return false
}

// migrate --to file moves lina's AWS Sign-In session with the keys: the
// OS keyring cannot be listed, so the entry of the config's login_session
// profile is looked up by name; it arrives byte for byte, leaves the
// source, and the session renews from the file keystore with its own
// proof key, without a new sign-in.
func TestMigrateLoginSession(t *testing.T) {
	l := newLoginLive(t)
	if err := app.Import(l.p, l.services(), "", false); err != nil {
		t.Fatal(err)
	}
	name := signin.StoreName(l.lina.LoginSession)
	entry, err := l.keys.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(l.home, "keys")
	cheapFileStore(t, dir)
	l.vars["STSCRED_FILE_DIR"] = dir
	l.vars["STSCRED_FILE_PASSPHRASE"] = migratePassphrase
	l.vars["STSCRED_FILE_SESSION_TTL"] = "1m"
	l.reset()
	if err := app.Migrate(l.p, l.services(), "file"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, l.stderr)
	}
	if got := l.stdout.String(); got != "stscred: moved 1 key and 1 AWS Sign-In session from the memory backend to the file backend\n" {
		t.Errorf("stdout %q", got)
	}
	if _, err := l.keys.Get(name); err == nil {
		t.Error("the session is still in the memory store")
	}
	to := keystore.NewFile(dir, func(bool) (string, error) { return migratePassphrase, nil })
	if got, err := to.Get(name); err != nil || got != entry {
		t.Fatalf("the session in the file keystore: %v (same: %v)", err, got == entry)
	}

	s := app.NewServices(l.p)
	s.KeyStore, s.SessionCache = to, l.cache
	r, err := s.Resolver()
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Model()
	if err != nil {
		t.Fatal(err)
	}
	lina, _ := m.Get("lina")
	l.clock.Advance(12 * time.Minute)
	res, err := r.Credentials(context.Background(), lina.Profile)
	if err != nil || res.Cached {
		t.Fatalf("renewing from the file keystore: %v (cached %v)", err, res.Cached)
	}
	if sess := l.signin.Sessions(); len(sess) != 1 || sess[0].Renewals != 1 || l.signin.Calls(signintest.GrantOp(signintest.GrantAuthorizationCode)) != 1 {
		t.Fatalf("sessions %+v: one sign-in (the file's), renewed once", sess)
	}
	l.noSecret(l.secrets()...)
}

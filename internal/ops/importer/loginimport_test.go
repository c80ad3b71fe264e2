package importer

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/internal/testkit/signintest"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testclock"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/keystore/keystoretest"
)

// lworld is an AWS Sign-In stand-in on an STS test server, a memory
// keystore, a directory of the AWS CLI's sign-ins and a config whose
// login_session profiles name alice, bob and dave (carol has a file but
// no profile).
type lworld struct {
	t      *testing.T
	clock  *testclock.Clock
	sts    *ststest.Server
	srv    *signintest.Server
	url    string
	keys   *keystoretest.Memory
	dir    string
	cfg    string
	users  map[string]*ststest.User
	client *signin.Client
	// remembered are the credentials Remember was given, by profile.
	remembered map[string]creds.Credentials
	lock       func() // run inside Client.Lock when set
	secrets    []string
}

func newLWorld(t *testing.T) *lworld {
	t.Helper()
	w := &lworld{t: t, clock: testclock.Wall(0), keys: keystoretest.NewMemory(), dir: filepath.Join(t.TempDir(), "login", "cache"),
		users: map[string]*ststest.User{}, remembered: map[string]creds.Credentials{}}
	w.sts = ststest.New(ststest.Options{Now: w.clock.Now})
	w.sts.Start()
	t.Cleanup(w.sts.Close)
	w.srv = signintest.New(signintest.Options{STS: w.sts, Now: w.clock.Now})
	w.url = w.srv.Start()
	t.Cleanup(w.srv.Close)
	for _, name := range []string{"alice", "bob", "carol", "dave"} {
		w.users[name] = w.sts.AddUser("111111111111", name)
		w.srv.AddUser(w.users[name])
	}
	var mu sync.Mutex
	w.client = &signin.Client{Store: w.keys, Now: w.clock.Now,
		Lock: func(context.Context, string, string) (func(), error) {
			mu.Lock()
			if w.lock != nil {
				w.lock()
			}
			return mu.Unlock, nil
		}}
	if err := os.MkdirAll(w.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	w.config(`[profile alice]
login_session = ` + w.arn("alice") + `
region = eu-west-1

[profile alice-tools]
credential_process = stscred session alice

[profile bob]
login_session = ` + w.arn("bob") + `
region = eu-west-1

[profile dave]
login_session = ` + w.arn("dave") + `
region = eu-west-1

[profile prod]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin
`)
	return w
}

func (w *lworld) arn(name string) string { return w.users[name].ARN() }

func (w *lworld) config(text string) {
	w.t.Helper()
	w.cfg = text
}

// signIn makes name's sign-in at the stand-in, as aws login would, and
// writes its file in the AWS CLI's format where the CLI would.
func (w *lworld) signIn(name string) (signintest.Login, string) {
	w.t.Helper()
	if err := w.srv.SetBrowser(signintest.Browser{As: w.arn(name)}); err != nil {
		w.t.Fatal(err)
	}
	l, err := w.srv.SignIn(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	data, err := l.CacheFile()
	if err != nil {
		w.t.Fatal(err)
	}
	path := signintest.CachePath(w.dir, l.LoginSession)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		w.t.Fatal(err)
	}
	der, _ := x509.MarshalECPrivateKey(l.Key)
	w.secrets = append(w.secrets, l.RefreshToken, l.SecretAccessKey, l.SessionToken, l.IDToken, base64.StdEncoding.EncodeToString(der)[20:60])
	return l, path
}

func (w *lworld) model() *profile.Model {
	w.t.Helper()
	f, err := awsconfig.Parse("/home/u/.aws/config", []byte(w.cfg))
	if err != nil {
		w.t.Fatal(err)
	}
	return &profile.Model{File: f}
}

func (w *lworld) importer(dry bool) *LoginImporter {
	st := awsapi.Settings{EndpointURLSignin: w.url}
	return &LoginImporter{
		Dir: w.dir, Model: w.model(), Client: w.client, KeysDesc: "the memory keystore", Now: w.clock.Now, DryRun: dry,
		Session: func(p *awsconfig.Profile) signin.Session { return resolve.LoginSessionFor(st, p) },
		Remember: func(p *awsconfig.Profile, c creds.Credentials) error {
			w.remembered[p.Name] = c
			return nil
		},
	}
}

// run imports, prints, and checks that no secret was shown.
func (w *lworld) run(li *LoginImporter) (*LoginResult, string, error) {
	w.t.Helper()
	res, err := li.Run(context.Background())
	var out bytes.Buffer
	if err == nil {
		if perr := PrintLogin(&out, res, w.clock.Now()); perr != nil {
			w.t.Fatal(perr)
		}
	}
	text := out.String()
	if err != nil {
		text += err.Error() + "\n" + strings.Join(hint.Of(err), "\n")
	}
	for _, s := range append(w.srv.Secrets(), w.secrets...) {
		if s != "" && strings.Contains(text, s) {
			w.t.Fatalf("the output shows a secret (%.8s...):\n%s", s, text)
		}
	}
	return res, text, err
}

func (w *lworld) session(name string) signin.Session {
	return signin.Session{Profile: name, ARN: w.arn(name), Region: "eu-west-1", Endpoint: w.url}
}

// entry is the keystore's entry of name's sign-in ("" when none).
func (w *lworld) entry(name string) string {
	v, err := w.keys.Get(signin.StoreName(w.arn(name)))
	if errors.Is(err, keystore.ErrNotFound) {
		return ""
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func keyThumbprint(t *testing.T, k *ecdsa.PrivateKey) string {
	t.Helper()
	tp, err := (&jose.JSONWebKey{Key: &k.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}

func fileOf(res *LoginResult, path string) *LoginFile {
	for _, f := range res.Files {
		if f.Path == path {
			return f
		}
	}
	return nil
}

// The import moves alice's file into the keystore (proof key and client
// with it), removes it, caches its credentials, and the session then
// renews with the file's own key; carol's file (no profile of hers), a
// file that is not JSON and one whose key is not a key are left alone,
// each with why, quoting nothing of them.
func TestLoginImport(t *testing.T) {
	w := newLWorld(t)
	l, alicePath := w.signIn("alice")
	_, carolPath := w.signIn("carol")
	bobPath := signintest.CachePath(w.dir, w.arn("bob"))
	if err := os.WriteFile(bobPath, []byte(`{"refreshToken": "`+l.RefreshToken+`", oops`), 0o600); err != nil {
		t.Fatal(err)
	}
	d, davePath := w.signIn("dave")
	var m map[string]any
	_ = json.Unmarshal([]byte(mustRead(t, davePath)), &m)
	m["dpopKey"] = "-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5\n-----END EC PRIVATE KEY-----\n"
	b, _ := json.Marshal(m)
	if err := os.WriteFile(davePath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(w.dir, "notes.txt"), []byte("not a sign-in"), 0o600)

	res, out, err := w.run(w.importer(false))
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	a := fileOf(res, alicePath)
	if a == nil || a.Status != LoginImported || strings.Join(a.Profiles, ",") != "alice" || strings.Join(a.Tools, ",") != "alice-tools" || a.Replaced {
		t.Fatalf("alice's file: %+v\n%s", a, out)
	}
	if exists(alicePath) {
		t.Fatal("alice's plaintext file is still there")
	}
	e := w.entry("alice")
	if !strings.Contains(e, l.RefreshToken) || !strings.Contains(e, signin.ClientSameDevice) || !strings.Contains(e, `"endpoint":"`+w.url+`"`) {
		t.Fatalf("alice's entry lacks the file's refresh token, client or endpoint")
	}
	if c := w.remembered["alice"]; c.AccessKeyID != l.AccessKeyID || c.SecretAccessKey != l.SecretAccessKey || !c.Expiration.Equal(l.Expires.UTC().Truncate(time.Second)) {
		t.Fatalf("remembered %v", c.AccessKeyID)
	}
	for path, want := range map[string]string{
		carolPath: "no login_session profile of the config is for " + w.arn("carol"),
		bobPath:   "it is not the JSON the AWS CLI writes (a syntax error at byte",
		davePath:  "its dpopKey cannot be used: the proof key is not an EC private key, so nothing of it was stored",
	} {
		f := fileOf(res, path)
		if f == nil || f.Status != LoginLeft || !strings.Contains(f.Reason.Error(), want) {
			t.Errorf("%s: %+v, want left: %q", filepath.Base(path), f, want)
		}
		if !exists(path) {
			t.Errorf("%s was removed", filepath.Base(path))
		}
	}
	if len(res.Files) != 4 {
		t.Errorf("%d files, want the 4 *.json", len(res.Files))
	}
	for _, want := range []string{
		"import alice: the AWS Sign-In session of " + w.arn("alice") + " (until ",
		"its proof key with it, from " + alicePath + " into the memory keystore",
		"removed " + alicePath + ": nothing of the sign-in is left in the clear",
		"cached the file's credentials of alice (",
		"left " + carolPath + " alone: no login_session profile of the config is for " + w.arn("carol") + ", whose sign-in it holds",
		"  hint: add login_session = " + w.arn("carol") + " (and region) to a profile, then run stscred import again",
		"left " + davePath + " alone: its dpopKey cannot be used",
		"  hint: sign in with stscred instead (stscred login dave), then remove the file: rm '" + davePath + "'",
		"alice keeps working through stscred (stscred session alice, and roles with source_profile = alice); the AWS tools reach it through [profile alice-tools]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "notes.txt") || w.entry("dave") != "" || w.entry("carol") != "" || w.entry("bob") != "" {
		t.Errorf("something else was imported:\n%s", out)
	}
	_ = d

	// The imported session renews with the file's key, rotating the
	// file's refresh token.
	cr, err := w.client.Credentials(context.Background(), w.session("alice"))
	if err != nil {
		t.Fatalf("renewing the imported session: %v", err)
	}
	reqs := w.srv.Requests()
	last := reqs[len(reqs)-1]
	if last.GrantType != signintest.GrantRefreshToken || last.Status != 200 || last.KeyThumbprint != keyThumbprint(t, l.Key) || cr.AccessKeyID == l.AccessKeyID {
		t.Fatalf("the renewal %+v: want a refresh_token grant signed with the file's key", last)
	}

	// A second run finds alice's file gone and leaves the rest.
	res, out, err = w.run(w.importer(false))
	if err != nil || len(res.Moved()) != 0 || len(res.Files) != 3 {
		t.Fatalf("again: %v, %d moved of %d\n%s", err, len(res.Moved()), len(res.Files), out)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// --dry-run reads and checks everything and changes nothing.
func TestLoginImportDryRun(t *testing.T) {
	w := newLWorld(t)
	_, path := w.signIn("alice")
	before := mustRead(t, path)
	res, out, err := w.run(w.importer(true))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Moved()) != 1 || mustRead(t, path) != before || w.keys.Len() != 0 || len(w.remembered) != 0 {
		t.Fatalf("dry run changed something: %d entries\n%s", w.keys.Len(), out)
	}
	for _, want := range []string{"would import alice: the AWS Sign-In session of", "would remove " + path, "alice would keep working through stscred"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "removed ") || strings.Contains(out, "cached") {
		t.Errorf("a dry run says it did something:\n%s", out)
	}
}

// What the keystore holds decides: the very same session only loses its
// file; a live sign-in of another session, or a renewed copy of the
// file's, keeps the file (and the entry as it was); an ended one is
// replaced.
func TestLoginImportAgainstTheKeystore(t *testing.T) {
	t.Run("same", func(t *testing.T) {
		w := newLWorld(t)
		_, path := w.signIn("alice")
		importOne(t, w, "alice", path, true)
		before := w.entry("alice")
		res, out, err := w.run(w.importer(false))
		if f := fileOf(res, path); err != nil || f.Status != LoginAlreadyStored || exists(path) || w.entry("alice") != before {
			t.Fatalf("%v %+v\n%s", err, f, out)
		}
		if !strings.Contains(out, "import alice: the memory keystore already holds this AWS Sign-In session of "+w.arn("alice")+"; only the file goes") {
			t.Errorf("report:\n%s", out)
		}
	})
	t.Run("renewed", func(t *testing.T) {
		w := newLWorld(t)
		_, path := w.signIn("alice")
		importOne(t, w, "alice", path, true)
		if _, err := w.client.Credentials(context.Background(), w.session("alice")); err != nil {
			t.Fatal(err)
		}
		before := w.entry("alice")
		res, out, err := w.run(w.importer(false))
		if f := fileOf(res, path); err != nil || f.Status != LoginLeft || !exists(path) || w.entry("alice") != before {
			t.Fatalf("%v %+v\n%s", err, f, out)
		}
		for _, want := range []string{"already holds this sign-in of " + w.arn("alice") + " with another refresh token",
			"hint: check stscred's: stscred whoami alice; when that works, remove the file: rm '" + path + "'",
			"hint: when it says to sign in, take the file's instead: stscred logout alice, then stscred import"} {
			if !strings.Contains(out, want) {
				t.Errorf("report lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("other", func(t *testing.T) {
		w := newLWorld(t)
		_, first := w.signIn("alice")
		importOne(t, w, "alice", first, false)
		before := w.entry("alice")
		_, path := w.signIn("alice") // aws login again: another session
		res, out, err := w.run(w.importer(false))
		if f := fileOf(res, path); err != nil || f.Status != LoginLeft || !exists(path) || w.entry("alice") != before {
			t.Fatalf("%v %+v\n%s", err, f, out)
		}
		for _, want := range []string{"already holds another sign-in of " + w.arn("alice") + " (until ",
			"hint: to keep stscred's, remove the file: rm '" + path + "' (or aws logout --profile alice)",
			"hint: to take the file's instead: stscred logout alice, then stscred import"} {
			if !strings.Contains(out, want) {
				t.Errorf("report lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("ended", func(t *testing.T) {
		w := newLWorld(t)
		_, first := w.signIn("alice")
		importOne(t, w, "alice", first, false)
		w.clock.Advance(11 * time.Hour)
		l, path := w.signIn("alice") // signed in again with aws login, 11 hours on
		w.clock.Advance(2 * time.Hour)
		res, out, err := w.run(w.importer(false))
		if f := fileOf(res, path); err != nil || f.Status != LoginImported || !f.Replaced || exists(path) || !strings.Contains(w.entry("alice"), l.RefreshToken) {
			t.Fatalf("%v %+v\n%s", err, f, out)
		}
		if !strings.Contains(out, "; it replaces the ended sign-in stored for it") {
			t.Errorf("report:\n%s", out)
		}
	})
}

// importOne imports name's file as the import would, without the
// importer, and removes it unless keep (an import that stopped between
// the two).
func importOne(t *testing.T, w *lworld, name, path string, keep bool) {
	t.Helper()
	f, err := signin.ReadCLIFile(w.session(name), []byte(mustRead(t, path)), time.Time{}, w.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.client.Import(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	if keep {
		return
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// A session that has ended (its ID token says it was signed in more than
// 12 hours ago), a profile without a region, and a symbolic link are left
// alone, with what to do.
func TestLoginImportLeavesWhatCannotWork(t *testing.T) {
	w := newLWorld(t)
	_, alicePath := w.signIn("alice")
	w.clock.Advance(12*time.Hour + time.Minute)
	_, bobPath := w.signIn("bob")
	w.cfg = strings.Replace(w.cfg, "[profile bob]\nlogin_session = "+w.arn("bob")+"\nregion = eu-west-1", "[profile bob]\nlogin_session = "+w.arn("bob"), 1)
	left := map[string]string{
		alicePath: "its sign-in has ended (signed in more than 12 hours ago), so nothing of it was stored",
		bobPath:   "profile bob names no region to sign in to, so nothing of it was stored",
	}
	// A sign-in file that is a symbolic link (Unix only: plantSymlink).
	_, davePath := w.signIn("dave")
	target := filepath.Join(t.TempDir(), "dave.json")
	if err := os.Rename(davePath, target); err != nil {
		t.Fatal(err)
	}
	if plantSymlink(t, target, davePath) {
		left[davePath] = "it is a symbolic link"
	}
	res, out, err := w.run(w.importer(false))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range left {
		if f := fileOf(res, path); f == nil || f.Status != LoginLeft || !strings.Contains(f.Reason.Error(), want) || !exists(path) {
			t.Errorf("%s: %+v, want left: %q", filepath.Base(path), f, want)
		}
	}
	for _, want := range []string{"hint: sign in with stscred: stscred login alice", "hint: add region to [profile bob] (the region aws login signed in at), then run stscred import again"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if w.keys.Len() != 0 || !exists(target) {
		t.Fatalf("%d entries stored; target there: %v", w.keys.Len(), exists(target))
	}
}

// A keystore that cannot be read or written stops the import with
// nothing changed: the entries stored before put back, every file where
// it was.
func TestLoginImportKeystoreFailures(t *testing.T) {
	w := newLWorld(t)
	_, alicePath := w.signIn("alice")
	_, bobPath := w.signIn("bob")
	w.keys.Err = errors.New("the keyring is locked")
	_, out, err := w.run(w.importer(false))
	if err == nil || !strings.Contains(err.Error(), "locked") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("a locked keystore: %v\n%s", err, out)
	}
	w.keys.Err = nil
	bobOld := `{"version":1,"arn":"` + w.arn("bob") + `"}` // unreadable: the import may replace it
	if err := w.keys.Set(signin.StoreName(w.arn("bob")), bobOld); err != nil {
		t.Fatal(err)
	}
	fs := &failingStore{Memory: w.keys, failAt: 2}
	w.client.Store = fs
	_, out, err = w.run(w.importer(false))
	first, second := "alice", "bob" // the files' order: by name, the digests of the identities
	if filepath.Base(bobPath) < filepath.Base(alicePath) {
		first, second = second, first
	}
	if err == nil || !strings.Contains(err.Error(), "could not store the sign-in of profile "+second) ||
		!strings.Contains(err.Error(), "the sign-ins stored before it ("+first+") were put back as they were, and no file was touched, so nothing was changed") {
		t.Fatalf("a failing store: %v\n%s", err, out)
	}
	if w.entry("alice") != "" || w.entry("bob") != bobOld || !exists(alicePath) || !exists(bobPath) {
		t.Fatalf("something changed: alice %v, bob %q", w.entry("alice") != "", w.entry("bob"))
	}
}

// A file the AWS CLI rewrites while the import runs (it renewed the
// session: only the new refresh token works) is left with its entry put
// back; one that cannot be removed too (two copies of one refresh token
// would soon leave one dead).
func TestLoginImportFileChangesOrStays(t *testing.T) {
	w := newLWorld(t)
	_, alicePath := w.signIn("alice")
	_, bobPath := w.signIn("bob")
	renewed := `{"renewed": true}`
	w.lock = func() {
		if exists(alicePath) && mustRead(t, alicePath) != renewed {
			if err := os.WriteFile(alicePath, []byte(renewed), 0o600); err != nil {
				t.Error(err)
			}
		}
	}
	li := w.importer(false)
	li.remove = func(path string) error {
		if path == bobPath {
			return &fs.PathError{Op: "remove", Path: path, Err: errors.New("operation not permitted")}
		}
		return os.Remove(path)
	}
	res, out, err := w.run(li)
	if err != nil {
		t.Fatal(err)
	}
	if f := fileOf(res, alicePath); f.Status != LoginLeft || !strings.Contains(f.Reason.Error(), "it changed while stscred import ran") || mustRead(t, alicePath) != renewed {
		t.Errorf("alice: %+v", f)
	}
	if f := fileOf(res, bobPath); f.Status != LoginLeft || !strings.Contains(f.Reason.Error(), "could not remove it (operation not permitted), so nothing of it was stored") || !exists(bobPath) {
		t.Errorf("bob: %+v", f)
	}
	if w.keys.Len() != 0 || len(w.remembered) != 0 {
		t.Fatalf("%d entries left, %d cached\n%s", w.keys.Len(), len(w.remembered), out)
	}
}

// Two profiles of one login_session at different regions: the sign-in is
// the first's, and the report says the other cannot renew it; a profile
// without a tool profile is told how the AWS tools reach it. No
// directory, or none to look in, is nothing to import.
func TestLoginImportSharedSessionAndNoDirectory(t *testing.T) {
	w := newLWorld(t)
	w.cfg += "\n[profile alice-us]\nlogin_session = " + w.arn("alice") + "\nregion = us-east-1\n"
	w.cfg = strings.Replace(w.cfg, "[profile alice-tools]\ncredential_process = stscred session alice\n", "", 1)
	_, path := w.signIn("alice")
	res, out, err := w.run(w.importer(false))
	if err != nil {
		t.Fatal(err)
	}
	if f := fileOf(res, path); f.Status != LoginImported || strings.Join(f.Profiles, ",") != "alice,alice-us" || strings.Join(f.Elsewhere, ",") != "alice-us" {
		t.Fatalf("%+v\n%s", f, out)
	}
	for _, want := range []string{
		"note: profile alice-us names the same login_session at another region or endpoint; the stored sign-in renews only at alice's (eu-west-1)",
		"the AWS CLI and SDKs read login_session themselves and will not find the file: give them a profile with credential_process = stscred session alice",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	for _, dir := range []string{"", filepath.Join(t.TempDir(), "none")} {
		li := w.importer(false)
		li.Dir = dir
		if res, err := li.Run(context.Background()); err != nil || len(res.Files) != 0 {
			t.Errorf("dir %q: %v %+v", dir, err, res)
		}
	}
}

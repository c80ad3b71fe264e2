//go:build linux && realworld

package e2e

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/go-jose/go-jose/v4"

	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/testkit/signintest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// The import of an `aws login` session: lina signed in with the AWS CLI,
// which left her session in the clear under ~/.aws/login/cache (the
// refresh token and the proof key side by side). `stscred import` moves
// it into the keystore; stscred's callers then renew it with the file's
// own proof key, without a browser.

// impLoginConfig is what `aws login` leaves in the config (login_session
// and region), with what stscred's users add around it.
const impLoginConfig = `[profile lina]
login_session = LOGIN_SESSION
region = eu-west-1

[profile lina-tools]
credential_process = stscred session lina

[profile lina-admin]
source_profile = lina
role_arn = ` + adminRole + `

[profile lina-admin-tools]
credential_process = stscred role lina-admin
`

// impLoginWorld is a world with an AWS Sign-In stand-in on its STS test
// server (AWS_ENDPOINT_URL_SIGNIN) and lina, who signed in with it.
type impLoginWorld struct {
	*world
	signin *signintest.Server
	lina   *ststest.User
	transcript
}

func newImpLoginWorld(t *testing.T, backend string) *impLoginWorld {
	t.Helper()
	w := &impLoginWorld{world: newWorldOn(t, backend, ststest.Options{})}
	w.lina = w.srv.AddUser("111111111111", "lina")
	w.signin = signintest.New(signintest.Options{STS: w.srv})
	w.signin.Start()
	t.Cleanup(w.signin.Close)
	w.signin.AddUser(w.lina)
	w.writeConfig(strings.Replace(impLoginConfig, "LOGIN_SESSION", w.lina.ARN(), 1))
	return w
}

func (w *impLoginWorld) sc(args ...string) result {
	w.t.Helper()
	return w.keep(w.run("", w.env("AWS_ENDPOINT_URL_SIGNIN="+w.signin.URL()), w.bin, args...))
}

// awsLogin is what `aws login` would have done: a sign-in at the stand-in
// and its file in the AWS CLI's format where the CLI keeps it.
func (w *impLoginWorld) awsLogin() (signintest.Login, string, []byte) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l, err := w.signin.SignIn(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	data, err := l.CacheFile()
	if err != nil {
		w.t.Fatal(err)
	}
	dir := filepath.Join(w.home, ".aws", "login", "cache")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		w.t.Fatal(err)
	}
	path := signintest.CachePath(dir, l.LoginSession)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		w.t.Fatal(err)
	}
	return l, path, data
}

// storedEntry reads the keystore's entry of lina's session with a client
// independent of stscred's reading (secret-tool for the Secret Service).
func (w *impLoginWorld) storedEntry() (struct {
	ARN, ClientID, RefreshToken, DPoPKey string
}, bool) {
	w.t.Helper()
	var e struct {
		ARN, ClientID, RefreshToken, DPoPKey string
	}
	name := signin.StoreName(w.lina.ARN())
	var raw string
	if w.backend == "file" {
		v, err := w.fileStore().Get(name)
		if err != nil {
			return e, false
		}
		raw = v
	} else {
		out, err := exec.Command("secret-tool", "lookup", "service", w.service, "username", name).Output()
		if err != nil {
			return e, false
		}
		raw = string(out)
	}
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		w.t.Fatalf("the stored entry is not JSON: %v", err)
	}
	return e, true
}

// impKeyNeedles are pieces of a private key's PEM that must not be found
// anywhere: each line of its base64.
func impKeyNeedles(t *testing.T, l signintest.Login) []string {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(l.Key)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})), "\n") {
		if len(line) >= 16 && !strings.HasPrefix(line, "-----") {
			out = append(out, line)
		}
	}
	return out
}

func impThumbprint(t *testing.T, l signintest.Login) string {
	t.Helper()
	tp, err := (&jose.JSONWebKey{Key: &l.Key.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}

// callerOf is whom the world's STS says credentials are.
func (w *impLoginWorld) callerOf(c creds.Credentials) string {
	w.t.Helper()
	client := sts.New(sts.Options{Region: "eu-west-1", BaseEndpoint: aws.String(w.url),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, nil
		})})
	out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		w.t.Fatalf("GetCallerIdentity: %v", err)
	}
	return aws.ToString(out.Arn)
}

// A file written in the AWS CLI's format is imported: --dry-run changes
// nothing; the import stores the session (its refresh token, client and
// proof key, read back with a client of the keystore's own), removes the
// plaintext file and leaves the config as it was. Its credentials are
// cached (the next call is served without Sign-In); once they are dropped,
// `stscred session lina` renews through AWS Sign-In with the file's own
// proof key (the file's refresh token rotated, one code grant in all: no
// new sign-in), and a role is assumed from the session. doctor and list
// say lina is signed in and no file is left in the clear. Afterwards no
// refresh token, proof key, ID token or secret of the session is in any
// file under HOME or TMPDIR, nor any sign-in secret in any output.
func TestLoginImportRenewsWithItsOwnKey(t *testing.T) {
	for _, backend := range []string{"secret-service", "file"} {
		t.Run(backend, func(t *testing.T) {
			w := newImpLoginWorld(t, backend)
			l, path, data := w.awsLogin()
			config, _ := os.ReadFile(w.cfg)

			res := w.sc("import", "--dry-run")
			if res.code != 0 || !strings.Contains(res.stdout, "would import lina: the AWS Sign-In session of "+w.lina.ARN()) ||
				!strings.Contains(res.stdout, "would remove "+path) {
				t.Fatalf("import --dry-run: %s", res)
			}
			if now, _ := os.ReadFile(path); string(now) != string(data) {
				t.Fatal("a dry run changed the file")
			}
			if _, stored := w.storedEntry(); stored {
				t.Fatal("a dry run stored the session")
			}

			res = w.sc("import")
			if res.code != 0 {
				t.Fatalf("stscred import: %s", res)
			}
			for _, want := range []string{
				"stscred: import lina: the AWS Sign-In session of " + w.lina.ARN() + " (until ",
				"stscred: removed " + path + ": nothing of the sign-in is left in the clear",
				"stscred: cached the file's credentials of lina (",
				"the AWS tools reach it through [profile lina-tools]",
			} {
				if !strings.Contains(res.stdout, want) {
					t.Errorf("the import's report lacks %q:\n%s", want, res)
				}
			}
			if _, err := os.Lstat(path); !os.IsNotExist(err) {
				t.Fatalf("the plaintext file is still there: %v", err)
			}
			if now, _ := os.ReadFile(w.cfg); string(now) != string(config) {
				t.Fatalf("the import changed the config:\n%s", now)
			}
			e, ok := w.storedEntry()
			if !ok || e.ARN != w.lina.ARN() || e.RefreshToken != l.RefreshToken || e.ClientID != l.ClientID {
				t.Fatalf("after the import the keystore holds %v: %s, client %s, the file's refresh token: %v", ok, e.ARN, e.ClientID, e.RefreshToken == l.RefreshToken)
			}
			if block, _ := pem.Decode([]byte(e.DPoPKey)); block == nil || block.Type != "EC PRIVATE KEY" {
				t.Fatal("the stored proof key is not a SEC 1 PEM")
			} else if k, err := x509.ParseECPrivateKey(block.Bytes); err != nil || !k.Equal(l.Key) {
				t.Fatalf("the stored proof key is not the file's: %v", err)
			}

			// The file's credentials, from the cache: no call to Sign-In.
			calls := w.signin.Calls(signintest.AnyOp)
			if c := w.decode(w.sc("session", "lina")); c.AccessKeyID != l.AccessKeyID {
				t.Fatalf("session lina after the import: %s, want the file's credentials", c.AccessKeyID)
			}
			if n := w.signin.Calls(signintest.AnyOp); n != calls {
				t.Fatalf("%d calls to Sign-In for credentials the cache had", n-calls)
			}

			// Without them, a renewal signed with the file's own key.
			if res := w.sc("clear", "lina"); res.code != 0 {
				t.Fatalf("clear lina: %s", res)
			}
			c := w.decode(w.sc("session", "lina"))
			if c.AccessKeyID == l.AccessKeyID || w.callerOf(c) != w.lina.ARN() {
				t.Fatalf("session lina after clear: %s", c.AccessKeyID)
			}
			reqs := w.signin.Requests()
			last := reqs[len(reqs)-1]
			if last.GrantType != signintest.GrantRefreshToken || last.Status != 200 || last.KeyThumbprint != impThumbprint(t, l) {
				t.Fatalf("the renewal %+v: want a refresh_token grant signed with the file's key %s", last, impThumbprint(t, l))
			}
			if n := w.signin.Calls(signintest.GrantOp(signintest.GrantRefreshToken)); n != 1 {
				t.Fatalf("%d renewals, want 1", n)
			}
			if n := w.signin.Calls(signintest.GrantOp(signintest.GrantAuthorizationCode)); n != 1 {
				t.Fatalf("%d code grants: the imported session went through a new sign-in", n)
			}
			for _, rt := range w.signin.RefreshTokens() {
				if rt.Token == l.RefreshToken && rt.Live {
					t.Fatal("the file's refresh token still works: it was not the one renewed")
				}
			}
			if e, _ := w.storedEntry(); e.RefreshToken == l.RefreshToken {
				t.Fatal("the rotated refresh token was not stored")
			}

			// A role from the session, as a tool gets it.
			role := w.decode(w.sc("role", "lina-admin"))
			if arn := w.callerOf(role); !strings.HasPrefix(arn, "arn:aws:sts::222222222222:assumed-role/Admin/") {
				t.Fatalf("lina-admin: %s", arn)
			}

			doctor := w.sc("doctor", "--profile", "lina")
			if !strings.Contains(doctor.stdout, "✓ profile lina: AWS Sign-In session of "+w.lina.ARN()+": signed in until ") || strings.Contains(doctor.stdout, "login/cache") {
				t.Errorf("doctor after the import: %s", doctor)
			}
			list := w.sc("list")
			if !strings.Contains(list.stdout, "signed in as "+w.lina.ARN()+" until ") {
				t.Errorf("list after the import: %s", list)
			}

			// Nothing of the session in the clear, anywhere.
			// Credentials are on the stdout of the calls that print them;
			// the refresh tokens, the proof key and the ID token never.
			signIn := append([]string{l.IDToken}, impKeyNeedles(t, l)...)
			for _, rt := range w.signin.RefreshTokens() {
				signIn = append(signIn, rt.Token)
			}
			for _, r := range w.kept() {
				for _, s := range signIn {
					if len(s) >= 16 && (strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s)) {
						t.Errorf("a sign-in secret is in a command's output:\n%s", r)
					}
				}
			}
			needles := append(append(signIn, w.signin.Secrets()...), w.secrets()...)
			for _, p := range w.filesHolding([]string{w.home, w.tmp}, needles, "the scan looked in the wrong place") {
				t.Errorf("%s holds a secret of the session in the clear", p)
			}
			if des, err := os.ReadDir(filepath.Dir(path)); err != nil || len(des) != 0 {
				t.Errorf("%s after the import: %d entries, %v", filepath.Dir(path), len(des), err)
			}
		})
	}
}

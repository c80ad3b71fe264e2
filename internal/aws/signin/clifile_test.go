package signin_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/testkit/signintest"
)

// cliLogin is a sign-in the stand-in made without the client under test,
// as `aws login` would, and its file in the AWS CLI's format.
func (w *world) cliLogin() (signintest.Login, []byte) {
	w.t.Helper()
	l, err := w.srv.SignIn(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	data, err := l.CacheFile()
	if err != nil {
		w.t.Fatal(err)
	}
	return l, data
}

// fileSecrets are what a file holds that no message may show.
func fileSecrets(l signintest.Login) []string {
	der, _ := x509.MarshalECPrivateKey(l.Key)
	b64 := base64.StdEncoding.EncodeToString(der)
	return []string{l.RefreshToken, l.SecretAccessKey, l.SessionToken, l.IDToken, b64[20:60]}
}

func thumbprintOf(t *testing.T, k *ecdsa.PrivateKey) string {
	t.Helper()
	tp, err := (&jose.JSONWebKey{Key: &k.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}

// editJSON changes a file's JSON object with edit.
func editJSON(t *testing.T, data []byte, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A file the AWS CLI wrote is imported with its own proof key: the
// sign-in starts when its ID token says, the file's credentials come
// along, and the stored session renews through Credentials signed with
// the file's key, rotating the file's refresh token (the one in the file
// no longer works then). Held tells the same session, then a renewed
// copy of it, apart.
func TestImportCLIFileRenewsWithItsOwnKey(t *testing.T) {
	w := newWorld(t)
	l, data := w.cliLogin()
	s := w.session()
	s.ARN = l.LoginSession
	written := w.clock.Now().Add(time.Minute) // after the sign-in: the ID token's iat wins
	f, err := signin.ReadCLIFile(s, data, written, w.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if f.Creds.AccessKeyID != l.AccessKeyID || f.Creds.SecretAccessKey != l.SecretAccessKey || f.Creds.SessionToken != l.SessionToken ||
		!f.Creds.Expiration.Equal(l.Expires.UTC().Truncate(time.Second)) || f.Creds.AccountID != "111111111111" {
		t.Fatalf("the file's credentials: %v %v %s", f.Creds.AccessKeyID == l.AccessKeyID, f.Creds.Expiration, f.Creds.AccountID)
	}
	sess := w.srv.Sessions()[0]
	st := f.Status(w.clock.Now())
	if !f.SignedInKnown || !st.SignedIn || !st.Since.Equal(sess.Started.UTC().Truncate(time.Second)) || !st.Ends.Equal(st.Since.Add(12*time.Hour)) ||
		st.ARN != w.alice.ARN() || st.Region != "eu-west-1" || st.Endpoint != w.url {
		t.Fatalf("status %+v (stand-in: started %v)", st, sess.Started)
	}
	if got := f.String() + " " + f.GoString(); strings.Contains(got, l.RefreshToken) {
		t.Fatal("String shows the refresh token")
	}
	if h, _, err := w.c.Held(f); h != signin.HeldNothing || err != nil {
		t.Fatalf("held %v %v before the import", h, err)
	}
	if err := w.c.Import(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	raw, _ := w.store.Get(signin.StoreName(l.LoginSession))
	if !strings.Contains(raw, l.RefreshToken) || !strings.Contains(raw, "BEGIN EC PRIVATE KEY") || !strings.Contains(raw, signin.ClientSameDevice) {
		t.Fatal("the entry lacks the file's refresh token, proof key or client")
	}
	if got, err := w.c.Status(s); err != nil || !got.SignedIn || !got.Ends.Equal(st.Ends) {
		t.Fatalf("stored status %+v %v", got, err)
	}
	if h, _, err := w.c.Held(f); h != signin.HeldSame || err != nil {
		t.Fatalf("held %v %v after the import", h, err)
	}

	cr, err := w.c.Credentials(context.Background(), s)
	if err != nil {
		t.Fatalf("renewing the imported session: %v", err)
	}
	reqs := w.srv.Requests()
	last := reqs[len(reqs)-1]
	if last.GrantType != signintest.GrantRefreshToken || last.Status != 200 || last.KeyThumbprint != thumbprintOf(t, l.Key) {
		t.Fatalf("the renewal %+v: want a refresh_token grant signed with the file's key", last)
	}
	if cr.AccessKeyID == l.AccessKeyID {
		t.Fatal("the renewal handed out the file's credentials again")
	}
	if arn := callerARN(t, w, cr.AccessKeyID, cr.SecretAccessKey, cr.SessionToken); arn != w.alice.ARN() {
		t.Fatalf("the renewed credentials are %s's", arn)
	}
	for _, rt := range w.srv.RefreshTokens() {
		if rt.Token == l.RefreshToken && rt.Live {
			t.Fatal("the file's refresh token still works: it was not the one renewed")
		}
	}
	// The file is now a stale copy of the stored session.
	if h, st, err := w.c.Held(f); h != signin.HeldRenewed || err != nil || !st.SignedIn {
		t.Fatalf("held %v %v after a renewal", h, err)
	}
	w.noSecretShown(w.out.String())
}

// Without an ID token (the Go SDK rewrites the file under identityToken,
// or drops it), the sign-in is taken to be when the file was written, or
// now; the SDK's name for the ID token is read too. A PKCS 8 proof key
// is stored as SEC 1.
func TestReadCLIFileWithoutIDToken(t *testing.T) {
	w := newWorld(t)
	l, data := w.cliLogin()
	s := w.session()
	s.ARN = l.LoginSession
	now := w.clock.Now()
	written := now.Add(-3 * time.Hour)

	noID := editJSON(t, data, func(m map[string]any) { delete(m, "idToken") })
	f, err := signin.ReadCLIFile(s, noID, written, now)
	if err != nil {
		t.Fatal(err)
	}
	if st := f.Status(now); f.SignedInKnown || !st.Since.Equal(written.UTC().Truncate(time.Second)) || !st.Ends.Equal(st.Since.Add(12*time.Hour)) {
		t.Fatalf("without an ID token: %+v", st)
	}
	if f, err := signin.ReadCLIFile(s, noID, time.Time{}, now); err != nil || !f.Status(now).Since.Equal(now.UTC().Truncate(time.Second)) {
		t.Fatalf("without a time: %v %+v", err, f.Status(now))
	}
	if f, err := signin.ReadCLIFile(s, noID, now.Add(time.Hour), now); err != nil || !f.Status(now).Since.Equal(now.UTC().Truncate(time.Second)) {
		t.Fatalf("written in the future: %v %+v", err, f.Status(now))
	}

	sdk := editJSON(t, data, func(m map[string]any) { m["identityToken"] = m["idToken"]; delete(m, "idToken") })
	if f, err := signin.ReadCLIFile(s, sdk, written, now); err != nil || !f.SignedInKnown {
		t.Fatalf("identityToken: %v %v", err, f.SignedInKnown)
	}
	if got := signin.CLIFileIdentity(sdk); got != w.alice.ARN() {
		t.Fatalf("CLIFileIdentity %q", got)
	}
	if got := signin.CLIFileIdentity(noID); got != "" {
		t.Fatalf("CLIFileIdentity without a token %q", got)
	}

	der, err := x509.MarshalPKCS8PrivateKey(l.Key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8 := editJSON(t, data, func(m map[string]any) {
		m["dpopKey"] = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	})
	f, err = signin.ReadCLIFile(s, pkcs8, written, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.c.Import(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	raw, _ := w.store.Get(signin.StoreName(l.LoginSession))
	if !strings.Contains(raw, "BEGIN EC PRIVATE KEY") {
		t.Fatal("the PKCS 8 key is not stored as SEC 1")
	}
	if _, err := w.c.Credentials(context.Background(), s); err != nil {
		t.Fatalf("renewing with the PKCS 8 file's key: %v", err)
	}
}

// A file that cannot be used is refused with a message that quotes
// nothing of it.
func TestReadCLIFileRefusals(t *testing.T) {
	w := newWorld(t)
	l, data := w.cliLogin()
	s := w.session()
	s.ARN = l.LoginSession
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	der384, _ := x509.MarshalECPrivateKey(p384)
	bob, _ := w.srv.SignIn(context.Background()) // alice again: only its ID token is used
	bobToken := strings.Split(bob.IDToken, ".")
	payload, _ := json.Marshal(map[string]any{"sub": "arn:aws:iam::111111111111:user/bob\x1b[31m", "iat": time.Now().Unix()})
	bobToken[1] = base64.RawURLEncoding.EncodeToString(payload)
	set := func(k string, v any) []byte {
		return editJSON(t, data, func(m map[string]any) { m[k] = v })
	}
	for _, tc := range []struct {
		name  string
		s     signin.Session
		data  []byte
		words string
	}{
		{"not json", s, []byte(`{"refreshToken": "` + l.RefreshToken + `", oops`), "not the JSON the AWS CLI writes"},
		{"not an object", s, []byte(`["` + l.RefreshToken + `"]`), "not the JSON the AWS CLI writes"},
		{"a number", s, set("refreshToken", 42), "refreshToken is a JSON number"},
		{"no refresh token", s, set("refreshToken", ""), "no refresh token"},
		{"no proof key", s, editJSON(t, data, func(m map[string]any) { delete(m, "dpopKey") }), "no proof key"},
		{"no client", s, set("clientId", " "), "names no client"},
		{"key not pem", s, set("dpopKey", l.RefreshToken), "the proof key is not PEM"},
		{"key on P-384", s, set("dpopKey", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der384}))), "not on P-256"},
		{"another identity", s, set("idToken", strings.Join(bobToken, ".")), `its ID token is for arn:aws:iam::111111111111:user/bob\x1b[31m, not for ` + l.LoginSession},
		{"another account", s, editJSON(t, data, func(m map[string]any) {
			m["accessToken"].(map[string]any)["accountId"] = "999999999999"
		}), "of account 999999999999"},
		{"no region", signin.Session{Profile: "alice", ARN: l.LoginSession}, data, "names no region"},
		{"no login_session", signin.Session{Profile: "alice", Region: "eu-west-1"}, data, "has no login_session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := signin.ReadCLIFile(tc.s, tc.data, time.Time{}, w.clock.Now())
			if err == nil {
				t.Fatal("accepted")
			}
			text := err.Error() + " " + strings.Join(hint.Of(err), " ")
			if !strings.Contains(text, tc.words) {
				t.Fatalf("error %q, want %q", text, tc.words)
			}
			for _, secret := range fileSecrets(l) {
				if strings.Contains(text, secret) {
					t.Fatalf("the error quotes the file: %q", text)
				}
			}
		})
	}
}

// Held: a live sign-in of another session is HeldOther (the file must not
// replace it); an ended one, or an entry that cannot be read, may be
// replaced; a keystore that cannot be read is an error.
func TestHeld(t *testing.T) {
	w := newWorld(t)
	res := w.login(w.session(), signin.LoginOptions{})
	_, data := w.cliLogin()
	s := w.session()
	s.ARN = res.ARN
	f, err := signin.ReadCLIFile(s, data, time.Time{}, w.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if h, st, err := w.c.Held(f); h != signin.HeldOther || err != nil || !st.SignedIn || !st.Ends.Equal(res.Ends) {
		t.Fatalf("a live stscred sign-in: %v %+v %v", h, st, err)
	}
	w.clock.Advance(12*time.Hour + time.Second)
	if h, st, err := w.c.Held(f); h != signin.HeldNothing || err != nil || st.SignedIn || st.ARN != res.ARN {
		t.Fatalf("an ended sign-in: %v %+v %v", h, st, err)
	}
	if err := w.store.Set(signin.StoreName(res.ARN), "not json"); err != nil {
		t.Fatal(err)
	}
	if h, _, err := w.c.Held(f); h != signin.HeldNothing || err != nil {
		t.Fatalf("an unreadable entry: %v %v", h, err)
	}
	w.store.Err = errors.New("the keyring is locked")
	if _, _, err := w.c.Held(f); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("a locked keystore: %v", err)
	}
}

// Where the AWS CLI keeps its files, and their names, as the SDK and the
// stand-in name them.
func TestCLICachePaths(t *testing.T) {
	env := map[string]string{"HOME": "/home/u"}
	getenv := func(k string) string { return env[k] }
	if got := signin.CLICacheDir(getenv); got != filepath.Join("/home/u", ".aws", "login", "cache") {
		t.Fatalf("dir %q", got)
	}
	env["AWS_LOGIN_CACHE_DIRECTORY"] = "/elsewhere"
	if got := signin.CLICacheDir(getenv); got != "/elsewhere" {
		t.Fatalf("dir %q", got)
	}
	if got := signin.CLICacheDir(func(string) string { return "" }); got != "" {
		t.Fatalf("dir without HOME %q", got)
	}
	arn := "arn:aws:iam::111111111111:user/alice"
	if got := filepath.Join("/d", signin.CLIFileName(" "+arn+" ")); got != signintest.CachePath("/d", arn) {
		t.Fatalf("name %q, the AWS CLI's %q", got, signintest.CachePath("/d", arn))
	}
}

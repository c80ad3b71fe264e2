//go:build linux && realworld

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/testkit/signintest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// The AWS Sign-In world (`stscred login`, issue 22): alice, an IAM user
// with no access key stored, signs in with the browser through a
// signintest server (AWS_ENDPOINT_URL_SIGNIN) whose credentials are her
// temporary sessions at the world's STS test server; roles use her
// profile as their source.

const (
	loginProfile = "alice"
	loginHint    = "stscred login alice"
	loginARN     = "arn:aws:iam::111111111111:user/alice"
	loginAccount = "111111111111"
	roleAccount  = "222222222222"
)

// loginConfig is the configuration before the sign-in, with
// comments and spacing that `stscred login` must leave as they are.
const loginConfig = `# alice signs in with stscred login: no access key anywhere
[profile alice]
region = eu-west-1

# roles use alice as their source
[profile prod-admin]
source_profile = alice
role_arn       = ` + adminRole + `
duration_seconds = 3600

[profile alice-tools]   ; what tools use for alice herself
credential_process = stscred session alice
region = eu-west-1

[profile prod]
credential_process = stscred role prod-admin
region = eu-west-1
`

// loginWorld is a world whose root credentials come from AWS Sign-In.
type loginWorld struct {
	*world
	signin    *signintest.Server
	signinURL string
	// browser is the stand-in browser (also $BROWSER): it records what it
	// was given and where stscred's one-time link sent it, then follows
	// it with curl (to the stand-in's /v1/authorize, and back to
	// stscred's listener).
	browser, openedFile string
	extra               []string // added to every command's environment
	// planted are the files a test put under HOME on purpose (the AWS
	// CLI's plaintext cache file): the scan for secrets skips them, and
	// only they may be under ~/.aws/login/cache.
	planted map[string]bool
	// proofKeys are the DPoP private keys (PEM) seen: in the keystore
	// after each sign-in, or written into a planted file.
	proofKeys []string
	// storedOnce is set when the keystore was seen holding a session.
	storedOnce bool

	transcript // every command's output, to check no secret is shown
}

func (w *loginWorld) base() *world { return w.world }

// newLoginWorld makes a login world on backend ("secret-service" or
// "file") with the stand-in's options (STS is the world's server).
func newLoginWorld(t *testing.T, backend string, so signintest.Options) *loginWorld {
	t.Helper()
	w := &loginWorld{world: newWorldOn(t, backend, ststest.Options{}), planted: map[string]bool{}}
	so.STS = w.srv
	w.signin = signintest.New(so)
	w.signinURL = w.signin.Start()
	t.Cleanup(w.signin.Close)
	if id := w.signin.AddUser(w.alice); id.ARN != loginARN {
		t.Fatalf("alice signs in as %s, want %s", id.ARN, loginARN)
	}
	curl := requireTool(t, "curl", "curl")
	dir := t.TempDir() // outside HOME and TMPDIR: the scanned places
	w.browser, w.openedFile = filepath.Join(dir, "browser"), filepath.Join(dir, "opened")
	script := "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + w.openedFile + ".raw'\n" +
		"target=\"$1\"\ncase \"$1\" in *http://127.0.0.1:*/stscred/open*) target=$('" + curl + "' -sS -o /dev/null -w '%{redirect_url}' --max-time 60 \"$1\") ;; esac\n" +
		"printf '%s\\n' \"$target\" >> '" + w.openedFile + "'\n" +
		"'" + curl + "' -sS -L -o /dev/null --max-time 60 \"$target\"\nexit 0\n"
	if err := os.WriteFile(w.browser, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	w.writeConfig(loginConfig)
	// After every test: no sign-in secret in any file or output.
	t.Cleanup(w.assertLoginClean)
	return w
}

// forLoginBackends runs a test once per keystore backend.
func forLoginBackends(t *testing.T, so signintest.Options, test func(t *testing.T, w *loginWorld)) {
	for _, b := range []string{"secret-service", "file"} {
		t.Run(b, func(t *testing.T) { test(t, newLoginWorld(t, b, so)) })
	}
}

// lenv is the world's environment: the Sign-In endpoint at the stand-in,
// $BROWSER the stand-in browser.
func (w *loginWorld) lenv(extra ...string) []string {
	env := append([]string{"AWS_ENDPOINT_URL_SIGNIN=" + w.signinURL, "BROWSER=" + w.browser}, w.extra...)
	return w.world.env(append(env, extra...)...)
}

// exec runs a program in the world and keeps its output.
func (w *loginWorld) exec(extra []string, name string, args ...string) result {
	w.t.Helper()
	return w.keep(w.run("", w.lenv(extra...), name, args...))
}

func (w *loginWorld) sc(args ...string) result {
	w.t.Helper()
	return w.exec(nil, w.bin, args...)
}

// opened is every URL the stand-in browser was sent to; what it was given
// on its command line must each time be stscred's one-time link.
func (w *loginWorld) opened() []string {
	w.t.Helper()
	read := func(path string) []string {
		b, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			w.t.Fatal(err)
		}
		return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	for _, given := range read(w.openedFile + ".raw") {
		if !strings.HasPrefix(given, "http://127.0.0.1:") || !strings.HasSuffix(given, "/stscred/open") {
			w.t.Fatalf("the browser was given %q on its command line, not a one-time link", given)
		}
	}
	return read(w.openedFile)
}

// config is the AWS config file as it is now.
func (w *loginWorld) config() string {
	w.t.Helper()
	b, err := os.ReadFile(w.cfg)
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}

// login signs alice in with the stand-in browser and checks the contract
// of a successful login: nothing on stdout, who and until when on stderr,
// the browser opened once, the session in the keystore.
func (w *loginWorld) login(args ...string) result {
	w.t.Helper()
	before := len(w.opened())
	res := w.sc(append([]string{"login", loginProfile, "--browser", w.browser}, args...)...)
	if res.code != 0 {
		w.t.Fatalf("stscred login alice: %s", res)
	}
	if res.stdout != "" {
		w.t.Fatalf("login printed on stdout: %q", res.stdout)
	}
	if !strings.Contains(res.stderr, "stscred: signed in profile alice as "+loginARN+" until ") {
		w.t.Fatalf("login does not say who signed in until when: %s", res.stderr)
	}
	if n := len(w.opened()); n != before+1 {
		w.t.Fatalf("the browser was opened %d times by one login", n-before)
	}
	if _, ok := w.storedSession(); !ok {
		w.t.Fatalf("after the login the keystore has no session for alice")
	}
	return res
}

// storedLogin is the keystore's entry of alice's session (package
// signin's JSON).
type storedLogin struct {
	ARN          string    `json:"arn"`
	Region       string    `json:"region"`
	Endpoint     string    `json:"endpoint"`
	ClientID     string    `json:"clientId"`
	RefreshToken string    `json:"refreshToken"`
	DPoPKey      string    `json:"dpopKey"`
	Ends         time.Time `json:"ends"`
}

// storedSession reads alice's session from the keystore: with secret-tool
// for the Secret Service (a client independent of stscred), with the
// keystore package for the file backend. Its proof key is remembered for
// the scan for secrets.
func (w *loginWorld) storedSession() (storedLogin, bool) {
	w.t.Helper()
	name := signin.StoreName(loginARN)
	var raw string
	if w.backend == "file" {
		s, err := w.fileStore().Get(name)
		if err != nil {
			return storedLogin{}, false
		}
		raw = s
	} else {
		out, err := exec.Command("secret-tool", "lookup", "service", w.service, "username", name).Output()
		if err != nil || len(out) == 0 {
			return storedLogin{}, false
		}
		raw = string(out)
	}
	var e storedLogin
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		w.t.Fatalf("the keystore's entry %s is not the session's JSON: %v", name, err)
	}
	if e.RefreshToken == "" || e.DPoPKey == "" {
		w.t.Fatalf("the keystore's entry %s lacks the refresh token or the proof key", name)
	}
	w.rememberKey(e.DPoPKey)
	w.storedOnce = true
	return e, true
}

func (w *loginWorld) rememberKey(pemKey string) {
	w.world.mu.Lock()
	defer w.world.mu.Unlock()
	if !slices.Contains(w.proofKeys, pemKey) {
		w.proofKeys = append(w.proofKeys, pemKey)
	}
}

// keyNeedles are the forms a proof key could be found in: each base64
// line of its PEM (in a JSON string the lines are apart), its DER in one
// line, and its private scalar in hex and base64url (a JWK's d).
func keyNeedles(t *testing.T, pemKey string) []string {
	t.Helper()
	block, _ := pem.Decode([]byte(pemKey))
	if block == nil {
		t.Fatalf("a proof key is not PEM")
	}
	key, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("a proof key: %v", err)
	}
	var out []string
	for _, line := range strings.Split(pemKey, "\n") {
		if len(line) >= 24 && !strings.HasPrefix(line, "-----") {
			out = append(out, line)
		}
	}
	d := key.D.FillBytes(make([]byte, 32))
	return append(out, base64.StdEncoding.EncodeToString(block.Bytes), hex.EncodeToString(d), base64.RawURLEncoding.EncodeToString(d))
}

// thumbprint is a proof key's RFC 7638 thumbprint, as the stand-in logs it.
func thumbprint(t *testing.T, key *ecdsa.PrivateKey) string {
	t.Helper()
	x := key.PublicKey.X.FillBytes(make([]byte, 32))
	y := key.PublicKey.Y.FillBytes(make([]byte, 32))
	canon := fmt.Sprintf(`{"crv":"P-256","kty":"EC","x":"%s","y":"%s"}`, base64.RawURLEncoding.EncodeToString(x), base64.RawURLEncoding.EncodeToString(y))
	sum := sha256.Sum256([]byte(canon))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// loginSecrets are the secrets of the sign-in itself (authorization
// codes, refresh tokens, ID tokens, proof keys), which no command may
// show, and the login session's credentials' secrets, which only stdout
// of a credential command may.
func (w *loginWorld) loginSecrets() (signIn, sessionCreds []string) {
	w.t.Helper()
	for _, s := range w.srv.Sessions() {
		if s.Action == "CreateOAuth2Token" {
			sessionCreds = append(sessionCreds, s.SecretAccessKey, s.SessionToken)
		}
	}
	for _, s := range w.signin.Secrets() {
		if !slices.Contains(sessionCreds, s) {
			signIn = append(signIn, s)
		}
	}
	w.world.mu.Lock()
	keys := slices.Clone(w.proofKeys)
	w.world.mu.Unlock()
	for _, k := range keys {
		signIn = append(signIn, keyNeedles(w.t, k)...)
	}
	return signIn, sessionCreds
}

// assertLoginClean is the check after every test: no sign-in secret on
// any stream; no credential secret on stderr; none of them, nor any STS
// secret, in a file under HOME or TMPDIR (but those planted on purpose);
// nothing under ~/.aws/login/cache but what the test planted.
func (w *loginWorld) assertLoginClean() {
	t := w.t
	t.Helper()
	w.storedSession() // its proof key, if the session is still stored
	signIn, sessionCreds := w.loginSecrets()
	for _, rt := range w.signin.RefreshTokens() {
		if rt.Token == "" || !slices.Contains(signIn, rt.Token) {
			t.Errorf("the stand-in's Secrets lack a refresh token: the scan is incomplete")
		}
	}
	if w.storedOnce && len(w.proofKeys) == 0 {
		t.Errorf("a session was stored but no proof key was seen: the scan is incomplete")
	}
	credSecrets := append(slices.Clone(sessionCreds), w.secrets()...)
	for _, r := range w.kept() {
		if slices.ContainsFunc(signIn, func(s string) bool {
			return len(s) >= 16 && (strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s))
		}) {
			t.Errorf("a sign-in secret is in a command's output:\n%s", r)
		}
		if slices.ContainsFunc(credSecrets, func(s string) bool { return s != "" && strings.Contains(r.stderr, s) }) {
			t.Errorf("a credential secret is on stderr:\n%s", r)
		}
	}
	needles := append(append(signIn, sessionCreds...), w.secrets()...)
	for _, path := range w.filesHolding([]string{w.home, w.tmp}, needles, "the scan looked in the wrong place") {
		if !w.planted[path] {
			t.Errorf("%s holds a token, key or secret in the clear", path)
		}
	}
	cacheDir := filepath.Join(w.home, ".aws", "login", "cache")
	des, _ := os.ReadDir(cacheDir)
	for _, de := range des {
		if p := filepath.Join(cacheDir, de.Name()); !w.planted[p] {
			t.Errorf("%s: nothing but the AWS CLI's own files may be under ~/.aws/login/cache", p)
		}
	}
}

// Counts at the stand-in.
func (w *loginWorld) refreshes() int {
	return w.signin.Calls(signintest.GrantOp(signintest.GrantRefreshToken))
}
func (w *loginWorld) codeGrants() int {
	return w.signin.Calls(signintest.GrantOp(signintest.GrantAuthorizationCode))
}
func (w *loginWorld) tokenCalls() int { return w.signin.Calls(signintest.OpCreateOAuth2Token) }
func (w *loginWorld) authorizePages() int {
	return w.signin.Calls(signintest.OpAuthorize)
}

// loginCreds are the credentials STS issued for sign-ins, oldest first.
func (w *loginWorld) loginCreds() []ststest.Session {
	var out []ststest.Session
	for _, s := range w.srv.Sessions() {
		if s.Action == "CreateOAuth2Token" {
			out = append(out, s)
		}
	}
	return out
}

// waitCredsExpired waits until the newest login credentials are past
// their expiry by the clock (stscred's and the servers' alike): the next
// credential call must renew.
func (w *loginWorld) waitCredsExpired() {
	w.t.Helper()
	lc := w.loginCreds()
	if len(lc) == 0 {
		w.t.Fatal("no login credentials to wait for")
	}
	exp := lc[len(lc)-1].Expiration
	w.waitFor("the login credentials to expire", func() bool { return time.Now().After(exp) })
}

// assertNeedsLogin checks the failure of a credential call without a
// usable sign-in: non-zero exit, nothing on stdout, the error and the
// hint naming `stscred login alice`, no browser opened.
func (w *loginWorld) assertNeedsLogin(res result, browserBefore int) {
	w.t.Helper()
	if res.code == 0 || res.stdout != "" {
		w.t.Fatalf("want a failure with empty stdout: %s", res)
	}
	if !strings.HasPrefix(res.stderr, "stscred: error: ") || !strings.Contains(res.stderr, "stscred: hint: run: "+loginHint) {
		w.t.Fatalf("stderr lacks the error and the login hint: %s", res.stderr)
	}
	if n := len(w.opened()); n != browserBefore {
		w.t.Fatalf("a credential call opened the browser (%d times): %q", n-browserBefore, w.opened())
	}
}

// remoteLogin runs `stscred login alice --remote` and plays the user on
// another device: it waits for the URL on stderr, GETs it as a browser
// (the stand-in approves and redirects to its confirmation page), reads
// the code the page shows, and types it on stscred's stdin (not a
// terminal). It returns the result and the URL.
func (w *loginWorld) remoteLogin(pasteCode func(code string) string) (result, string) {
	t := w.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.bin, "login", loginProfile, "--remote")
	cmd.Env, cmd.Dir, cmd.SysProcAttr = w.lenv(), w.home, noTTY()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(errPipe)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			stderr.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), w.signinURL+"/v1/authorize?") {
				urls <- sc.Text()
			}
		}
		_, _ = io.Copy(&stderr, errPipe)
	}()
	finish := func() result {
		<-done
		err := cmd.Wait()
		res := result{stdout: stdout.String(), stderr: stderr.String()}
		if ee, ok := err.(*exec.ExitError); ok {
			res.code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("stscred login --remote: %v", err)
		}
		w.world.mu.Lock()
		w.outputs = append(w.outputs, res.stdout)
		w.world.mu.Unlock()
		return w.keep(res)
	}
	var authorize string
	select {
	case authorize = <-urls:
	case <-done:
		t.Fatalf("stscred login --remote printed no URL: %s", finish())
	case <-ctx.Done():
		t.Fatal("stscred login --remote printed no URL within 2 minutes")
	}
	// The user's other device: the URL, the sign-in, the confirmation page.
	resp, err := http.Get(authorize)
	if err != nil {
		t.Fatalf("the browser on the other device: %v", err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.String(), w.signinURL+signintest.ConfirmationPath+"?") {
		t.Fatalf("the sign-in ended at %s with %s, not the confirmation page", resp.Request.URL, resp.Status)
	}
	code, ok := signintest.ConfirmationCode(string(page))
	if !ok {
		t.Fatalf("the confirmation page shows no code:\n%s", page)
	}
	if _, err := io.WriteString(stdin, pasteCode(code)+"\n"); err != nil {
		t.Fatal(err)
	}
	stdin.Close()
	return finish(), authorize
}

// checkAuthorizeURL checks a sign-in URL: the stand-in's /v1/authorize,
// the client and its redirect, PKCE with SHA-256, a state, the openid
// scope; and no secret (a challenge, never the verifier).
func (w *loginWorld) checkAuthorizeURL(raw, clientID string) {
	w.t.Helper()
	u, err := url.Parse(raw)
	if err != nil || !strings.HasPrefix(raw, w.signinURL+"/v1/authorize?") {
		w.t.Fatalf("the sign-in URL %q is not %s/v1/authorize", raw, w.signinURL)
	}
	q := u.Query()
	if q.Get("client_id") != clientID || q.Get("response_type") != "code" || q.Get("scope") != "openid" ||
		q.Get("code_challenge_method") != "SHA-256" || len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 32 {
		w.t.Fatalf("sign-in URL %q: want client %s, code, openid, a SHA-256 challenge and a state", raw, clientID)
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch clientID {
	case signintest.ClientSameDevice:
		if err != nil || redirect.Scheme != "http" || redirect.Hostname() != "127.0.0.1" || redirect.Path != "/oauth/callback" {
			w.t.Fatalf("redirect_uri %q is not a loopback /oauth/callback", q.Get("redirect_uri"))
		}
	case signintest.ClientCrossDevice:
		if q.Get("redirect_uri") != w.signinURL+signintest.ConfirmationPath {
			w.t.Fatalf("redirect_uri %q is not the confirmation page", q.Get("redirect_uri"))
		}
	}
	if q.Has("code_verifier") || q.Has("code") {
		w.t.Fatalf("the sign-in URL %q carries a secret", raw)
	}
}

// base64Std decodes standard, padded base64 (the confirmation page's code).
func base64Std(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	return string(b), err
}

// startLoginShell is an interactive shell of the world on a pty, the
// hook loaded, with stscred on PATH through the counting stand-in (as
// startSSOShell).
func startLoginShell(t *testing.T, w *loginWorld, sc shellCase) *ssoShell {
	t.Helper()
	requireTool(t, sc.argv[0], sc.argv[0])
	dir, log := standIn(t, w.world)
	env := w.lenv("PS1=PROMPT> ", "PROMPT=PROMPT> ", "TERM=dumb")
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			env[i] = "PATH=" + dir + ":" + strings.TrimPrefix(kv, "PATH=")
		}
	}
	s := &ssoShell{t: t, sh: startPTY(t, env, sc.argv[0], sc.argv[1:]...), sc: sc, log: log}
	// What the terminal showed is checked for secrets after the test
	// (this cleanup runs before that check); a FIFO a shell left would
	// block the scan of every file.
	t.Cleanup(func() {
		w.keep(result{stdout: s.sh.output()})
		for _, dir := range []string{w.home, w.tmp} {
			filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err == nil && d.Type()&(fs.ModeNamedPipe|fs.ModeSocket) != 0 {
					os.Remove(path)
				}
				return nil
			})
		}
	})
	s.sh.expect("PROMPT> ", 1)
	s.sh.say(sc.init)
	return s
}

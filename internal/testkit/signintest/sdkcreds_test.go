package signintest_test

// The Go SDK's own provider for `aws login` sessions,
// credentials/logincreds (New(client, path)) with a service/signin client
// pointed at the stand-in, unchanged: a session the stand-in issued,
// written in the AWS CLI's file format, must refresh through it (its DPoP
// proof, its request, our answer and error documents as it decodes them),
// and so through config.LoadDefaultConfig with a login_session profile and
// AWS_ENDPOINT_URL_SIGNIN.

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/logincreds"
	"github.com/aws/aws-sdk-go-v2/service/signin"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stscred/stscred/internal/testkit/signintest"
)

// writeCache writes a session as the AWS CLI does, with its credentials
// already expired so that the provider renews them, and returns the path.
func writeCache(t *testing.T, dir string, l signintest.Login) string {
	t.Helper()
	l.Expires = time.Now().Add(-time.Minute)
	b, err := l.CacheFile()
	if err != nil {
		t.Fatal(err)
	}
	path := signintest.CachePath(dir, l.LoginSession)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// expire marks the credentials in a cache file as expired, as time would.
func expire(t *testing.T, path string) {
	t.Helper()
	var doc map[string]any
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	doc["accessToken"].(map[string]any)["expiresAt"] = time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	if b, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func (w *world) signinClient() *signin.Client {
	return signin.New(signin.Options{Region: "eu-west-1", BaseEndpoint: aws.String(w.url), Retryer: aws.NopRetryer{}})
}

func (w *world) callerOf(t *testing.T, c aws.Credentials) string {
	t.Helper()
	client := sts.New(sts.Options{Region: "eu-west-1", BaseEndpoint: aws.String(w.stsURL), Retryer: aws.NopRetryer{},
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return c, nil })})
	id, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(id.Arn)
}

func TestLogincredsRefreshes(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	l, err := w.srv.SignIn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	path := writeCache(t, dir, l)
	p := logincreds.New(w.signinClient(), path)

	c, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID == l.AccessKeyID || !strings.HasPrefix(c.AccessKeyID, "ASIA") || c.AccountID != l.AccountID || !c.CanExpire ||
		c.Expires.Before(time.Now().Add(14*time.Minute)) {
		t.Errorf("credentials %+v", c)
	}
	if arn := w.callerOf(t, c); arn != w.alice.ARN() {
		t.Errorf("caller %s", arn)
	}
	// The file now holds the rotated refresh token, and the same key.
	b, _ := os.ReadFile(path)
	var doc struct {
		RefreshToken string `json:"refreshToken"`
		DPoPKey      string `json:"dpopKey"`
	}
	_ = json.Unmarshal(b, &doc)
	rts := w.srv.RefreshTokens()
	if doc.RefreshToken != rts[len(rts)-1].Token || doc.RefreshToken == l.RefreshToken || !strings.HasPrefix(doc.DPoPKey, "-----BEGIN EC PRIVATE KEY-----") {
		t.Errorf("file after renewal: %s", b)
	}
	// Fresh credentials come from the file.
	if again, err := p.Retrieve(context.Background()); err != nil || again.AccessKeyID != c.AccessKeyID {
		t.Errorf("second retrieve: %v %v", again.AccessKeyID, err)
	}
	// Expired again: renewed again with the rotated token.
	expire(t, path)
	c2, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c2.AccessKeyID == c.AccessKeyID {
		t.Error("not renewed")
	}
	if s := w.srv.Sessions()[0]; s.Renewals != 2 {
		t.Errorf("session %+v", s)
	}
	r := w.srv.Requests()
	if last := r[len(r)-1]; last.GrantType != "refresh_token" || last.ClientID != signintest.ClientSameDevice || last.Status != 200 {
		t.Errorf("logged %+v", last)
	}
}

// TestLogincredsErrors: the SDK decodes the stand-in's error documents as
// the service's: AccessDeniedException with its error code, which
// logincreds words; ValidationException; throttling.
func TestLogincredsErrors(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	refresh := func(l signintest.Login) error {
		t.Helper()
		_, err := logincreds.New(w.signinClient(), writeCache(t, dir, l)).Retrieve(context.Background())
		return err
	}
	signIn := func() signintest.Login {
		t.Helper()
		l, err := w.srv.SignIn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return l
	}

	l := signIn()
	if err := w.srv.ChangePassword(w.alice.ARN()); err != nil {
		t.Fatal(err)
	}
	if err := refresh(l); err == nil || !strings.Contains(err.Error(), "login session password has changed") {
		t.Errorf("password changed: %v", err)
	}

	l = signIn()
	w.srv.EndSessions()
	if err := refresh(l); err == nil || !strings.Contains(err.Error(), "login session has expired") {
		t.Errorf("session over: %v", err)
	}

	l = signIn()
	if err := w.srv.SetPermission(w.alice.ARN(), false); err != nil {
		t.Fatal(err)
	}
	if err := refresh(l); err == nil || !strings.Contains(err.Error(), "insufficient permissions") {
		t.Errorf("no permission: %v", err)
	}
	if err := w.srv.SetPermission(w.alice.ARN(), true); err != nil {
		t.Fatal(err)
	}

	l = signIn()
	w.srv.RevokeSessions(w.alice.ARN())
	if err := refresh(l); err == nil || !strings.Contains(err.Error(), "ValidationException: The provided authorization grant is invalid, expired, revoked, or malformed") {
		t.Errorf("revoked: %v", err)
	}

	l = signIn()
	for _, code := range signintest.FaultCodes {
		if err := w.srv.Fail(signintest.GrantOp(signintest.GrantRefreshToken), code, 1); err != nil {
			t.Fatal(err)
		}
		if err := refresh(l); err == nil || !strings.Contains(err.Error(), code) {
			t.Errorf("%s: %v", code, err)
		}
	}
	if err := refresh(l); err != nil {
		t.Errorf("after the faults: %v", err)
	}
}

// TestLogincredsShortCoordinates: the Go SDK's signer sends x or y without
// leading zero bytes (one key in 128). The stand-in takes it by default,
// as AWS is not known to refuse it, and refuses it with StrictJWK.
func TestLogincredsShortCoordinates(t *testing.T) {
	key := shortKey(t)
	for _, strict := range []bool{false, true} {
		w := newWorld(t, func(o *signintest.Options) { o.StrictJWK = strict })
		l, err := w.srv.SignInWithKey(context.Background(), key) // padded by go-jose
		if err != nil {
			t.Fatal(err)
		}
		_, err = logincreds.New(w.signinClient(), writeCache(t, t.TempDir(), l)).Retrieve(context.Background())
		if strict && (err == nil || !strings.Contains(err.Error(), "ValidationException")) {
			t.Errorf("strict: %v", err)
		}
		if !strict && err != nil {
			t.Errorf("lenient: %v", err)
		}
	}
}

// TestLoadDefaultConfig: a login_session profile, the AWS CLI's cache
// file and AWS_ENDPOINT_URL_SIGNIN are all the Go SDK needs.
func TestLoadDefaultConfig(t *testing.T) {
	w := newWorld(t)
	l, err := w.srv.SignIn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "config")
	if err := os.WriteFile(cfgFile, []byte("[profile alice]\nlogin_session = "+l.LoginSession+"\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	writeCache(t, dir, l)
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_LOGIN_CACHE_DIRECTORY", dir)
	t.Setenv("AWS_ENDPOINT_URL_SIGNIN", w.url)
	t.Setenv("AWS_ENDPOINT_URL_STS", w.stsURL)
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithSharedConfigProfile("alice"))
	if err != nil {
		t.Fatal(err)
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != w.alice.ARN() || w.srv.Successes(signintest.GrantOp(signintest.GrantRefreshToken)) != 1 {
		t.Errorf("caller %s, renewals %d", aws.ToString(id.Arn), w.srv.Successes(signintest.GrantOp(signintest.GrantRefreshToken)))
	}
}

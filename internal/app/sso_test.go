package app_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/keystore"
)

// ssoLive is a live env with an IAM Identity Center stand-in (on the
// same clock and STS) at AWS_ENDPOINT_URL_SSO(_OIDC), and the config's
// session corp.
func ssoLive(t *testing.T) (*live, *ssotest.Server, identitycenter.Session) {
	t.Helper()
	l := newLive(t, ssoExportConfig)
	srv := ssotest.New(ssotest.Options{STS: l.srv, Region: "eu-west-1", StartURL: "https://d-1234567890.awsapps.com/start", Now: l.clock.Now})
	url := srv.Start()
	t.Cleanup(srv.Close)
	srv.AddUser("alice")
	srv.AddAccount(ssotest.Account{ID: "333333333333", Name: "dev", Email: "dev@example.com"})
	srv.Assign(ssotest.Assignment{User: "alice", AccountID: "333333333333", RoleName: "ReadOnly"})
	l.vars["AWS_ENDPOINT_URL_SSO"] = url
	l.vars["AWS_ENDPOINT_URL_SSO_OIDC"] = url
	sess, _, err := app.SSOSession(l.services(), "corp")
	if err != nil {
		t.Fatal(err)
	}
	return l, srv, sess
}

// signIn signs in to sess as stscred sso login would, the stand-in's
// browser approving at once, the token kept in the test's keystore.
func signIn(t *testing.T, l *live, srv *ssotest.Server, sess identitycenter.Session) {
	t.Helper()
	c := &identitycenter.Client{
		Store: l.keys, Endpoints: identitycenter.Endpoints{OIDC: srv.URL(), Portal: srv.URL()},
		Now: l.clock.Now, Out: io.Discard,
		Open: func(ctx context.Context, url string) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return errors.New(resp.Status)
			}
			return nil
		},
	}
	if _, err := c.Login(context.Background(), sess, identitycenter.LoginOptions{}); err != nil {
		t.Fatalf("sign-in: %v", err)
	}
}

// putSSOEntries caches a role of the session's and one of alice's.
func putSSOEntries(t *testing.T, l *live, sess identitycenter.Session) {
	t.Helper()
	now := l.clock.Now()
	for _, h := range []cache.Header{
		{Key: "v1:sso:dev", Kind: cache.KindRole, Profile: "dev", Chain: []string{"dev"}, SSOSession: sess.ID()},
		{Key: "v1:role:prod-admin", Kind: cache.KindRole, Profile: "prod-admin", Chain: []string{"prod-admin", "alice"}},
	} {
		if err := l.cache.Put(cache.Entry{Header: h, Creds: creds.Credentials{AccessKeyID: "ASIAX", SecretAccessKey: "s", SessionToken: "t", Expiration: now.Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
	}
}

// cachedProfiles lists the profiles with a cached entry.
func cachedProfiles(t *testing.T, c *cache.Cache) []string {
	t.Helper()
	headers, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range headers {
		out = append(out, h.Profile)
	}
	return out
}

// sso logout ends the sign-in at the portal, forgets its token, drops the
// credentials cached from the session (and no others), and says so on
// stderr.
func TestSSOLogout(t *testing.T) {
	l, srv, sess := ssoLive(t)
	signIn(t, l, srv, sess)
	putSSOEntries(t, l, sess)
	if err := app.SSOLogout(l.p, l.services(), "corp"); err != nil {
		t.Fatalf("logout: %v\n%s", err, l.stderr)
	}
	if l.stderr.String() != "stscred: signed out of corp; removed 1 cached session\n" || l.stdout.String() != "" {
		t.Errorf("stderr %q, stdout %q", l.stderr, l.stdout)
	}
	if srv.Successes(ssotest.OpLogout) != 1 {
		t.Errorf("%d Logout calls", srv.Successes(ssotest.OpLogout))
	}
	if _, err := l.keys.Get("v1:sso-token:" + sess.ID()); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("the token is still stored: %v", err)
	}
	if got := cachedProfiles(t, l.cache); len(got) != 1 || got[0] != "prod-admin" {
		t.Errorf("cached after logout: %v", got)
	}
	for _, s := range srv.Secrets() {
		l.noSecret(s)
	}

	// Again: not signed in, nothing cached: said once, no error.
	l.reset()
	if err := app.SSOLogout(l.p, l.services(), "dev"); err != nil {
		t.Fatal(err)
	}
	if l.stderr.String() != "stscred: not signed in to corp\n" {
		t.Errorf("stderr %q", l.stderr)
	}
	if srv.Successes(ssotest.OpLogout) != 1 {
		t.Error("the portal was asked again")
	}
}

// Not signed in, but credentials from the session still cached: they go.
func TestSSOLogoutDropsCacheWithoutSignIn(t *testing.T) {
	l, _, sess := ssoLive(t)
	putSSOEntries(t, l, sess)
	if err := app.SSOLogout(l.p, l.services(), ""); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(l.stderr.String(), "stscred: signed out of corp; removed 1 cached session\n") {
		t.Errorf("stderr %q", l.stderr)
	}
	if got := cachedProfiles(t, l.cache); len(got) != 1 {
		t.Errorf("cached after logout: %v", got)
	}
}

// The portal cannot be told: the error is returned, and the cached
// credentials are dropped all the same.
func TestSSOLogoutPortalFails(t *testing.T) {
	l, srv, sess := ssoLive(t)
	signIn(t, l, srv, sess)
	putSSOEntries(t, l, sess)
	if err := srv.Fail(ssotest.OpLogout, ssotest.InvalidRequestException, 1); err != nil {
		t.Fatal(err)
	}
	err := app.SSOLogout(l.p, l.services(), "corp")
	if err == nil || !strings.Contains(err.Error(), "IAM Identity Center could not end the sign-in") {
		t.Fatalf("logout: %v", err)
	}
	if !strings.Contains(l.stderr.String(), "stscred: removed 1 cached session\n") {
		t.Errorf("stderr %q", l.stderr)
	}
	if got := cachedProfiles(t, l.cache); len(got) != 1 || got[0] != "prod-admin" {
		t.Errorf("cached after logout: %v", got)
	}
}

// A name that is no session and no SSO profile is an error.
func TestSSOLogoutUnknown(t *testing.T) {
	l, _, _ := ssoLive(t)
	if err := app.SSOLogout(l.p, l.services(), "prod"); err == nil || !strings.Contains(err.Error(), "profile prod does not sign in through IAM Identity Center") {
		t.Errorf("prod: %v", err)
	}
	if err := app.SSOLogout(l.p, l.services(), "nosuch"); err == nil {
		t.Error("nosuch: no error")
	}
}

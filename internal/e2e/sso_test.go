//go:build linux && realworld

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// IAM Identity Center end to end (issue 16): `stscred sso login` completed
// by a stand-in browser, then the AWS CLI, boto3, the Go SDK and the JS
// SDK through credential_process = stscred role dev.

// checkAuthorizeURL checks what the browser was sent to: the authorize
// endpoint, PKCE S256, a loopback redirect, the session's scopes; and no
// secret (there is a challenge, never the verifier).
func checkAuthorizeURL(t *testing.T, w *ssoWorld, raw string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || !strings.HasPrefix(raw, w.ssoURL+"/authorize?") {
		t.Fatalf("the browser was sent to %q, not %s/authorize", raw, w.ssoURL)
	}
	q := u.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme != "http" || redirect.Hostname() != "127.0.0.1" || redirect.Path != "/oauth/callback" {
		t.Fatalf("redirect_uri %q is not a loopback /oauth/callback", q.Get("redirect_uri"))
	}
	if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("client_id") == "" {
		t.Fatalf("authorize URL %q lacks PKCE or state", raw)
	}
	if q.Get("scopes") != "sso:account:access" {
		t.Fatalf("authorize URL %q: scopes %q, want the session's", raw, q.Get("scopes"))
	}
	if q.Has("code_verifier") || q.Has("client_secret") {
		t.Fatalf("authorize URL %q carries a secret", raw)
	}
}

// The story with every consumer, on both keystore backends: one
// sign-in in the browser, then one GetRoleCredentials for all process
// starts, no refresh and no second browser.
func TestSSOConsumers(t *testing.T) {
	forSSOBackends(t, ssotest.Options{}, ststest.Options{}, func(t *testing.T, w *ssoWorld) {
		res := w.login()
		if !strings.Contains(res.stderr, "opening the browser to sign in to corp") {
			t.Fatalf("sso login does not say it opens the browser: %s", res.stderr)
		}
		checkAuthorizeURL(t, w, w.opened()[0])
		if n := w.sso.Successes(ssotest.GrantOp(ssotest.GrantAuthorizationCode)); n != 1 || w.grc() != 0 {
			t.Fatalf("login: %d authorization_code grants, %d GetRoleCredentials", n, w.grc())
		}
		key := runSSOConsumers(t, w, "dev-tools", w.ssoArn(), false)
		rc := w.roleCreds()
		if len(rc) != 1 || rc[0].AccessKeyID != key || rc[0].AccountID != ssoAccount || rc[0].RoleName != ssoRoleName {
			t.Fatalf("role credentials issued %+v; consumers signed with %s", rc, key)
		}
		// stscred itself: the same cached credentials, with the account.
		c := w.decode(w.sc("role", "dev"))
		if c.AccessKeyID != key || c.AccountID != ssoAccount || w.grc() != 1 {
			t.Fatalf("stscred role dev: key %s account %s, %d GetRoleCredentials", c.AccessKeyID, c.AccountID, w.grc())
		}
		if w.refreshes() != 0 || len(w.opened()) != 1 || w.sso.Calls(ssotest.OpAuthorize) != 1 {
			t.Fatalf("%d refreshes, browser opened %d times, %d authorize pages", w.refreshes(), len(w.opened()), w.sso.Calls(ssotest.OpAuthorize))
		}
	})
}

// A role assumed with the SSO profile's credentials (source_profile =
// dev): AssumeRole signed with the Developer role's credentials, the
// result cached for every consumer.
func TestSSOAssumeRoleFromSSOSource(t *testing.T) {
	w := newSSOWorld(t, "secret-service", ssotest.Options{}, ststest.Options{})
	w.login()
	key := runSSOConsumers(t, w, "dev-admin-tools", "arn:aws:sts::"+ssoAccount+":assumed-role/Admin/", true)
	if w.grc() != 1 || w.srv.Calls("AssumeRole") != 1 {
		t.Fatalf("%d GetRoleCredentials, %d AssumeRole for 8 process starts", w.grc(), w.srv.Calls("AssumeRole"))
	}
	rc := w.roleCreds()
	var ar []ststest.Session
	for _, s := range w.srv.Sessions() {
		if s.Action == "AssumeRole" {
			ar = append(ar, s)
		}
	}
	if len(ar) != 1 || ar[0].RoleARN != ssoAdminRole || ar[0].AccessKeyID != key {
		t.Fatalf("AssumeRole sessions %+v; consumers signed with %s", ar, key)
	}
	if k := lastRequestKey(w.world, "AssumeRole"); len(rc) != 1 || k != rc[0].AccessKeyID {
		t.Fatalf("AssumeRole was signed with %q, not the SSO role credentials %+v", k, rc)
	}
	if len(w.opened()) != 1 {
		t.Fatalf("the browser was opened %d times", len(w.opened()))
	}
}

// 32 `stscred role dev` at once after the login: one GetRoleCredentials,
// the same credentials for all.
func TestSSOStormAfterLogin(t *testing.T) {
	forSSOBackends(t, ssotest.Options{}, ststest.Options{}, func(t *testing.T, w *ssoWorld) {
		w.login()
		results := make([]result, stormSize)
		var wg sync.WaitGroup
		for i := range results {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				results[i] = w.exec(nil, w.bin, "role", "dev")
			}(i)
		}
		wg.Wait()
		first := w.decode(results[0])
		for i, res := range results {
			if c := w.decode(res); c != first {
				t.Fatalf("process %d got different credentials", i)
			}
		}
		if n := w.grc(); n != 1 {
			t.Fatalf("storm of %d: %d GetRoleCredentials, want 1", stormSize, n)
		}
		if rc := w.roleCreds(); len(rc) != 1 || rc[0].AccessKeyID != first.AccessKeyID {
			t.Fatalf("issued %+v, handed out %s", rc, first.AccessKeyID)
		}
	})
}

// Parallel `stscred sso login corp` share one flow: one authorize page,
// one code exchange, one browser; all succeed. The user takes their time
// in the browser (BrowserWait), so every login starts before the first
// flow ends.
func TestSSOParallelLogins(t *testing.T) {
	w := newSSOWorld(t, "secret-service", ssotest.Options{}, ststest.Options{})
	if err := w.sso.SetBrowser(ssotest.Browser{Mode: ssotest.BrowserWait}); err != nil {
		t.Fatal(err)
	}
	const n = 4
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = w.sc("sso", "login", "corp") // the browser from $BROWSER
		}(i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	auth, err := w.sso.WaitAuthorization(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The other logins start and queue behind the first: every login has
	// the sign-in's lock file open, the first holding it.
	w.waitFor(fmt.Sprintf("%d logins at the sign-in's lock", n), func() bool { return lockOpeners(w.home) >= n })
	to, err := w.sso.ApproveAuthorization(auth.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Get(to) // the browser follows the redirect
	if err != nil {
		t.Fatalf("following the redirect to stscred's listener: %v", err)
	}
	resp.Body.Close()
	wg.Wait()
	for i, res := range results {
		if res.code != 0 || res.stdout != "" || !strings.Contains(res.stderr, "signed in to corp") {
			t.Fatalf("login %d: %s", i, res)
		}
	}
	if a, c := w.sso.Calls(ssotest.OpAuthorize), w.sso.Calls(ssotest.GrantOp(ssotest.GrantAuthorizationCode)); a != 1 || c != 1 {
		t.Fatalf("%d parallel logins: %d authorize pages, %d code exchanges; want one flow", n, a, c)
	}
	if len(w.opened()) != 1 || w.sso.Calls(ssotest.OpRegisterClient) != 1 {
		t.Fatalf("browser opened %d times, %d registrations", len(w.opened()), w.sso.Calls(ssotest.OpRegisterClient))
	}
	if c := w.decode(w.sc("role", "dev")); c.AccountID != ssoAccount {
		t.Fatalf("after the parallel logins: %+v", c)
	}
}

// `stscred sso accounts corp` lists the accounts and roles of the
// sign-in; --profiles prints config stanzas for them.
func TestSSOAccounts(t *testing.T) {
	w := newSSOWorld(t, "file", ssotest.Options{}, ststest.Options{})
	w.sso.AddAccount(ssotest.Account{ID: "333333333333", Name: "audit", Email: "audit@example.com"})
	w.sso.Assign(ssotest.Assignment{User: ssoUser, AccountID: "333333333333", RoleName: "ReadOnly"})
	w.login()
	res := w.sc("sso", "accounts", "corp")
	if res.code != 0 {
		t.Fatalf("sso accounts: %s", res)
	}
	for _, want := range []string{ssoAccount, "dev", ssoRoleName, "333333333333", "audit", "ReadOnly"} {
		if !strings.Contains(res.stdout, want) {
			t.Fatalf("sso accounts does not list %q:\n%s", want, res.stdout)
		}
	}
	if i, j := strings.Index(res.stdout, "audit"), strings.Index(res.stdout, "dev"); i > j {
		t.Fatalf("accounts are not sorted by name:\n%s", res.stdout)
	}
	res = w.sc("sso", "accounts", "corp", "--profiles")
	if res.code != 0 {
		t.Fatalf("sso accounts --profiles: %s", res)
	}
	for _, want := range []string{"sso_session = corp", "sso_account_id = 333333333333", "sso_role_name = ReadOnly", "sso_account_id = " + ssoAccount} {
		if !strings.Contains(res.stdout, want) {
			t.Fatalf("--profiles lacks %q:\n%s", want, res.stdout)
		}
	}
	if w.sso.Calls(ssotest.OpListAccounts) == 0 || w.sso.Calls(ssotest.OpListAccountRoles) < 2 {
		t.Fatal("the listing did not come from the portal")
	}
}

// lockOpeners is the most processes that have one lock file under dir
// open at once: its holder and the calls waiting for it (they poll it).
func lockOpeners(dir string) int {
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	counts := map[string]int{}
	fdDirs, _ := filepath.Glob("/proc/[0-9]*/fd")
	for _, fdDir := range fdDirs {
		fds, _ := os.ReadDir(fdDir) // a process that ended meanwhile has none
		open := map[string]bool{}
		for _, fd := range fds {
			target, err := os.Readlink(filepath.Join(fdDir, fd.Name()))
			if err == nil && strings.HasPrefix(target, dir+"/") && strings.HasSuffix(target, ".lock") {
				open[target] = true
			}
		}
		for target := range open {
			counts[target]++
		}
	}
	most := 0
	for _, n := range counts {
		most = max(most, n)
	}
	return most
}

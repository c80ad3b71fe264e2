package identitycenter_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/keystore"
)

// portalAccepts asks the portal directly whether it takes a token.
func (w *world) portalAccepts(t *testing.T, token string) bool {
	t.Helper()
	p := sso.New(sso.Options{Region: region, BaseEndpoint: aws.String(w.url), Retryer: aws.NopRetryer{}})
	_, err := p.ListAccounts(context.Background(), &sso.ListAccountsInput{AccessToken: aws.String(token)})
	var ue *ssotypes.UnauthorizedException
	if err != nil && !errors.As(err, &ue) {
		t.Fatal(err)
	}
	return err == nil
}

// The sign-in ended elsewhere (the portal refuses the token, and its
// refresh token): forgotten, and ErrNotSignedIn.
func TestRevokedElsewhere(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.login(t, corp, identitycenter.LoginOptions{})
	p := sso.New(sso.Options{Region: region, BaseEndpoint: aws.String(w.url), Retryer: aws.NopRetryer{}})
	if _, err := p.Logout(ctx, &sso.LogoutInput{AccessToken: aws.String(w.stored(t, corp).AccessToken)}); err != nil {
		t.Fatal(err)
	}
	_, err := w.c.RoleCredentials(ctx, corp, prodID, "ReadOnly")
	wantNotSignedIn(t, err, "the sign-in to corp has ended", "corp")
	if _, err := w.store.Get("v1:sso-token:" + corp.ID()); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("the revoked token is still stored: %v", err)
	}
	w.noSecrets(t, errText(err))
}

// A refusal of a token whose sign-in still lives (the portal's view of
// its expiry differs): renewed once with the refresh token, then the call
// succeeds.
func TestRefusedTokenRenewedOnce(t *testing.T) {
	w := newWorld(t)
	w.login(t, corp, identitycenter.LoginOptions{})
	if err := w.srv.Fail(ssotest.OpGetRoleCredentials, ssotest.UnauthorizedException, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.RoleCredentials(context.Background(), corp, prodID, "ReadOnly"); err != nil {
		t.Fatal(err)
	}
	if r, g := w.srv.Successes(ssotest.GrantOp(ssotest.GrantRefreshToken)), w.srv.Calls(ssotest.OpGetRoleCredentials); r != 1 || g != 2 {
		t.Errorf("%d refreshes and %d GetRoleCredentials calls, want 1 and 2", r, g)
	}
	// Refused again and again: one renewal, then not signed in.
	if err := w.srv.Fail(ssotest.OpGetRoleCredentials, ssotest.UnauthorizedException, 5); err != nil {
		t.Fatal(err)
	}
	_, err := w.c.RoleCredentials(context.Background(), corp, prodID, "ReadOnly")
	wantNotSignedIn(t, err, "has ended", "corp")
	if g := w.srv.Calls(ssotest.OpGetRoleCredentials); g != 4 {
		t.Errorf("%d GetRoleCredentials calls, want 4", g)
	}
}

// The portal refuses the token used while another process has stored a
// new sign-in (while this one waited for the lock): the new token is
// taken, with no refresh.
func TestRefusedTokenReplacedMeanwhile(t *testing.T) {
	w := newWorld(t)
	name := "v1:sso-token:" + corp.ID()
	w.login(t, corp, identitycenter.LoginOptions{})
	old, _ := w.store.Get(name)
	w.login(t, corp, identitycenter.LoginOptions{})
	newer, _ := w.store.Get(name)
	if err := w.store.Set(name, old); err != nil {
		t.Fatal(err)
	}
	lock := w.c.Lock
	w.c.Lock = func(ctx context.Context, name, doing string) (func(), error) {
		if doing == "renewing the refused sign-in to corp" {
			_ = w.store.Set("v1:sso-token:"+corp.ID(), newer) // the other process
		}
		return lock(ctx, name, doing)
	}
	if err := w.srv.Fail(ssotest.OpGetRoleCredentials, ssotest.UnauthorizedException, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.RoleCredentials(context.Background(), corp, prodID, "ReadOnly"); err != nil {
		t.Fatal(err)
	}
	if n := w.srv.Calls(ssotest.GrantOp(ssotest.GrantRefreshToken)); n != 0 {
		t.Errorf("%d refresh calls, want 0", n)
	}
	if got, _ := w.store.Get(name); got != newer {
		t.Error("the other process's sign-in was replaced")
	}
}

func TestRoleNotGiven(t *testing.T) {
	w := newWorld(t)
	w.login(t, corp, identitycenter.LoginOptions{})
	for _, fault := range []string{"", ssotest.ResourceNotFoundException} {
		if fault != "" {
			if err := w.srv.Fail(ssotest.OpGetRoleCredentials, fault, 1); err != nil {
				t.Fatal(err)
			}
		}
		_, err := w.c.RoleCredentials(context.Background(), corp, devID, "AdministratorAccess")
		if err == nil || err.Error() != "IAM Identity Center session corp gives no role AdministratorAccess in account "+devID {
			t.Fatalf("%s: error %v", fault, err)
		}
		h := hint.Of(err)
		if len(h) != 2 || !strings.Contains(h[0], "sso_account_id and sso_role_name") || !strings.Contains(h[1], "stscred sso accounts corp") {
			t.Errorf("hints %q", h)
		}
		if errors.Is(err, identitycenter.ErrNotSignedIn) {
			t.Error("no such role is not a missing sign-in")
		}
	}
	if _, err := w.store.Get("v1:sso-token:" + corp.ID()); err != nil {
		t.Errorf("a refused role dropped the token: %v", err)
	}
}

// Throttling is retried, as the SDK's retryer retries it.
func TestTooManyRequestsRetried(t *testing.T) {
	w := newWorld(t)
	w.login(t, corp, identitycenter.LoginOptions{})
	if err := w.srv.Fail(ssotest.OpGetRoleCredentials, ssotest.TooManyRequestsException, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.RoleCredentials(context.Background(), corp, prodID, "ReadOnly"); err != nil {
		t.Fatal(err)
	}
	if n := w.srv.Calls(ssotest.OpGetRoleCredentials); n != 2 {
		t.Errorf("%d GetRoleCredentials calls, want 2", n)
	}
}

// Every page of both lists, sorted by account name, roles sorted.
func TestAccountsAllPages(t *testing.T) {
	w := newWorld(t)
	var want []string
	for i := range 25 {
		id := fmt.Sprintf("5000000000%02d", i)
		name := fmt.Sprintf("team-%02d", 24-i) // added in reverse name order
		w.srv.AddAccount(ssotest.Account{ID: id, Name: name, Email: name + "@example.com"})
		w.srv.Assign(ssotest.Assignment{User: "alice", AccountID: id, RoleName: "Developer"})
	}
	for i := range 23 {
		role := fmt.Sprintf("Role%02d", 22-i)
		w.srv.Assign(ssotest.Assignment{User: "alice", AccountID: devID, RoleName: role})
		want = append(want, role)
	}
	want = append(want, "ReadOnly")
	slices.Sort(want)
	w.login(t, corp, identitycenter.LoginOptions{})

	accounts, err := w.c.Accounts(context.Background(), corp)
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 27 {
		t.Fatalf("%d accounts, want 27", len(accounts))
	}
	names := make([]string, len(accounts))
	for i, a := range accounts {
		names[i] = a.Name
	}
	if !slices.IsSorted(names) || names[0] != "dev" || names[1] != "prod" || names[2] != "team-00" {
		t.Errorf("accounts in order %q", names)
	}
	if a := accounts[0]; a.ID != devID || a.Email != "dev@example.com" || !slices.Equal(a.Roles, want) {
		t.Errorf("dev: %+v", a)
	}
	if a := accounts[1]; !slices.Equal(a.Roles, []string{"AdministratorAccess", "ReadOnly"}) {
		t.Errorf("prod: %+v", a)
	}
	if la, lr := w.srv.Calls(ssotest.OpListAccounts), w.srv.Calls(ssotest.OpListAccountRoles); la != 2 || lr != 28 {
		t.Errorf("%d ListAccounts and %d ListAccountRoles calls, want 2 and 28", la, lr)
	}
}

// An unreachable portal is said as such, with the endpoint, and is not
// "not signed in".
func TestPortalUnreachable(t *testing.T) {
	w := newWorld(t)
	w.login(t, corp, identitycenter.LoginOptions{})
	w.c.Endpoints.Portal = "http://127.0.0.1:1"
	w.c.Timeout = 5 * time.Second
	_, err := w.c.RoleCredentials(context.Background(), corp, prodID, "ReadOnly")
	var ue *identitycenter.UnreachableError
	if !errors.As(err, &ue) || ue.Endpoint != "http://127.0.0.1:1" || errors.Is(err, identitycenter.ErrNotSignedIn) {
		t.Fatalf("error %v", err)
	}
}

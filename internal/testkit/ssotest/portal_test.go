package ssotest_test

// The portal with the Go SDK's sso client, and the role credentials it
// hands out signing requests to the STS test server.

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

func (w *world) roleCredentials(t *testing.T, token *string, account, role string) aws.Credentials {
	t.Helper()
	out, err := w.portal.GetRoleCredentials(context.Background(), &sso.GetRoleCredentialsInput{
		AccessToken: token, AccountId: aws.String(account), RoleName: aws.String(role),
	})
	if err != nil {
		t.Fatal(err)
	}
	rc := out.RoleCredentials
	return aws.Credentials{
		AccessKeyID: aws.ToString(rc.AccessKeyId), SecretAccessKey: aws.ToString(rc.SecretAccessKey),
		SessionToken: aws.ToString(rc.SessionToken), Expires: time.UnixMilli(rc.Expiration),
	}
}

func TestGetRoleCredentialsSign(t *testing.T) {
	w := newWorld(t)
	_, tok := w.login(t)
	before := time.Now()
	creds := w.roleCredentials(t, tok.AccessToken, prodID, "AdministratorAccess")
	if !strings.HasPrefix(creds.AccessKeyID, "ASIA") || creds.SecretAccessKey == "" || creds.SessionToken == "" {
		t.Fatalf("credentials %+v", creds)
	}
	// The permission set lasts 8 hours, by the STS server's clock.
	if d := creds.Expires.Sub(before); d < 8*time.Hour-time.Minute || d > 8*time.Hour+time.Minute {
		t.Errorf("credentials last %v, want 8h", d)
	}

	roleName := w.adminARN[strings.LastIndex(w.adminARN, "/")+1:]
	if !strings.HasPrefix(w.adminARN, "arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_") || len(roleName) != len("AWSReservedSSO_AdministratorAccess_")+16 {
		t.Errorf("role ARN %s", w.adminARN)
	}
	id, err := w.stsClient(creds).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(id.Arn), "arn:aws:sts::222222222222:assumed-role/"+roleName+"/alice"; got != want {
		t.Errorf("caller %s, want %s", got, want)
	}
	if aws.ToString(id.Account) != prodID || !strings.HasSuffix(aws.ToString(id.UserId), ":alice") {
		t.Errorf("caller %s %s", aws.ToString(id.Account), aws.ToString(id.UserId))
	}

	// The STS server knows the session; the stand-in keeps its secrets.
	var found bool
	for _, s := range w.sts.Sessions() {
		if s.AccessKeyID == creds.AccessKeyID {
			found = s.Action == "GetRoleCredentials" && s.RoleARN == w.adminARN && s.RoleSessionName == "alice"
		}
	}
	if !found {
		t.Errorf("no GetRoleCredentials session for %s in %+v", creds.AccessKeyID, w.sts.Sessions())
	}
	issued := w.srv.IssuedRoleCredentials()
	if len(issued) != 1 || issued[0].SecretAccessKey != creds.SecretAccessKey || issued[0].RoleARN != w.adminARN || issued[0].User != "alice" {
		t.Errorf("issued %+v", issued)
	}
	secrets := w.srv.Secrets()
	for _, s := range []string{creds.SecretAccessKey, creds.SessionToken, aws.ToString(tok.AccessToken), aws.ToString(tok.RefreshToken)} {
		if !contains(secrets, s) {
			t.Errorf("Secrets() lacks %.12s...", s)
		}
	}

	// Role chaining from them is capped at 1 hour.
	w.sts.AddRole(ststest.Role{ARN: "arn:aws:iam::222222222222:role/Deploy", MaxSessionDuration: 12 * time.Hour})
	_, err = w.stsClient(creds).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::222222222222:role/Deploy"), RoleSessionName: aws.String("deploy"), DurationSeconds: aws.Int32(7200),
	})
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	if _, err := w.stsClient(creds).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::222222222222:role/Deploy"), RoleSessionName: aws.String("deploy"),
	}); err != nil {
		t.Fatal(err)
	}
}

func TestGetRoleCredentialsRefusals(t *testing.T) {
	w := newWorld(t)
	_, tok := w.login(t)
	ctx := context.Background()
	get := func(account, role string) error {
		_, err := w.portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
			AccessToken: tok.AccessToken, AccountId: aws.String(account), RoleName: aws.String(role),
		})
		return err
	}
	// Not assigned: bob's account, a role alice lacks in dev, an unknown account.
	wantAPIError(t, get(sandboxID, "ReadOnly"), "ForbiddenException", http.StatusForbidden, "No access")
	wantAPIError(t, get(devID, "AdministratorAccess"), "ForbiddenException", http.StatusForbidden, "No access")
	wantAPIError(t, get("999999999999", "ReadOnly"), "ForbiddenException", http.StatusForbidden, "No access")

	if err := w.srv.Unassign("alice", devID, "ReadOnly"); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, get(devID, "ReadOnly"), "ForbiddenException", http.StatusForbidden, "No access")

	if err := w.srv.Fail(ssotest.OpGetRoleCredentials, ssotest.TooManyRequestsException, 1); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, get(prodID, "ReadOnly"), "TooManyRequestsException", http.StatusTooManyRequests, "")
	if err := get(prodID, "ReadOnly"); err != nil {
		t.Fatal(err)
	}

	if err := w.srv.ExpireAccessToken(aws.ToString(tok.AccessToken)); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, get(prodID, "ReadOnly"), "UnauthorizedException", http.StatusUnauthorized, "Session token not found or invalid")
	if got := w.srv.Calls(ssotest.OpGetRoleCredentials); got != 7 {
		t.Errorf("%d GetRoleCredentials calls, want 7", got)
	}
	if got := w.srv.Successes(ssotest.OpGetRoleCredentials); got != 1 {
		t.Errorf("%d GetRoleCredentials successes, want 1", got)
	}
}

func TestListAccountsAndRoles(t *testing.T) {
	w := newWorld(t)
	_, tok := w.login(t)
	ctx := context.Background()

	var ids []string
	pages := sso.NewListAccountsPaginator(w.portal, &sso.ListAccountsInput{AccessToken: tok.AccessToken, MaxResults: aws.Int32(1)})
	n := 0
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n++
		for _, a := range page.AccountList {
			ids = append(ids, aws.ToString(a.AccountId)+"/"+aws.ToString(a.AccountName)+"/"+aws.ToString(a.EmailAddress))
		}
	}
	if n != 2 || len(ids) != 2 || ids[0] != prodID+"/prod/prod@example.com" || ids[1] != devID+"/dev/dev@example.com" {
		t.Errorf("%d pages: %v", n, ids)
	}

	all, err := w.portal.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: aws.String(prodID)})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.RoleList) != 2 || aws.ToString(all.RoleList[0].RoleName) != "AdministratorAccess" ||
		aws.ToString(all.RoleList[1].RoleName) != "ReadOnly" || aws.ToString(all.RoleList[0].AccountId) != prodID || all.NextToken != nil {
		t.Errorf("roles %+v next %v", all.RoleList, all.NextToken)
	}
	first, err := w.portal.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: aws.String(prodID), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.RoleList) != 1 || first.NextToken == nil {
		t.Fatalf("first page %+v", first)
	}
	// A next token is good only for the list it came from.
	_, err = w.portal.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: aws.String(devID), NextToken: first.NextToken})
	wantAPIError(t, err, "InvalidRequestException", http.StatusBadRequest, "")
	_, err = w.portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: tok.AccessToken, MaxResults: aws.Int32(101)})
	wantAPIError(t, err, "InvalidRequestException", http.StatusBadRequest, "")

	none, err := w.portal.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: aws.String(sandboxID)})
	if err != nil || len(none.RoleList) != 0 {
		t.Errorf("roles in an account alice has nothing in: %v %v", none, err)
	}
	if got := w.srv.Calls(ssotest.OpListAccounts); got != 3 {
		t.Errorf("%d ListAccounts calls, want 3", got)
	}
	if got := w.srv.Calls(ssotest.OpListAccountRoles); got != 4 {
		t.Errorf("%d ListAccountRoles calls, want 4", got)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	w := newWorld(t)
	reg, tok := w.login(t)
	ctx := context.Background()
	// A refreshed token is part of the same sign-in.
	refreshed, err := w.refreshWith(reg, tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	// Another sign-in of the same user stays.
	_, other := w.login(t)

	if _, err := w.portal.Logout(ctx, &sso.LogoutInput{AccessToken: tok.AccessToken}); err != nil {
		t.Fatal(err)
	}
	for _, at := range []*string{tok.AccessToken, refreshed.AccessToken} {
		_, err := w.portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: at})
		wantAPIError(t, err, "UnauthorizedException", http.StatusUnauthorized, "Session token not found or invalid")
	}
	_, err = w.refreshWith(reg, refreshed.RefreshToken)
	wantAPIError(t, err, "InvalidGrantException", http.StatusBadRequest, "Invalid refresh token provided")
	_, err = w.portal.Logout(ctx, &sso.LogoutInput{AccessToken: tok.AccessToken})
	wantAPIError(t, err, "UnauthorizedException", http.StatusUnauthorized, "")
	if _, err := w.portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: other.AccessToken}); err != nil {
		t.Errorf("the other sign-in: %v", err)
	}
	toks := w.srv.Tokens()
	if len(toks) != 3 || toks[0].Live || !toks[0].Revoked || toks[1].Live || !toks[2].Live {
		t.Errorf("tokens after logout %+v", toks)
	}
	if rts := w.srv.RefreshTokens(); rts[1].Live || !rts[1].Revoked {
		t.Errorf("refresh token after logout %+v", rts[1])
	}
}

// The wire format of a portal error, without an SDK in between.
func TestPortalErrorWireFormat(t *testing.T) {
	w := newWorld(t)
	req, _ := http.NewRequest(http.MethodGet, w.url+"/assignment/accounts", nil)
	req.Header.Set("x-amz-sso_bearer_token", "aoaNotAToken")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	decodeBody(t, resp, &body)
	if resp.StatusCode != http.StatusUnauthorized ||
		resp.Header.Get("x-amzn-ErrorType") != "UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/" ||
		body["__type"] != "com.amazonaws.switchboard.portal#UnauthorizedException" || body["message"] != "Session token not found or invalid" {
		t.Errorf("%s %v %v", resp.Status, resp.Header, body)
	}
}

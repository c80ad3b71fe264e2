package ststest_test

// IssueUserSession and IssueLoginRoleSession: what AWS Sign-In hands out
// for `aws login` must sign as the identity that signed in: an IAM user's
// temporary session (not role chaining, with its MFA context) or a
// console-federated identity's role session (role chaining).

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestIssueUserSessionIsTheUser(t *testing.T) {
	w := newWorld(t)
	sess, err := w.srv.IssueUserSession(w.alice.ARN(), 15*time.Minute, true)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Action != "CreateOAuth2Token" || sess.ARN != w.alice.ARN() || sess.UserARN != w.alice.ARN() ||
		sess.RoleARN != "" || !sess.MFA || sess.Chained || !strings.HasPrefix(sess.AccessKeyID, "ASIA") {
		t.Errorf("session %+v", sess)
	}
	if got := sess.Expiration.Sub(sess.Issued); got < 15*time.Minute-time.Second || got > 15*time.Minute {
		t.Errorf("lifetime %v, want 15m", got)
	}
	c := w.with(stsCreds{sess.AccessKeyID, sess.SecretAccessKey, sess.SessionToken})
	id, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != w.alice.ARN() || aws.ToString(id.UserId) != w.alice.ID() || aws.ToString(id.Account) != userAccount {
		t.Errorf("identity %s %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId), aws.ToString(id.Account))
	}

	// AssumeRole with it is not role chaining and carries the MFA context:
	// Admin requires MFA and is assumed without a code.
	out, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(adminARN), RoleSessionName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	all := w.srv.Sessions()
	last := all[len(all)-1]
	if last.AccessKeyID != aws.ToString(out.Credentials.AccessKeyId) || last.Chained || !last.MFA || last.UserARN != w.alice.ARN() {
		t.Errorf("role session %+v", last)
	}
	// Like any AssumeRole signed with temporary credentials, at most 1 hour.
	_, err = c.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String(adminARN), RoleSessionName: aws.String("alice"), DurationSeconds: aws.Int32(7200),
	})
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "")

	// Temporary credentials: no GetSessionToken, no GetFederationToken.
	_, err = c.GetSessionToken(context.Background(), &sts.GetSessionTokenInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "Cannot call GetSessionToken with session credentials")
	_, err = c.GetFederationToken(context.Background(), &sts.GetFederationTokenInput{Name: aws.String("alice")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "Cannot call GetFederationToken with session credentials")

	// IAM takes it with MFA context, as it takes an MFA GetSessionToken session.
	if _, err := w.iam(stsCreds{sess.AccessKeyID, sess.SecretAccessKey, sess.SessionToken}).GetUser(context.Background(), nil); err != nil {
		t.Errorf("IAM GetUser with an MFA login session: %v", err)
	}
}

func TestIssueUserSessionWithoutMFA(t *testing.T) {
	w := newWorld(t)
	sess, err := w.srv.IssueUserSession(w.alice.ARN(), 15*time.Minute, false)
	if err != nil {
		t.Fatal(err)
	}
	creds := stsCreds{sess.AccessKeyID, sess.SecretAccessKey, sess.SessionToken}
	c := w.with(creds)
	_, err = c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(adminARN), RoleSessionName: aws.String("alice")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "")
	if _, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(readOnlyARN), RoleSessionName: aws.String("alice")}); err != nil {
		t.Errorf("ReadOnly (no MFA required): %v", err)
	}
	if _, err := w.iam(creds).GetUser(context.Background(), nil); err == nil {
		t.Error("IAM GetUser with a login session without MFA succeeded")
	}
	if err := w.srv.ExpireSession(sess.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "ExpiredToken", http.StatusBadRequest, "The security token included in the request is expired")
}

func TestIssueLoginRoleSessionChains(t *testing.T) {
	w := newWorld(t)
	const role = "arn:aws:iam::222222222222:role/Federated"
	sess, err := w.srv.IssueLoginRoleSession(role, "alice@example.com", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	const wantARN = "arn:aws:sts::222222222222:assumed-role/Federated/alice@example.com"
	if sess.Action != "CreateOAuth2Token" || sess.ARN != wantARN || sess.UserARN != "" || sess.RoleARN != role || sess.MFA {
		t.Errorf("session %+v", sess)
	}
	c := w.with(stsCreds{sess.AccessKeyID, sess.SecretAccessKey, sess.SessionToken})
	id, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != wantARN || !strings.HasPrefix(aws.ToString(id.UserId), "AROA") || !strings.HasSuffix(aws.ToString(id.UserId), ":alice@example.com") {
		t.Errorf("identity %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId))
	}
	if _, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(readOnlyARN), RoleSessionName: aws.String("chain")}); err != nil {
		t.Fatal(err)
	}
	all := w.srv.Sessions()
	if last := all[len(all)-1]; !last.Chained || last.MFA {
		t.Errorf("chained session %+v", last)
	}
	// A role session carries no MFA context: Admin is refused.
	_, err = c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(adminARN), RoleSessionName: aws.String("chain")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "")
}

func TestIssueLoginSessionsRefuseBadInput(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		arn string
		d   time.Duration
	}{
		{"arn:aws:iam::111111111111:user/nobody", 15 * time.Minute},
		{w.alice.ARN(), 0},
		{w.alice.ARN(), 37 * time.Hour},
	} {
		if _, err := w.srv.IssueUserSession(tc.arn, tc.d, true); err == nil {
			t.Errorf("IssueUserSession(%q, %v) succeeded", tc.arn, tc.d)
		}
	}
	if _, err := w.srv.IssueLoginRoleSession("arn:aws:iam::2222:role/X", "alice", time.Hour); err == nil {
		t.Error("IssueLoginRoleSession with a bad role ARN succeeded")
	}
	if _, err := w.srv.IssueLoginRoleSession(readOnlyARN, "alice", 2*time.Hour); err == nil {
		t.Error("IssueLoginRoleSession beyond the role's maximum succeeded")
	}
}

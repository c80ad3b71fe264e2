package ststest_test

// IssueRoleSession: credentials another service (IAM Identity Center) hands
// out must sign like role sessions, chain like them, and never be taken for
// an IAM user's.

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

const ssoRoleARN = "arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef"

func TestIssueRoleSessionSigns(t *testing.T) {
	w := newWorld(t)
	sess, err := w.srv.IssueRoleSession(ssoRoleARN, "alice@example.com", 8*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Action != "GetRoleCredentials" || sess.UserARN != "" || sess.RoleARN != ssoRoleARN || sess.Chained || sess.MFA {
		t.Errorf("session %+v", sess)
	}
	if !strings.HasPrefix(sess.AccessKeyID, "ASIA") || sess.SecretAccessKey == "" || sess.SessionToken == "" {
		t.Errorf("credentials %+v", sess)
	}
	if got, want := sess.Expiration.Sub(sess.Issued), 8*time.Hour; got < want-time.Second || got > want {
		t.Errorf("lifetime %v, want 8h", got)
	}
	const wantARN = "arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com"
	if sess.ARN != wantARN {
		t.Errorf("ARN %s, want %s", sess.ARN, wantARN)
	}

	c := stsCreds{sess.AccessKeyID, sess.SecretAccessKey, sess.SessionToken}
	id, err := w.with(c).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != wantARN || aws.ToString(id.Account) != roleAccount ||
		!strings.HasPrefix(aws.ToString(id.UserId), "AROA") || !strings.HasSuffix(aws.ToString(id.UserId), ":alice@example.com") {
		t.Errorf("identity %s %s %s", aws.ToString(id.Arn), aws.ToString(id.Account), aws.ToString(id.UserId))
	}

	// The same role again: the on-demand role is reused, with one id.
	again, err := w.srv.IssueRoleSession(ssoRoleARN, "bob", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	id2, err := w.with(stsCreds{again.AccessKeyID, again.SecretAccessKey, again.SessionToken}).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	role1, _, _ := strings.Cut(aws.ToString(id.UserId), ":")
	role2, _, _ := strings.Cut(aws.ToString(id2.UserId), ":")
	if role1 != role2 {
		t.Errorf("role ids %s and %s differ", role1, role2)
	}
}

func TestIssueRoleSessionChains(t *testing.T) {
	w := newWorld(t)
	sess, err := w.srv.IssueRoleSession(ssoRoleARN, "alice", 12*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := w.with(stsCreds{sess.AccessKeyID, sess.SecretAccessKey, sess.SessionToken})
	// Role chaining: more than 1 hour is refused even from a role that
	// allows 12.
	w.srv.AddRole(ststest.Role{ARN: "arn:aws:iam::222222222222:role/Long", MaxSessionDuration: 12 * time.Hour})
	_, err = c.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::222222222222:role/Long"), RoleSessionName: aws.String("chain"), DurationSeconds: aws.Int32(7200),
	})
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")

	out, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::222222222222:role/Long"), RoleSessionName: aws.String("chain"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::222222222222:assumed-role/Long/chain" {
		t.Errorf("chained ARN %s", got)
	}
	sessions := w.srv.Sessions()
	last := sessions[len(sessions)-1]
	if !last.Chained || last.UserARN != "" || last.Action != "AssumeRole" {
		t.Errorf("chained session %+v", last)
	}
	// A role session has no MFA device and cannot call GetSessionToken.
	_, err = c.GetSessionToken(context.Background(), &sts.GetSessionTokenInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "Cannot call GetSessionToken with session credentials")
	_, err = c.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String(adminARN), RoleSessionName: aws.String("mfa"), SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(w.code()),
	})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.")
}

func TestIssueRoleSessionExpiresAndIAMRefuses(t *testing.T) {
	w := newWorld(t)
	sess, err := w.srv.IssueRoleSession(ssoRoleARN, "alice", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	creds := stsCreds{sess.AccessKeyID, sess.SecretAccessKey, sess.SessionToken}
	if _, err := w.iam(creds).GetUser(context.Background(), nil); err == nil {
		t.Error("IAM GetUser with SSO role credentials succeeded")
	}
	if err := w.srv.ExpireSession(sess.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	_, err = w.with(creds).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "ExpiredToken", http.StatusBadRequest, "The security token included in the request is expired")
}

func TestIssueRoleSessionRefusesBadInput(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		arn, name string
		d         time.Duration
	}{
		{"arn:aws:iam::2222:role/X", "alice", time.Hour},
		{ssoRoleARN, "a", time.Hour},
		{ssoRoleARN, "alice smith", time.Hour},
		{ssoRoleARN, "alice", 0},
		{ssoRoleARN, "alice", 13 * time.Hour},
		{readOnlyARN, "alice", 2 * time.Hour}, // beyond ReadOnly's 1h maximum
	} {
		if _, err := w.srv.IssueRoleSession(tc.arn, tc.name, tc.d); err == nil {
			t.Errorf("IssueRoleSession(%q, %q, %v) succeeded", tc.arn, tc.name, tc.d)
		}
	}
}

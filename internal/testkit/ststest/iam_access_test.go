package ststest_test

// Who may call IAM: a user on itself, an admin on its account's users, no
// role session, no GetSessionToken session without MFA; and the "deny
// without MFA" policy of RequireMFAForIAM.

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// iamCall is one IAM action called with the SDK, on user (nil: implicit).
type iamCall struct {
	action string
	do     func(ctx context.Context, c *iam.Client, user *string) error
}

// iamCalls returns each action, acting on key id where it needs one.
func iamCalls(keyID string) []iamCall {
	return []iamCall{
		{"GetUser", func(ctx context.Context, c *iam.Client, user *string) error {
			_, err := c.GetUser(ctx, &iam.GetUserInput{UserName: user})
			return err
		}},
		{"ListAccessKeys", func(ctx context.Context, c *iam.Client, user *string) error {
			_, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: user})
			return err
		}},
		{"CreateAccessKey", func(ctx context.Context, c *iam.Client, user *string) error {
			_, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: user})
			return err
		}},
		{"UpdateAccessKey", func(ctx context.Context, c *iam.Client, user *string) error {
			_, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{AccessKeyId: aws.String(keyID), Status: "Active", UserName: user})
			return err
		}},
		{"DeleteAccessKey", func(ctx context.Context, c *iam.Client, user *string) error {
			_, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(keyID), UserName: user})
			return err
		}},
	}
}

func TestIAMOtherUserRefused(t *testing.T) {
	w := newWorld(t)
	mfa := w.mfaSession(t)
	for _, c := range iamCalls(w.bobKey.ID) {
		for _, signer := range []stsCreds{w.aliceCreds(), mfa} {
			err := c.do(t.Context(), w.iam(signer), aws.String("bob"))
			wantAPIError(t, err, "AccessDenied", http.StatusForbidden, iamDenied(w.alice.ARN(), c.action, "bob"))
			// A user that does not exist is refused the same way: the
			// policy is checked before the user is looked up.
			err = c.do(t.Context(), w.iam(signer), aws.String("ghost"))
			wantAPIError(t, err, "AccessDenied", http.StatusForbidden, iamDenied(w.alice.ARN(), c.action, "ghost"))
		}
	}
	if got := w.bob.AccessKeys(); len(got) != 1 || got[0].ID != w.bobKey.ID || got[0].Status != "Active" {
		t.Errorf("bob's keys changed: %+v", got)
	}
}

func TestIAMAdminActsOnOthers(t *testing.T) {
	w := newWorld(t)
	w.alice.SetIAMAdmin(true)
	for _, c := range iamCalls(w.bobKey.ID) {
		if err := c.do(t.Context(), w.iam(w.aliceCreds()), aws.String("bob")); err != nil {
			t.Errorf("%s on bob by an admin: %v", c.action, err)
		}
		err := c.do(t.Context(), w.iam(w.aliceCreds()), aws.String("ghost"))
		wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The user with name ghost cannot be found.")
	}
	// The calls above: bob got a key, then lost his first one.
	if got := w.bob.AccessKeys(); len(got) != 1 || got[0].ID == w.bobKey.ID {
		t.Errorf("bob's keys: %+v", got)
	}
	// Users of another account are not found: UserName names a user of the
	// caller's account.
	w.srv.AddUser(roleAccount, "erin")
	_, err := w.iam(w.aliceCreds()).GetUser(t.Context(), &iam.GetUserInput{UserName: aws.String("erin")})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The user with name erin cannot be found.")
	// Without the flag, again refused.
	w.alice.SetIAMAdmin(false)
	_, err = w.iam(w.aliceCreds()).GetUser(t.Context(), &iam.GetUserInput{UserName: aws.String("bob")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, iamDenied(w.alice.ARN(), "GetUser", "bob"))
}

func TestIAMRoleSessionRefused(t *testing.T) {
	w := newWorld(t)
	out, err := w.with(w.mfaSession(t)).AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String(adminARN), RoleSessionName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	role := credsOf(t, out)
	sessionARN := "arn:aws:sts::222222222222:assumed-role/Admin/ops"
	for _, c := range iamCalls(w.key.ID) {
		// Without UserName the service cannot tell which user is meant.
		err := c.do(t.Context(), w.iam(role), nil)
		wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "Must specify userName when calling with non-User credentials")
		// With it, the role may not act on the user: not even the user
		// whose key started the chain.
		err = c.do(t.Context(), w.iam(role), aws.String("alice"))
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, iamDenied(sessionARN, c.action, "alice"))
	}
	if got := w.alice.AccessKeys(); len(got) != 1 {
		t.Errorf("alice's keys changed: %+v", got)
	}
}

func TestIAMSessionWithoutMFARefused(t *testing.T) {
	w := newWorld(t)
	plain := w.plainSession(t)
	// The session works for STS...
	if arn, err := w.stsCallerARN(t, plain); err != nil || arn != w.alice.ARN() {
		t.Fatalf("STS with the session: %q %v", arn, err)
	}
	// ... but IAM answers as if its token were invalid, for every action
	// and whether or not UserName is given.
	for _, c := range iamCalls(w.key.ID) {
		for _, user := range []*string{nil, aws.String("alice")} {
			err := c.do(t.Context(), w.iam(plain), user)
			wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgIAMInvalidToken)
		}
	}
	// Nothing was done, and the refusals are logged.
	if got := w.alice.AccessKeys(); len(got) != 1 || got[0].Status != "Active" {
		t.Errorf("alice's keys changed: %+v", got)
	}
	if n := w.srv.Calls("CreateAccessKey"); n != 2 || w.srv.Successes("CreateAccessKey") != 0 {
		t.Errorf("CreateAccessKey calls %d successes %d", n, w.srv.Successes("CreateAccessKey"))
	}

	// With MFA, the same calls pass (acting on alice, named or not).
	mfa := w.mfaSession(t)
	second := w.alice.AddAccessKey()
	for _, c := range iamCalls(second.ID) {
		if c.action == "CreateAccessKey" {
			continue // alice already has two keys
		}
		for _, user := range []*string{nil, aws.String("alice")} {
			if c.action == "DeleteAccessKey" && user != nil {
				continue // deleted already
			}
			if err := c.do(t.Context(), w.iam(mfa), user); err != nil {
				t.Errorf("%s(%v) with an MFA session: %v", c.action, aws.ToString(user), err)
			}
		}
	}
	if _, err := w.iam(mfa).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{}); err != nil {
		t.Errorf("CreateAccessKey with an MFA session: %v", err)
	}
}

func TestIAMRequireMFA(t *testing.T) {
	w := newWorld(t)
	w.alice.RequireMFAForIAM(true)
	for _, c := range iamCalls(w.key.ID) {
		err := c.do(t.Context(), w.iam(w.aliceCreds()), aws.String("alice"))
		if c.action == "GetUser" {
			// The policy leaves iam:GetUser allowed without MFA.
			if err != nil {
				t.Errorf("GetUser with the long-term key: %v", err)
			}
			continue
		}
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, iamExplicitDeny(w.alice.ARN(), c.action, "alice"))
		// Without UserName, IAM shows the user as "null<name>".
		err = c.do(t.Context(), w.iam(w.aliceCreds()), nil)
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, iamExplicitDeny(w.alice.ARN(), c.action, "nullalice"))
		// The explicit deny wins even for another user.
		err = c.do(t.Context(), w.iam(w.aliceCreds()), aws.String("bob"))
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, iamExplicitDeny(w.alice.ARN(), c.action, "bob"))
	}
	if got := w.alice.AccessKeys(); len(got) != 1 {
		t.Errorf("alice's keys changed: %+v", got)
	}
	// STS is not affected: the long-term key still gets an MFA session,
	// which may then call IAM.
	mfa := w.mfaSession(t)
	out, err := w.iam(mfa).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatalf("CreateAccessKey with an MFA session: %v", err)
	}
	if ids, err := w.listKeyIDs(t, mfa, ""); err != nil || len(ids) != 2 {
		t.Errorf("ListAccessKeys with an MFA session: %v %v", ids, err)
	}
	// Keys are long-term keys too: the new one is denied IAM as well.
	newKey := stsCreds{aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey), ""}
	_, err = w.listKeyIDs(t, newKey, "")
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, iamExplicitDeny(w.alice.ARN(), "ListAccessKeys", "nullalice"))
	// Bob has no such policy.
	if _, err := w.listKeyIDs(t, w.bobCreds(), ""); err != nil {
		t.Errorf("bob: %v", err)
	}
	// Off again, the long-term key may call IAM.
	w.alice.RequireMFAForIAM(false)
	if _, err := w.listKeyIDs(t, w.aliceCreds(), ""); err != nil {
		t.Errorf("after RequireMFAForIAM(false): %v", err)
	}
}

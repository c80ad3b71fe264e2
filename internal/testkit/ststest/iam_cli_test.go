//go:build realworld

package ststest_test

// The AWS CLI (botocore) against the IAM API: its IAM signatures (service
// iam, us-east-1) verify and it parses the documents. Away from CI a
// missing /usr/bin/aws skips it with the reason; in CI it fails.

import (
	"strings"
	"testing"
)

func TestAWSCLIIAM(t *testing.T) {
	requireAWSCLI(t)
	w := newWorld(t)
	iamCLI := func(c stsCreds, args ...string) (string, string, error) {
		t.Helper()
		return awsCLI(t, c, append(append([]string{"iam"}, args...), "--endpoint-url", w.url, "--region", iamRegion)...)
	}

	out, stderr, err := iamCLI(w.aliceCreds(), "list-access-keys")
	if err != nil {
		t.Fatalf("aws iam list-access-keys: %v\n%s", err, stderr)
	}
	var list struct {
		AccessKeyMetadata []struct{ UserName, AccessKeyId, Status, CreateDate string }
		IsTruncated       bool
	}
	decodeJSON(t, out, &list)
	if len(list.AccessKeyMetadata) != 1 || list.IsTruncated {
		t.Fatalf("list-access-keys: %s", out)
	}
	if m := list.AccessKeyMetadata[0]; m.AccessKeyId != w.key.ID || m.Status != "Active" || m.UserName != "alice" || !strings.HasSuffix(m.CreateDate, "+00:00") {
		t.Errorf("list-access-keys: %+v", m)
	}

	out, stderr, err = iamCLI(w.aliceCreds(), "get-user")
	if err != nil {
		t.Fatalf("aws iam get-user: %v\n%s", err, stderr)
	}
	var user struct {
		User struct{ UserName, UserId, Arn, Path string }
	}
	decodeJSON(t, out, &user)
	if user.User.Arn != w.alice.ARN() || user.User.UserId != w.alice.ID() || user.User.Path != "/" {
		t.Errorf("get-user: %s", out)
	}

	// A rotation with an MFA session, signed with a session token.
	mfa, plain := w.mfaSession(t), w.plainSession(t)
	out, stderr, err = iamCLI(mfa, "create-access-key")
	if err != nil {
		t.Fatalf("aws iam create-access-key: %v\n%s", err, stderr)
	}
	var created struct {
		AccessKey struct{ UserName, AccessKeyId, Status, SecretAccessKey, CreateDate string }
	}
	decodeJSON(t, out, &created)
	k := created.AccessKey
	if got, ok := w.srv.AccessKey(k.AccessKeyId); !ok || got.Secret != k.SecretAccessKey || k.Status != "Active" || k.UserName != "alice" {
		t.Fatalf("create-access-key: %s (server: %+v %v)", out, got, ok)
	}
	newKey := stsCreds{k.AccessKeyId, k.SecretAccessKey, ""}
	out, stderr, err = awsCLI(t, newKey, "sts", "get-caller-identity", "--endpoint-url", w.url)
	if err != nil || !strings.Contains(out, w.alice.ARN()) {
		t.Fatalf("aws sts get-caller-identity with the new key: %v\n%s%s", err, out, stderr)
	}
	if _, stderr, err := iamCLI(mfa, "update-access-key", "--access-key-id", w.key.ID, "--status", "Inactive"); err != nil {
		t.Fatalf("aws iam update-access-key: %v\n%s", err, stderr)
	}
	if _, stderr, err := iamCLI(newKey, "delete-access-key", "--access-key-id", w.key.ID, "--user-name", "alice"); err != nil {
		t.Fatalf("aws iam delete-access-key: %v\n%s", err, stderr)
	}
	if got := w.alice.AccessKeys(); len(got) != 1 || got[0].ID != k.AccessKeyId {
		t.Errorf("keys after the rotation: %+v", got)
	}

	// Refusals come through as the service's errors.
	_, stderr, err = iamCLI(stsCreds{newKey.id, w.bobKey.Secret, ""}, "list-access-keys")
	if err == nil || !strings.Contains(stderr, "(SignatureDoesNotMatch)") {
		t.Errorf("wrong secret: %v\n%s", err, stderr)
	}
	_, stderr, err = iamCLI(plain, "list-access-keys")
	if err == nil || !strings.Contains(stderr, "(InvalidClientTokenId)") || !strings.Contains(stderr, msgIAMInvalidToken) {
		t.Errorf("session without MFA: %v\n%s", err, stderr)
	}
	_, stderr, err = iamCLI(newKey, "create-access-key", "--user-name", "bob")
	if err == nil || !strings.Contains(stderr, "(AccessDenied)") || !strings.Contains(stderr, "iam:CreateAccessKey on resource: user bob") {
		t.Errorf("create-access-key for bob: %v\n%s", err, stderr)
	}
	if n := w.srv.Successes("CreateAccessKey"); n != 1 {
		t.Errorf("%d successful CreateAccessKey calls, want 1", n)
	}
}

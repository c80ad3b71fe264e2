//go:build realworld

package ststest_test

// GetFederationToken through the real AWS CLI: the CLI signs it, reads
// the federated credentials, and shows the refusal of session credentials.

import (
	"slices"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

func TestAWSCLIGetFederationToken(t *testing.T) {
	requireAWSCLI(t)
	w := newWorld(t, func(o *ststest.Options) { o.Region = region })
	alice := stsCreds{w.key.ID, w.key.Secret, ""}
	out, stderr, err := awsCLI(t, alice, "sts", "get-federation-token", "--endpoint-url", w.url,
		"--name", "cli-console", "--duration-seconds", "3600", "--policy", readOnlyPolicy,
		"--policy-arns", "arn=arn:aws:iam::aws:policy/ReadOnlyAccess")
	if err != nil {
		t.Fatalf("aws sts get-federation-token: %v\n%s", err, stderr)
	}
	var got struct {
		Credentials      struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
		FederatedUser    struct{ FederatedUserId, Arn string }
		PackedPolicySize int
	}
	decodeJSON(t, out, &got)
	if got.FederatedUser.Arn != "arn:aws:sts::111111111111:federated-user/cli-console" ||
		got.FederatedUser.FederatedUserId != "111111111111:cli-console" || got.PackedPolicySize < 1 {
		t.Errorf("get-federation-token output %s", out)
	}
	s := w.srv.Sessions()
	if len(s) != 1 || s[0].Policy != readOnlyPolicy || !slices.Equal(s[0].PolicyArns, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}) || s[0].NoPermissions {
		t.Fatalf("sessions %+v", s)
	}
	fed := stsCreds{got.Credentials.AccessKeyId, got.Credentials.SecretAccessKey, got.Credentials.SessionToken}
	out, stderr, err = awsCLI(t, fed, "sts", "get-caller-identity", "--endpoint-url", w.url)
	if err != nil {
		t.Fatalf("aws sts get-caller-identity with federated credentials: %v\n%s", err, stderr)
	}
	var id struct{ UserId, Account, Arn string }
	decodeJSON(t, out, &id)
	if id.Arn != "arn:aws:sts::111111111111:federated-user/cli-console" || id.UserId != "111111111111:cli-console" || id.Account != userAccount {
		t.Errorf("federated identity %+v", id)
	}
	// And the CLI shows the refusal of session credentials.
	_, stderr, err = awsCLI(t, fed, "sts", "get-federation-token", "--endpoint-url", w.url, "--name", "again")
	if err == nil || !strings.Contains(stderr, "(AccessDenied)") || !strings.Contains(stderr, msgSessionGFT) {
		t.Errorf("get-federation-token with federated credentials: %v\n%s", err, stderr)
	}
}

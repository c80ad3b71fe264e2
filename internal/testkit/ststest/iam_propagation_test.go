package ststest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

// TestIAMKeyPropagation: with Options.KeyPropagation, a key CreateAccessKey
// made is refused by STS and IAM until that much server time has passed.
func TestIAMKeyPropagation(t *testing.T) {
	w := newWorld(t, func(o *ststest.Options) { o.KeyPropagation = 10 * time.Second })
	// Keys a test adds work at once.
	added := w.alice.AddAccessKey()
	if _, err := w.stsCallerARN(t, stsCreds{added.ID, added.Secret, ""}); err != nil {
		t.Fatalf("AddAccessKey key: %v", err)
	}
	if _, err := w.iam(w.aliceCreds()).DeleteAccessKey(t.Context(), &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(added.ID)}); err != nil {
		t.Fatal(err)
	}

	out, err := w.iam(w.aliceCreds()).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	fresh := stsCreds{aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey), ""}
	// Listed and known at once...
	if ids, err := w.listKeyIDs(t, w.aliceCreds(), ""); err != nil || len(ids) != 2 || ids[1] != fresh.id {
		t.Fatalf("keys %v %v", ids, err)
	}
	if _, ok := w.srv.AccessKey(fresh.id); !ok {
		t.Fatal("AccessKey does not know the new key")
	}
	// ... but refused for a while.
	_, err = w.stsCallerARN(t, fresh)
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgInvalidToken)
	_, err = w.listKeyIDs(t, fresh, "")
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgIAMInvalidToken)
	w.clock.Advance(9 * time.Second)
	_, err = w.stsCallerARN(t, fresh)
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgInvalidToken)
	w.clock.Advance(1 * time.Second)
	if arn, err := w.stsCallerARN(t, fresh); err != nil || arn != w.alice.ARN() {
		t.Errorf("STS after propagation: %q %v", arn, err)
	}
	if _, err := w.listKeyIDs(t, fresh, ""); err != nil {
		t.Errorf("IAM after propagation: %v", err)
	}
}

// TestIAMNoPropagationByDefault: without the option, even a server clock
// that goes back does not make a new key unusable.
func TestIAMNoPropagationByDefault(t *testing.T) {
	w := newWorld(t)
	out, err := w.iam(w.aliceCreds()).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	fresh := stsCreds{aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey), ""}
	w.clock.Advance(-2 * time.Minute)
	if _, err := w.stsCallerARN(t, fresh); err != nil {
		t.Errorf("new key: %v", err)
	}
}

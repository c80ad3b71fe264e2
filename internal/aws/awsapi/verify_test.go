package awsapi

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// shown is everything a person would see of err: its message and hints.
func shown(err error) string {
	return err.Error() + "\n" + strings.Join(hint.Of(err), "\n")
}

// leaks names the first n-character piece of secret found in text, ""
// when there is none: a secret shown masked (its first and last four
// characters) or cut in two at a '/' is shown all the same.
func leaks(text, secret string, n int) string {
	for i := 0; i+n <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+n]) {
			return secret[i : i+n]
		}
	}
	return ""
}

// The key id and the secret swapped, sent as they are: STS's error for
// the malformed credential scope quotes the scope, whose first part is
// the "key id" — here the secret. Nothing of it reaches the message,
// and the refusal is the key's (no advice to store it unchecked).
func TestVerifyKeyNeverRepeatsWhatWasSubmitted(t *testing.T) {
	srv := ststest.New(ststest.Options{})
	url := srv.Start()
	t.Cleanup(srv.Close)
	key := srv.AddUser("111111111111", "alice").AddAccessKey()
	api := NewSDK(Endpoint{URL: url, Region: "eu-west-1"}, 0)
	for _, secret := range []string{
		"Zq3+8vN/fL2kQ9sT1xYb7RmWc4HdPe6uJ0aGiK5o", // a '/' breaks the scope: IncompleteSignature
		"Zq3x8vNZfL2kQ9sT1xYb7RmWc4HdPe6uJ0aGiK5o", // no '/': an unknown key id
	} {
		_, err := VerifyKey(context.Background(), api, secret, key.ID)
		if err == nil {
			t.Fatal("a swapped key was accepted")
		}
		if !errors.Is(err, ErrKeyRejected) {
			t.Errorf("%s: not a refusal of the key: %v", secret, err)
		}
		if piece := leaks(shown(err), secret, 4); piece != "" {
			t.Errorf("the message repeats %q of the secret:\n%s", piece, shown(err))
		}
		if piece := leaks(shown(err), key.ID[4:], 6); piece != "" {
			t.Errorf("the message repeats %q of the key id given as the secret:\n%s", piece, shown(err))
		}
	}
}

// Whatever STS says, and whichever call it answers, the credentials
// that signed the call are cut out of the message.
func TestScrubSigner(t *testing.T) {
	c := creds.Credentials{AccessKeyID: "wJalr/XUtnFEMI/K7MDENG", SecretAccessKey: "AKIAIOSFODNN7EXAMPLE", SessionToken: "FwoGZXIvYXdzEXAMPLE//////////TOKEN"}
	in := &APIError{Op: "GetCallerIdentity", Code: "IncompleteSignature", Status: 400,
		Message: "Credential must have exactly 5 slash-delimited elements, got 'wJalr/XUtnFEMI/K7MDENG/20300101/us-east-1/sts/aws4_request' with AKIAIOSFODNN7EXAMPLE and FwoGZXIvYXdzEXAMPLE//////////TOKEN; also XUtnFEMI alone"}
	err := scrubSigner(in, c)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "IncompleteSignature" || ae.Status != 400 {
		t.Fatalf("the error lost its kind: %#v", err)
	}
	for _, s := range []string{"wJalr", "XUtnFEMI", "K7MDENG", "AKIAIOSFODNN7EXAMPLE", "FwoGZXIvYXdz"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("%q is still in %q", s, err.Error())
		}
	}
	if in.Message == ae.Message {
		t.Error("scrubbed the caller's error in place")
	}
	// A well-formed key id is no secret: it stays.
	good := creds.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "s3cr3tvalue"}
	err = scrubSigner(&APIError{Code: "X", Message: "key AKIAIOSFODNN7EXAMPLE, secret s3cr3tvalue"}, good)
	if err.Error() != "STS  failed: X: key AKIAIOSFODNN7EXAMPLE, secret [not shown]" {
		t.Errorf("got %q", err.Error())
	}
	// Not an APIError: the text is scrubbed, the chain kept.
	ue := &UnreachableError{Op: "GetCallerIdentity", Endpoint: "http://x", Err: errors.New("said s3cr3tvalue")}
	err = scrubSigner(ue, good)
	if strings.Contains(err.Error(), "s3cr3tvalue") || !Unreachable(err) {
		t.Errorf("got %v (unreachable %v)", err, Unreachable(err))
	}
}

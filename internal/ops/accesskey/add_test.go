package accesskey

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/awsapi/awsapitest"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/keystore/keystoretest"
)

func addSetup(t *testing.T) (Setup, *awsapitest.STS) {
	t.Helper()
	f, err := awsconfig.Parse("/home/u/.aws/config", []byte("[profile bob]\nregion = eu-west-1\n"))
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC) }
	sts := awsapitest.New(now)
	return Setup{
		Model:  &profile.Model{File: f},
		Keys:   keystoretest.NewMemory(),
		Cache:  func() (*cache.Cache, error) { return nil, errors.New("no cache in this test") },
		NewAPI: func(awsapi.Endpoint) awsapi.API { return sts },
		Now:    now,
		Warn:   func(string, ...any) {},
	}, sts
}

// The secret pasted where the key id goes (the two swapped) is refused
// before any call, with or without --no-verify, and nothing of it is
// repeated: not whole, not masked.
func TestAddRefusesASecretAsTheKeyID(t *testing.T) {
	const id, secret = "AKIAIOSFODNN7EXAMPLE", "Zq3+8vN/fL2kQ9sT1xYb7RmWc4HdPe6uJ0aGiK5o"
	for _, noVerify := range []bool{false, true} {
		s, sts := addSetup(t)
		_, err := s.Add(context.Background(), "bob", secret, id, noVerify)
		if err == nil {
			t.Fatalf("noVerify %v: the swapped key was stored", noVerify)
		}
		if len(sts.Calls) != 0 {
			t.Errorf("noVerify %v: STS was called: %v", noVerify, sts.Calls)
		}
		text := err.Error() + "\n" + strings.Join(hint.Of(err), "\n")
		for i := 0; i+4 <= len(secret); i++ {
			if strings.Contains(text, secret[i:i+4]) {
				t.Fatalf("the message repeats %q of the secret:\n%s", secret[i:i+4], text)
			}
		}
		if strings.Contains(text, "--no-verify") {
			t.Errorf("a malformed key is no reason to skip the check:\n%s", text)
		}
		if _, err := keystore.GetKey(s.Keys, "bob"); !errors.Is(err, keystore.ErrNotFound) {
			t.Errorf("something was stored: %v", err)
		}
	}
}

// STS's refusal of a request whose signature it cannot read is the key's
// fault, not the network's: no advice to store the key unchecked, and
// nothing of what STS quoted from the request.
func TestAddMalformedSignatureHasNoNoVerifyHint(t *testing.T) {
	const id, secret = "AKIAIOSFODNN7EXAMPLE", "Zq3+8vN/fL2kQ9sT1xYb7RmWc4HdPe6uJ0aGiK5o"
	s, sts := addSetup(t)
	sts.Fail["GetCallerIdentity"] = []error{&awsapi.APIError{Op: "GetCallerIdentity", Code: "IncompleteSignature", Status: 400,
		Message: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + id + "/20300506/eu-west-1/sts/aws4_request' signed with " + secret}}
	_, err := s.Add(context.Background(), "bob", id, secret, false)
	if err == nil {
		t.Fatal("stored")
	}
	text := err.Error() + "\n" + strings.Join(hint.Of(err), "\n")
	if strings.Contains(text, "--no-verify") || strings.Contains(text, secret) || strings.Contains(text, "vN/fL2kQ") {
		t.Errorf("message:\n%s", text)
	}
	// A network failure still offers it.
	s, sts = addSetup(t)
	sts.Fail["GetCallerIdentity"] = []error{&awsapi.UnreachableError{Op: "GetCallerIdentity", Endpoint: "https://sts.example", Err: errors.New("connection refused"), NotSent: true}}
	if _, err := s.Add(context.Background(), "bob", id, secret, false); err == nil || !strings.Contains(strings.Join(hint.Of(err), "\n"), "--no-verify") {
		t.Errorf("unreachable: %v %q", err, hint.Of(err))
	}
}

// A failure of the MFA session's call (made once) is not said to have
// come "even after retries"; a retried call's is (audit finding 11).
func TestRotateExplainRetries(t *testing.T) {
	r := &Rotation{Profile: "alice"}
	once := &awsapi.APIError{Op: "GetSessionToken", Code: "InternalFailure", Status: 500, NotRetried: true}
	if h := strings.Join(r.explain(once), "\n"); strings.Contains(h, "after retries") || !strings.Contains(h, "not retried") {
		t.Errorf("MFA call: %q", h)
	}
	retried := &awsapi.IAMError{Err: &awsapi.APIError{Op: "CreateAccessKey", Code: "ServiceFailure", Status: 500}}
	if h := strings.Join(r.explain(retried), "\n"); !strings.Contains(h, "even after retries") {
		t.Errorf("IAM call: %q", h)
	}
}

// CreateAccessKey is made once (the IAM client never retries it): its
// failure says so, and not that it carried an MFA code.
func TestRotateExplainCreateNotRetried(t *testing.T) {
	r := &Rotation{Profile: "alice"}
	once := &awsapi.IAMError{Err: &awsapi.APIError{Op: "CreateAccessKey", Code: "ServiceFailure", Status: 500, NotRetried: true}}
	h := strings.Join(r.explain(once), "\n")
	if strings.Contains(h, "after retries") || strings.Contains(h, "MFA") || !strings.Contains(h, "never retried") {
		t.Errorf("CreateAccessKey: %q", h)
	}
}

package awsapi

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

func TestIAMEndpoint(t *testing.T) {
	p := &awsconfig.Profile{Name: "alice", Region: "eu-west-1", EndpointURL: "https://sts-vpc.example"}
	cases := []struct {
		name   string
		s      Settings
		p      *awsconfig.Profile
		urlIAM string
		want   Endpoint
	}{
		{"default: global, us-east-1, never the STS endpoint", Settings{}, p, "", Endpoint{Region: "us-east-1"}},
		{"AWS_ENDPOINT_URL_IAM", Settings{EndpointURL: "http://all"}, p, "http://iam", Endpoint{URL: "http://iam", Region: "us-east-1"}},
		{"AWS_ENDPOINT_URL", Settings{EndpointURL: "http://all", EndpointURLSTS: "http://sts"}, p, "", Endpoint{URL: "http://all", Region: "us-east-1"}},
		{"ignored URLs", Settings{EndpointURL: "http://all", IgnoreConfiguredURL: true}, p, "http://iam", Endpoint{Region: "us-east-1"}},
		{"China", Settings{}, &awsconfig.Profile{Region: "cn-northwest-1"}, "", Endpoint{Region: "cn-north-1"}},
		{"GovCloud from the environment", Settings{Region: "us-gov-east-1"}, p, "", Endpoint{Region: "us-gov-west-1"}},
	}
	for _, tc := range cases {
		if got := tc.s.IAMEndpoint(tc.p, tc.urlIAM); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if got := NewIAMSDK(Endpoint{Region: "us-east-1"}).endpoint(); got != "https://iam.amazonaws.com" {
		t.Errorf("IAM's global endpoint: %s", got)
	}
}

// The IAM client against the test server: the rotation's calls, on the
// signer's own user, and IAM's errors as IAMError around APIError.
func TestIAMSDK(t *testing.T) {
	srv := ststest.New(ststest.Options{})
	url := srv.Start()
	t.Cleanup(srv.Close)
	alice := srv.AddUser("111111111111", "alice")
	key := alice.AddAccessKey()
	signer := creds.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret}
	api := NewIAMSDK(Endpoint{URL: url, Region: "us-east-1"})
	ctx := context.Background()

	nk, err := api.CreateAccessKey(ctx, signer)
	if err != nil {
		t.Fatal(err)
	}
	if sk, ok := srv.AccessKey(nk.ID); !ok || sk.Secret != nk.Secret || nk.UserName != "alice" || nk.Status != KeyActive {
		t.Fatalf("created %+v", nk.AccessKeyInfo)
	}
	keys, err := api.ListAccessKeys(ctx, signer)
	if err != nil {
		t.Fatal(err)
	}
	want := alice.AccessKeys()
	if len(keys) != 2 || keys[0].ID != want[0].ID || keys[1].ID != nk.ID || keys[0].UserName != "alice" ||
		!keys[1].Created.Equal(want[1].Created.Truncate(1e9)) {
		t.Fatalf("listed %+v, server has %+v", keys, want)
	}

	// A third key: IAM's quota.
	_, err = api.CreateAccessKey(ctx, signer)
	var ae *APIError
	var ie *IAMError
	if !errors.As(err, &ie) || !errors.As(err, &ae) || ae.Code != "LimitExceeded" || ae.Status != 409 ||
		!strings.HasPrefix(err.Error(), "IAM CreateAccessKey failed: LimitExceeded: ") {
		t.Fatalf("third key: %v", err)
	}

	if err := api.UpdateAccessKey(ctx, signer, nk.ID, KeyInactive); err != nil {
		t.Fatal(err)
	}
	if got := alice.AccessKeys()[1].Status; got != KeyInactive {
		t.Fatalf("status %s after UpdateAccessKey", got)
	}
	if err := api.DeleteAccessKey(ctx, signer, nk.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.AccessKey(nk.ID); ok {
		t.Fatal("the key was not deleted")
	}

	// A policy demanding MFA refuses the long-term key.
	alice.RequireMFAForIAM(true)
	if _, err := api.ListAccessKeys(ctx, signer); !errors.As(err, &ae) || ae.Code != "AccessDenied" {
		t.Fatalf("MFA required: %v", err)
	}

	// Nobody there.
	down := NewIAMSDK(Endpoint{URL: "http://127.0.0.1:1", Region: "us-east-1"})
	_, err = down.ListAccessKeys(ctx, signer)
	var ue *UnreachableError
	if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), "cannot reach IAM at http://127.0.0.1:1: ") {
		t.Fatalf("unreachable: %v", err)
	}
}

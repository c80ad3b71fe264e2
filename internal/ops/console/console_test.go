package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

func TestPartitionOf(t *testing.T) {
	for _, tc := range []struct{ arn, region, want string }{
		{"arn:aws:iam::222222222222:role/Admin", "", "aws"},
		{"arn:aws-us-gov:iam::222222222222:role/Admin", "eu-west-1", "aws-us-gov"},
		{"arn:aws-cn:iam::222222222222:role/Admin", "", "aws-cn"},
		{"", "us-gov-west-1", "aws-us-gov"},
		{"", "cn-north-1", "aws-cn"},
		{"", "", "aws"},
		{"arn:aws-iso:iam::1:role/x", "", "aws"}, // unknown: the commercial hosts, which will refuse it
	} {
		if got := PartitionOf(tc.arn, tc.region).Name; got != tc.want {
			t.Errorf("PartitionOf(%q, %q) = %s, want %s", tc.arn, tc.region, got, tc.want)
		}
	}
	if p := PartitionOf("arn:aws-us-gov:iam::1:role/x", ""); p.Federation != "https://signin.amazonaws-us-gov.com/federation" || p.ConsoleHost != "console.amazonaws-us-gov.com" {
		t.Errorf("gov hosts: %+v", p)
	}
}

func TestDestination(t *testing.T) {
	aws := PartitionOf("", "")
	for _, tc := range []struct{ region, path, want string }{
		{"", "", "https://console.aws.amazon.com/console/home"},
		{"eu-west-1", "", "https://console.aws.amazon.com/console/home?region=eu-west-1"},
		{"eu-west-1", "s3", "https://console.aws.amazon.com/s3/home?region=eu-west-1"},
		{"eu-west-1", "/s3", "https://console.aws.amazon.com/s3/home?region=eu-west-1"},
		{"eu-west-1", "ec2/home#Instances:", "https://console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"},
		{"eu-west-1", "ec2/home?region=us-east-2#Instances:", "https://console.aws.amazon.com/ec2/home?region=us-east-2#Instances:"},
		{"", "iam/home#/roles", "https://console.aws.amazon.com/iam/home#/roles"},
	} {
		got, err := Destination(aws, tc.region, tc.path)
		if err != nil || got != tc.want {
			t.Errorf("Destination(%q, %q) = %q, %v; want %q", tc.region, tc.path, got, err, tc.want)
		}
	}
	for _, bad := range []string{"https://evil.example/", "//evil.example/x", "s3 home", `ec2\home`, "ec2/home?%zz"} {
		if got, err := Destination(aws, "", bad); err == nil {
			t.Errorf("Destination(%q) = %q, want an error", bad, got)
		}
	}
}

func TestFederatedName(t *testing.T) {
	for in, want := range map[string]string{
		"alice":         "alice",
		"a":             "stscred-a",
		"dev user/1":    "dev-user-1",
		"x.y@corp,=+_-": "x.y@corp,=+_-",
		"a-profile-name-far-longer-than-thirty-two": "a-profile-name-far-longer-than-t",
		"ünïcode": "-n-code",
	} {
		got := FederatedName(in)
		if got != want {
			t.Errorf("FederatedName(%q) = %q, want %q", in, got, want)
		}
		if len(got) < 2 || len(got) > 32 {
			t.Errorf("FederatedName(%q) = %q: length %d", in, got, len(got))
		}
	}
}

// A sign-in token from the test server's federation endpoint, and the
// login URL that signs in with it.
func TestSigninTokenAndLogin(t *testing.T) {
	srv := ststest.New(ststest.Options{})
	base := srv.Start()
	t.Cleanup(srv.Close)
	w := demo.Setup(srv, demo.Options{})
	api := awsapi.NewSDK(awsapi.Endpoint{URL: base, Region: "eu-west-1"}, 10*time.Second)
	cr, err := api.AssumeRole(context.Background(), creds.Credentials{AccessKeyID: w.Key.ID, SecretAccessKey: w.Key.Secret},
		awsapi.AssumeRoleInput{RoleARN: w.ReadOnly.ARN, SessionName: "console-test", Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	fed := base + "/federation"
	ctx := context.Background()
	// Beyond the 12 hours the endpoint allows: refused, which shows
	// that SessionDuration is sent.
	if _, err := SigninToken(ctx, http.DefaultClient, fed, cr, 13*time.Hour); err == nil {
		t.Fatal("SessionDuration was not sent, or not checked")
	}
	tok, err := SigninToken(ctx, http.DefaultClient, fed, cr, 2*time.Hour)
	if err != nil || tok == "" {
		t.Fatalf("SigninToken: %q %v", tok, err)
	}
	dest, _ := Destination(PartitionOf(w.ReadOnly.ARN, ""), "eu-west-1", "s3")
	u := LoginURL(fed, tok, dest)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != dest {
		t.Fatalf("login: %d %q, want 302 to %s", resp.StatusCode, resp.Header.Get("Location"), dest)
	}
	logins := srv.Logins()
	if len(logins) != 1 || logins[0].RoleARN != w.ReadOnly.ARN || logins[0].Issuer != Issuer || logins[0].SessionDuration != 7200 {
		t.Fatalf("logins: %+v", logins)
	}
	q, _ := url.Parse(u)
	if q.Query().Get("Action") != "login" || strings.Contains(u, cr.SecretAccessKey) {
		t.Fatalf("login URL %q", u)
	}

	// Refusals: a long-term key; a GetSessionToken-free but expired or
	// unknown session; each an error naming the endpoint, never a secret.
	for name, c := range map[string]creds.Credentials{
		"long-term key": {AccessKeyID: w.Key.ID, SecretAccessKey: w.Key.Secret},
		"unknown":       {AccessKeyID: "ASIAUNKNOWNUNKNOWN00", SecretAccessKey: "nope", SessionToken: "nope"},
	} {
		_, err := SigninToken(ctx, http.DefaultClient, fed, c, 0)
		var refused *RefusedError
		if !errors.As(err, &refused) || refused.Status != 400 || !strings.Contains(err.Error(), "Invalid credentials parameter") {
			t.Errorf("%s: %v", name, err)
		}
		if err != nil && c.SecretAccessKey != "" && strings.Contains(err.Error(), c.SecretAccessKey) {
			t.Errorf("%s: the error shows the secret", name)
		}
	}
	// Nobody there.
	if _, err := SigninToken(ctx, http.DefaultClient, "http://127.0.0.1:1/federation", cr, 0); !errors.Is(err, ErrUnreachable) {
		t.Errorf("unreachable: %v", err)
	}
}

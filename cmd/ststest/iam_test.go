package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

func iamClient(url, id, secret string) *iam.Client {
	return iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
		Retryer:      aws.NopRetryer{},
	})
}

// TestDemoIAM: the demo endpoint serves IAM with the demo key, and
// --key-propagation holds back keys CreateAccessKey makes.
func TestDemoIAM(t *testing.T) {
	b, stderr, _ := startRun(t, "--listen", "127.0.0.1:0", "--key-propagation", "1s")
	url := b["endpoint"]
	alice := iamClient(url, demo.FixedKeyID, demo.FixedSecret)
	list, err := alice.ListAccessKeys(t.Context(), &iam.ListAccessKeysInput{})
	if err != nil {
		t.Fatalf("ListAccessKeys with the demo key: %v", err)
	}
	if len(list.AccessKeyMetadata) != 1 || aws.ToString(list.AccessKeyMetadata[0].AccessKeyId) != demo.FixedKeyID {
		t.Fatalf("demo keys: %+v", list.AccessKeyMetadata)
	}
	asked := time.Now()
	created, err := alice.CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatalf("CreateAccessKey: %v", err)
	}
	fresh := stsClient(url, aws.ToString(created.AccessKey.AccessKeyId), aws.ToString(created.AccessKey.SecretAccessKey), "")
	_, err = fresh.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidClientTokenId" {
		t.Fatalf("new key before propagation: %v", err)
	}
	// Refused until the propagation time has passed, then accepted: poll
	// (every refusal must be the propagation's) until the key works.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, err := fresh.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
		if err == nil {
			if d := time.Since(asked); d < time.Second {
				t.Fatalf("new key accepted %s after CreateAccessKey was sent, within the 1s propagation", d)
			}
			break
		}
		if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidClientTokenId" || time.Now().After(deadline) {
			t.Fatalf("new key after propagation: %v", err)
		}
	}
	if !strings.Contains(stderr.String(), "CreateAccessKey "+demo.FixedKeyID+" 200 OK") {
		t.Errorf("stderr %q lacks the IAM request", stderr.String())
	}
	resp, err := http.Get(url + "/_ststest/keys?user=" + demo.UserName)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), demo.FixedKeyID) || strings.Contains(string(body), demo.FixedSecret) {
		t.Errorf("keys endpoint: %d %s", resp.StatusCode, body)
	}
}

func TestBannerMentionsIAM(t *testing.T) {
	var out bytes.Buffer
	srvURL := "http://127.0.0.1:1"
	printBanner(&out, srvURL, setupDemo(ststest.New(ststest.Options{})), 0, 3*time.Second)
	for _, want := range []string{
		"STS and IAM test server (STS API 2011-06-15, IAM API 2010-05-08)",
		"access keys made by IAM CreateAccessKey work after 3s",
		"/usr/bin/aws iam list-access-keys --endpoint-url " + srvURL + " --region us-east-1",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out.String())
		}
	}
	var stderr bytes.Buffer
	if err := run(t.Context(), []string{"--key-propagation", "-1s"}, io.Discard, &stderr); err == nil {
		t.Error("negative --key-propagation accepted")
	}
	stderr.Reset()
	if err := run(t.Context(), []string{"--help"}, io.Discard, &stderr); !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "-key-propagation") {
		t.Errorf("--help: %v %q", err, stderr.String())
	}
}

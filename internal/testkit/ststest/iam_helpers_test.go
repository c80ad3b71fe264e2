package ststest_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	// iamRegion is the region IAM requests are signed for.
	iamRegion = "us-east-1"
	// msgIAMInvalidToken is IAM's InvalidClientTokenId message: STS's
	// without the final period.
	msgIAMInvalidToken = "The security token included in the request is invalid"
	msgKeyQuota        = "Cannot exceed quota for AccessKeysPerUser: 2"
)

// newIAMClient is an SDK IAM client for the server at url that does not
// retry.
func newIAMClient(url string, c stsCreds, optFns ...func(*iam.Options)) *iam.Client {
	return iam.New(iam.Options{
		Region:       iamRegion,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(c.id, c.secret, c.token),
		Retryer:      aws.NopRetryer{},
	}, optFns...)
}

func (w *world) iam(c stsCreds, optFns ...func(*iam.Options)) *iam.Client {
	return newIAMClient(w.url, c, optFns...)
}

// aliceCreds and bobCreds are the users' long-term keys.
func (w *world) aliceCreds() stsCreds { return stsCreds{w.key.ID, w.key.Secret, ""} }
func (w *world) bobCreds() stsCreds   { return stsCreds{w.bobKey.ID, w.bobKey.Secret, ""} }

// mfaSession is a GetSessionToken session of alice obtained with an MFA code.
func (w *world) mfaSession(t *testing.T) stsCreds {
	t.Helper()
	out, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{
		SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(w.code()),
	})
	if err != nil {
		t.Fatalf("GetSessionToken with MFA: %v", err)
	}
	return credsOf(t, out)
}

// plainSession is a GetSessionToken session of alice without MFA.
func (w *world) plainSession(t *testing.T) stsCreds {
	t.Helper()
	out, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatalf("GetSessionToken: %v", err)
	}
	return credsOf(t, out)
}

// stsCallerARN is the ARN STS's GetCallerIdentity reports for c, or the
// error it answers.
func (w *world) stsCallerARN(t *testing.T, c stsCreds) (string, error) {
	t.Helper()
	out, err := gci(t, w.with(c))
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Arn), nil
}

// signedFor builds a POST of body to the server signed by the SDK's signer
// for service and region with the given credentials.
func signedFor(t *testing.T, url, body, service, region string, creds aws.Credentials, at time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, sha256Hex(body), service, region, at); err != nil {
		t.Fatal(err)
	}
	return req
}

func awsCreds(c stsCreds) aws.Credentials {
	return aws.Credentials{AccessKeyID: c.id, SecretAccessKey: c.secret, SessionToken: c.token}
}

// iamErrorDoc is IAM's ErrorResponse document.
type iamErrorDoc struct {
	XMLName xml.Name `xml:"https://iam.amazonaws.com/doc/2010-05-08/ ErrorResponse"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
	ReqID   string   `xml:"RequestId"`
}

func parseIAMError(t *testing.T, body string) iamErrorDoc {
	t.Helper()
	var e iamErrorDoc
	if err := xml.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("response is not an IAM error document: %v\n%s", err, body)
	}
	return e
}

// listKeyIDs lists the key ids ListAccessKeys returns for c (and userName
// when not empty).
func (w *world) listKeyIDs(t *testing.T, c stsCreds, userName string) ([]string, error) {
	t.Helper()
	in := &iam.ListAccessKeysInput{}
	if userName != "" {
		in.UserName = aws.String(userName)
	}
	out, err := w.iam(c).ListAccessKeys(t.Context(), in)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range out.AccessKeyMetadata {
		ids = append(ids, aws.ToString(m.AccessKeyId))
	}
	return ids, nil
}

// iamDenied is IAM's AccessDenied message when no policy allows the action.
func iamDenied(callerARN, action, resource string) string {
	return "User: " + callerARN + " is not authorized to perform: iam:" + action + " on resource: user " + resource +
		" because no identity-based policy allows the iam:" + action + " action"
}

// iamExplicitDeny is IAM's AccessDenied message when a Deny statement
// matched.
func iamExplicitDeny(callerARN, action, resource string) string {
	return "User: " + callerARN + " is not authorized to perform: iam:" + action + " on resource: user " + resource +
		" with an explicit deny in an identity-based policy"
}

package awsapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/sys/sdkhttp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/config/awsconfig"
)

// Access key statuses, as IAM spells them.
const (
	KeyActive   = "Active"
	KeyInactive = "Inactive"
)

// AccessKeyInfo describes one of an IAM user's access keys, without its
// secret.
type AccessKeyInfo struct {
	ID       string
	Status   string // KeyActive or KeyInactive
	Created  time.Time
	UserName string
}

// NewAccessKey is what CreateAccessKey returns: the only time IAM shows
// the secret.
type NewAccessKey struct {
	AccessKeyInfo
	Secret string
}

// IAM is the set of IAM calls stscred makes: the access-key actions of a
// key rotation. Each call names the credentials that sign it and acts on
// the signer's own IAM user (no UserName is sent: IAM then takes the user
// of the signing key or session).
type IAM interface {
	ListAccessKeys(ctx context.Context, signer creds.Credentials) ([]AccessKeyInfo, error)
	CreateAccessKey(ctx context.Context, signer creds.Credentials) (NewAccessKey, error)
	UpdateAccessKey(ctx context.Context, signer creds.Credentials, id, status string) error
	DeleteAccessKey(ctx context.Context, signer creds.Credentials, id string) error
}

// IAMEndpoint decides where IAM calls for profile p go: urlIAM
// (AWS_ENDPOINT_URL_IAM, read by the command layer), else AWS_ENDPOINT_URL
// (which the SDKs apply to every service), else IAM's global endpoint. The
// profile's endpoint_url is not used: stscred reads it as the STS endpoint
// (a VPC endpoint, say), which does not serve IAM. IAM is global: requests
// are signed for the partition's IAM region (us-east-1 in the aws
// partition) whatever the profile's region.
func (s Settings) IAMEndpoint(p *awsconfig.Profile, urlIAM string) Endpoint {
	region := s.Region
	if region == "" {
		region = p.Region
	}
	ep := Endpoint{Region: iamRegion(region)}
	if !s.IgnoreConfiguredURL {
		ep.URL = firstOf(urlIAM, s.EndpointURL)
	}
	return ep
}

// iamRegion is the region IAM requests are signed for in region's
// partition.
func iamRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "cn-north-1"
	case strings.HasPrefix(region, "us-gov-"):
		return "us-gov-west-1"
	}
	return "us-east-1"
}

// IAMSDK is IAM on aws-sdk-go-v2's IAM client.
type IAMSDK struct {
	ep     Endpoint
	client *iam.Client
}

// NewIAMSDK returns an IAM client for ep. Like NewSDK it reads no shared
// config and no environment.
func NewIAMSDK(ep Endpoint) *IAMSDK {
	opts := iam.Options{Region: ep.Region, HTTPClient: sdkhttp.Client(DefaultTimeout)}
	if ep.URL != "" {
		opts.BaseEndpoint = aws.String(ep.URL)
	}
	return &IAMSDK{ep: ep, client: iam.New(opts)}
}

// endpoint is the IAM endpoint as users should see it in messages.
func (s *IAMSDK) endpoint() string {
	if s.ep.URL != "" {
		return s.ep.URL
	}
	ep, err := iam.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), iam.EndpointParameters{Region: aws.String(s.ep.Region)})
	if err != nil {
		return "IAM for " + s.ep.Region
	}
	return ep.URI.String()
}

func signIAMWith(c creds.Credentials) func(*iam.Options) {
	return func(o *iam.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	}
}

func (s *IAMSDK) ListAccessKeys(ctx context.Context, signer creds.Credentials) ([]AccessKeyInfo, error) {
	var out []AccessKeyInfo
	in := &iam.ListAccessKeysInput{}
	for {
		res, err := s.client.ListAccessKeys(ctx, in, signIAMWith(signer))
		if err != nil {
			return nil, s.wrap("ListAccessKeys", err)
		}
		for _, m := range res.AccessKeyMetadata {
			out = append(out, AccessKeyInfo{
				ID: aws.ToString(m.AccessKeyId), Status: string(m.Status),
				Created: aws.ToTime(m.CreateDate).UTC(), UserName: aws.ToString(m.UserName),
			})
		}
		if !res.IsTruncated || res.Marker == nil {
			return out, nil
		}
		in.Marker = res.Marker
	}
}

func (s *IAMSDK) CreateAccessKey(ctx context.Context, signer creds.Credentials) (NewAccessKey, error) {
	res, err := s.client.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{}, signIAMWith(signer))
	if err != nil {
		return NewAccessKey{}, s.wrap("CreateAccessKey", err)
	}
	k := res.AccessKey
	if k == nil || aws.ToString(k.AccessKeyId) == "" || aws.ToString(k.SecretAccessKey) == "" {
		return NewAccessKey{}, errors.New("IAM CreateAccessKey answered without a key")
	}
	return NewAccessKey{
		AccessKeyInfo: AccessKeyInfo{
			ID: aws.ToString(k.AccessKeyId), Status: string(k.Status),
			Created: aws.ToTime(k.CreateDate).UTC(), UserName: aws.ToString(k.UserName),
		},
		Secret: aws.ToString(k.SecretAccessKey),
	}, nil
}

func (s *IAMSDK) UpdateAccessKey(ctx context.Context, signer creds.Credentials, id, status string) error {
	_, err := s.client.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{AccessKeyId: aws.String(id), Status: iamtypes.StatusType(status)}, signIAMWith(signer))
	if err != nil {
		return s.wrap("UpdateAccessKey", err)
	}
	return nil
}

func (s *IAMSDK) DeleteAccessKey(ctx context.Context, signer creds.Credentials, id string) error {
	_, err := s.client.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(id)}, signIAMWith(signer))
	if err != nil {
		return s.wrap("DeleteAccessKey", err)
	}
	return nil
}

// IAMError is an APIError or UnreachableError of an IAM call: it reads as
// IAM's, and unwraps to the APIError or UnreachableError, so callers match
// codes the same way for both services.
type IAMError struct {
	Err error
}

func (e *IAMError) Error() string {
	var ae *APIError
	if errors.As(e.Err, &ae) {
		return fmt.Sprintf("IAM %s failed: %s: %s", ae.Op, ae.Code, strings.TrimSuffix(ae.Message, "."))
	}
	var ue *UnreachableError
	if errors.As(e.Err, &ue) {
		return fmt.Sprintf("cannot reach IAM at %s: %v", ue.Endpoint, ue.Err)
	}
	return e.Err.Error()
}

func (e *IAMError) Unwrap() error { return e.Err }

// wrap maps the SDK's error as SDK.wrap does for STS (APIError,
// UnreachableError), with IAM's endpoint, inside an IAMError.
func (s *IAMSDK) wrap(op string, err error) error {
	mapped := (&SDK{ep: Endpoint{URL: s.endpoint()}, timeout: DefaultTimeout}).wrap(context.Background(), op, err)
	var ae *APIError
	var ue *UnreachableError
	if errors.As(mapped, &ae) || errors.As(mapped, &ue) {
		return &IAMError{Err: mapped}
	}
	return fmt.Errorf("IAM %s: %w", op, err)
}

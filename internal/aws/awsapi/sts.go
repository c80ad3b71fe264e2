// Package awsapi makes stscred's calls to AWS: STS (GetSessionToken,
// AssumeRole, GetCallerIdentity) and IAM (the access-key actions of a
// rotation), each behind a narrow interface that names the credentials
// signing every call, on clients that read no shared config and no
// environment: aws-sdk-go-v2's for STS, a small client of IAM's query
// protocol for IAM (iam.go says why). It decides where the endpoints are
// (Settings), bounds every call (one budget, retries included), and turns
// the failures into APIError and UnreachableError, which callers explain.
package awsapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/sdkhttp"
)

// Endpoint says where STS is and which region signs for it.
type Endpoint struct {
	URL    string // the endpoint; "" lets the SDK derive it from Region
	Region string
}

// String is the endpoint as users should see it in messages.
func (e Endpoint) String() string {
	if e.URL != "" {
		return e.URL
	}
	ep, err := sts.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), sts.EndpointParameters{Region: aws.String(e.Region)})
	if err != nil {
		return "STS in " + e.Region
	}
	return ep.URI.String()
}

// SessionTokenInput is a GetSessionToken request.
type SessionTokenInput struct {
	Duration  time.Duration
	MFASerial string
	MFACode   string
}

// AssumeRoleInput is an AssumeRole request.
type AssumeRoleInput struct {
	RoleARN        string
	SessionName    string
	ExternalID     string
	SourceIdentity string
	Duration       time.Duration
	Tags           map[string]string
	TransitiveTags []string
	// MFASerial and MFACode go with an AssumeRole signed with a long-term
	// key (a role session longer than an hour with MFA).
	MFASerial string
	MFACode   string
}

// FederationTokenInput is a GetFederationToken request: a federated user
// Name (2-32 of [\w+=,.@-]), an inline session Policy (without one the
// session can do nothing), the Duration (900 s to 36 h).
type FederationTokenInput struct {
	Name     string
	Policy   string
	Duration time.Duration
}

// WebIdentityInput is an AssumeRoleWithWebIdentity request; Token is the
// identity provider's JWT (never shown).
type WebIdentityInput struct {
	RoleARN     string
	SessionName string
	Token       string
	Duration    time.Duration
}

// SAMLInput is an AssumeRoleWithSAML request; Assertion is the base64
// SAMLResponse (never shown). Duration 0 leaves it to the assertion's
// SessionDuration attribute.
type SAMLInput struct {
	RoleARN      string
	PrincipalARN string
	Assertion    string
	Duration     time.Duration
}

// Identity is GetCallerIdentity's answer.
type Identity struct {
	UserID  string `json:"UserId"`
	Account string `json:"Account"`
	ARN     string `json:"Arn"`
	// ServerTime is the Date header of STS's response (whole seconds),
	// zero when unknown: the clock STS checks signatures against.
	ServerTime time.Time `json:"-"`
}

// API is the set of STS calls stscred makes. Each call names the
// credentials that sign it.
type API interface {
	GetSessionToken(ctx context.Context, signer creds.Credentials, in SessionTokenInput) (creds.Credentials, error)
	AssumeRole(ctx context.Context, signer creds.Credentials, in AssumeRoleInput) (creds.Credentials, error)
	GetCallerIdentity(ctx context.Context, cr creds.Credentials) (Identity, error)
	// AssumeRoleWithWebIdentity and AssumeRoleWithSAML are not signed: the
	// token or assertion is the credential.
	AssumeRoleWithWebIdentity(ctx context.Context, in WebIdentityInput) (creds.Credentials, error)
	AssumeRoleWithSAML(ctx context.Context, in SAMLInput) (creds.Credentials, error)
	// GetFederationToken must be signed with an IAM user's long-term key.
	GetFederationToken(ctx context.Context, signer creds.Credentials, in FederationTokenInput) (creds.Credentials, error)
}

// DefaultTimeout is the budget of one STS call, connection, every attempt
// and the waits between retries included (--sts-timeout): an endpoint that
// accepts the connection and never answers fails the call in seconds, not
// minutes, while other callers wait on its lock.
const DefaultTimeout = 15 * time.Second

// SDK is API on aws-sdk-go-v2's STS client.
type SDK struct {
	ep      Endpoint
	timeout time.Duration
	client  *sts.Client
	bad     error // the endpoint URL is unusable; every call returns it
	// served is the Date of STS's last answer (unix seconds), 0 if none.
	served atomic.Int64
}

// ServerTime is the Date header of STS's last answer, zero if none: the
// clock STS checks signatures and expirations against.
func (s *SDK) ServerTime() time.Time {
	if n := s.served.Load(); n != 0 {
		return time.Unix(n, 0)
	}
	return time.Time{}
}

func (s *SDK) noteServerTime(md middleware.Metadata) {
	if t, ok := awsmiddleware.GetServerTime(md); ok {
		s.served.Store(t.Unix())
	}
}

// NewSDK returns an STS client for ep whose calls each end within timeout
// (DefaultTimeout when 0). It reads no shared config and no environment:
// everything it needs is in ep.
func NewSDK(ep Endpoint, timeout time.Duration) *SDK {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	opts := sts.Options{Region: ep.Region, HTTPClient: sdkhttp.Client(timeout)}
	if ep.URL != "" {
		opts.BaseEndpoint = aws.String(ep.URL)
	}
	return &SDK{ep: ep, timeout: timeout, client: sts.New(opts), bad: ep.check()}
}

// check refuses an endpoint URL that is no http(s) URL with a host.
func (e Endpoint) check() error {
	if e.URL == "" {
		return nil
	}
	u, err := url.Parse(e.URL)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return nil
	}
	return hint.With(fmt.Errorf("the STS endpoint %q is not an http or https URL", e.URL),
		"it comes from AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or endpoint_url (in that order): give a URL like https://sts.eu-west-1.amazonaws.com, or unset it")
}

// budget bounds one call, retries included.
func (s *SDK) budget(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// once makes a call that is never retried: one carrying an MFA code,
// which STS accepts once (a retry after a lost answer would be refused and
// look like a wrong code).
func once(o *sts.Options) { o.RetryMaxAttempts = 1 }

// notRetried marks the APIError of a call made once (when once is true),
// so that its explanation does not speak of retries.
func notRetried(err error, once bool) error {
	if ae, ok := err.(*APIError); ok && once {
		ae.NotRetried = true
	}
	return err
}

// Retried reports whether the call behind err was retried on throttling
// and 5xx before it failed: every call is but one carrying an MFA code.
func Retried(err error) bool {
	var ae *APIError
	return !errors.As(err, &ae) || !ae.NotRetried
}

func signWith(c creds.Credentials) func(*sts.Options) {
	return func(o *sts.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	}
}

func (s *SDK) GetSessionToken(ctx context.Context, signer creds.Credentials, in SessionTokenInput) (creds.Credentials, error) {
	if s.bad != nil {
		return creds.Credentials{}, s.bad
	}
	req := &sts.GetSessionTokenInput{}
	if in.Duration > 0 {
		req.DurationSeconds = aws.Int32(int32(in.Duration / time.Second))
	}
	if in.MFASerial != "" {
		req.SerialNumber = aws.String(in.MFASerial)
		req.TokenCode = aws.String(in.MFACode)
	}
	optFns := []func(*sts.Options){signWith(signer)}
	if in.MFACode != "" {
		optFns = append(optFns, once)
	}
	ctx, cancel := s.budget(ctx)
	defer cancel()
	out, err := s.client.GetSessionToken(ctx, req, optFns...)
	if err != nil {
		return creds.Credentials{}, scrubSigner(notRetried(s.wrap(ctx, "GetSessionToken", err), in.MFACode != ""), signer)
	}
	s.noteServerTime(out.ResultMetadata)
	return fromSDK(out.Credentials)
}

func (s *SDK) AssumeRole(ctx context.Context, signer creds.Credentials, in AssumeRoleInput) (creds.Credentials, error) {
	if s.bad != nil {
		return creds.Credentials{}, s.bad
	}
	req := &sts.AssumeRoleInput{RoleArn: aws.String(in.RoleARN), RoleSessionName: aws.String(in.SessionName)}
	if in.Duration > 0 {
		req.DurationSeconds = aws.Int32(int32(in.Duration / time.Second))
	}
	if in.ExternalID != "" {
		req.ExternalId = aws.String(in.ExternalID)
	}
	if in.SourceIdentity != "" {
		req.SourceIdentity = aws.String(in.SourceIdentity)
	}
	for k, v := range in.Tags {
		req.Tags = append(req.Tags, ststypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	req.TransitiveTagKeys = in.TransitiveTags
	optFns := []func(*sts.Options){signWith(signer)}
	if in.MFASerial != "" {
		req.SerialNumber, req.TokenCode = aws.String(in.MFASerial), aws.String(in.MFACode)
		optFns = append(optFns, once)
	}
	ctx, cancel := s.budget(ctx)
	defer cancel()
	out, err := s.client.AssumeRole(ctx, req, optFns...)
	if err != nil {
		return creds.Credentials{}, scrubSigner(notRetried(s.wrap(ctx, "AssumeRole", err), in.MFASerial != ""), signer)
	}
	s.noteServerTime(out.ResultMetadata)
	return fromSDK(out.Credentials)
}

// idpRetry retries what AWS says to retry with backoff: the provider
// could not be reached by STS (IDPCommunicationError), besides the
// throttling and 5xx the standard retryer handles.
func idpRetry(o *sts.Options) {
	o.Retryer = retry.AddWithErrorCodes(retry.NewStandard(), "IDPCommunicationError")
}

func (s *SDK) AssumeRoleWithWebIdentity(ctx context.Context, in WebIdentityInput) (creds.Credentials, error) {
	if s.bad != nil {
		return creds.Credentials{}, s.bad
	}
	req := &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(in.RoleARN), RoleSessionName: aws.String(in.SessionName), WebIdentityToken: aws.String(in.Token)}
	if in.Duration > 0 {
		req.DurationSeconds = aws.Int32(int32(in.Duration / time.Second))
	}
	ctx, cancel := s.budget(ctx)
	defer cancel()
	out, err := s.client.AssumeRoleWithWebIdentity(ctx, req, idpRetry)
	if err != nil {
		return creds.Credentials{}, s.wrap(ctx, "AssumeRoleWithWebIdentity", err)
	}
	s.noteServerTime(out.ResultMetadata)
	return fromSDK(out.Credentials)
}

func (s *SDK) AssumeRoleWithSAML(ctx context.Context, in SAMLInput) (creds.Credentials, error) {
	if s.bad != nil {
		return creds.Credentials{}, s.bad
	}
	req := &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(in.RoleARN), PrincipalArn: aws.String(in.PrincipalARN), SAMLAssertion: aws.String(in.Assertion)}
	if in.Duration > 0 {
		req.DurationSeconds = aws.Int32(int32(in.Duration / time.Second))
	}
	ctx, cancel := s.budget(ctx)
	defer cancel()
	out, err := s.client.AssumeRoleWithSAML(ctx, req, idpRetry)
	if err != nil {
		return creds.Credentials{}, s.wrap(ctx, "AssumeRoleWithSAML", err)
	}
	s.noteServerTime(out.ResultMetadata)
	return fromSDK(out.Credentials)
}

func (s *SDK) GetFederationToken(ctx context.Context, signer creds.Credentials, in FederationTokenInput) (creds.Credentials, error) {
	if s.bad != nil {
		return creds.Credentials{}, s.bad
	}
	req := &sts.GetFederationTokenInput{Name: aws.String(in.Name)}
	if in.Policy != "" {
		req.Policy = aws.String(in.Policy)
	}
	if in.Duration > 0 {
		req.DurationSeconds = aws.Int32(int32(in.Duration / time.Second))
	}
	ctx, cancel := s.budget(ctx)
	defer cancel()
	out, err := s.client.GetFederationToken(ctx, req, signWith(signer))
	if err != nil {
		return creds.Credentials{}, scrubSigner(s.wrap(ctx, "GetFederationToken", err), signer)
	}
	s.noteServerTime(out.ResultMetadata)
	return fromSDK(out.Credentials)
}

func (s *SDK) GetCallerIdentity(ctx context.Context, cr creds.Credentials) (Identity, error) {
	if s.bad != nil {
		return Identity{}, s.bad
	}
	ctx, cancel := s.budget(ctx)
	defer cancel()
	out, err := s.client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, signWith(cr))
	if err != nil {
		return Identity{}, scrubSigner(s.wrap(ctx, "GetCallerIdentity", err), cr)
	}
	id := Identity{UserID: aws.ToString(out.UserId), Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn)}
	id.ServerTime, _ = awsmiddleware.GetServerTime(out.ResultMetadata)
	return id, nil
}

func fromSDK(c *ststypes.Credentials) (creds.Credentials, error) {
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil || c.Expiration == nil {
		return creds.Credentials{}, errors.New("STS answered without credentials")
	}
	return creds.Credentials{
		AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey,
		SessionToken: aws.ToString(c.SessionToken), Expiration: c.Expiration.UTC(),
	}, nil
}

// APIError is an error document STS or IAM returned (IAM's inside an
// IAMError).
type APIError struct {
	Op       string
	Code     string
	Message  string
	Status   int
	Endpoint string
	// ServerTime is the response's Date header, zero when unknown. STS
	// sends it with errors too, so a refusal for clock skew
	// (SignatureDoesNotMatch) still tells how far off this clock is.
	ServerTime time.Time
	// NotRetried is set when the call was made once, throttling and 5xx
	// included: it carried an MFA code, which STS takes once, or it was
	// IAM's CreateAccessKey, which a retry after a lost answer would make
	// twice.
	NotRetried bool
}

func (e *APIError) Error() string {
	return fmt.Sprintf("STS %s failed: %s: %s", e.Op, e.Code, e.Message)
}

// UnreachableError means no answer came from STS (or IAM, inside an
// IAMError) at all.
type UnreachableError struct {
	Op       string
	Endpoint string
	Err      error
	// NotSent is true when no connection was made (a name that does not
	// resolve, a refused connection): the request never reached STS.
	NotSent bool
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach STS at %s: %v", e.Endpoint, e.Err)
}
func (e *UnreachableError) Unwrap() error { return e.Err }

// wrap turns the SDK's error into an APIError or UnreachableError. ctx is
// the call's budget.
func (s *SDK) wrap(ctx context.Context, op string, err error) error {
	var sendErr *smithyhttp.RequestSendError
	var oerr *net.OpError
	var dnsErr *net.DNSError
	if errors.As(err, &sendErr) || errors.As(err, &oerr) || errors.As(err, &dnsErr) || errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		notSent := errors.As(err, &dnsErr) || errors.As(err, &oerr) && oerr.Op == "dial"
		cause := sdkhttp.RootCause(err)
		if !notSent && sdkhttp.OutOfTime(ctx, err) {
			cause = fmt.Errorf("no answer within %s", s.timeout)
		}
		return &UnreachableError{Op: op, Endpoint: s.ep.String(), Err: cause, NotSent: notSent}
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		e := &APIError{Op: op, Code: apiErr.ErrorCode(), Message: apiErr.ErrorMessage(), Endpoint: s.ep.String()}
		var re *awshttp.ResponseError
		if errors.As(err, &re) {
			e.Status = re.HTTPStatusCode()
			e.ServerTime = dateOf(re)
		}
		return e
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return &APIError{Op: op, Code: http.StatusText(re.HTTPStatusCode()), Message: "unexpected answer", Status: re.HTTPStatusCode(), Endpoint: s.ep.String(), ServerTime: dateOf(re)}
	}
	return fmt.Errorf("STS %s: %w", op, err)
}

// dateOf reads the Date header of the response behind an error.
func dateOf(re *awshttp.ResponseError) time.Time {
	if re.Response == nil || re.Response.Response == nil {
		return time.Time{}
	}
	t, err := http.ParseTime(re.Response.Header.Get("Date"))
	if err != nil {
		return time.Time{}
	}
	return t
}

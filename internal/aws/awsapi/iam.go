package awsapi

// IAM's query protocol (API version 2010-05-08), written by hand for the
// four calls of a key rotation. The SDK's IAM client would do, but it
// brings every IAM operation into the binary: kong and godbus call
// reflect's Method/MethodByName with names the linker cannot see, so it
// keeps every exported method of every reachable type, ~170 operations
// with their serializers (5.5 MB of a 20 MB binary, paid for by every
// process start, the cache hit included).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/sys/sdkhttp"
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

// iamURL is IAM's endpoint in region's partition, as the SDK resolves it
// (no FIPS, no dual stack).
func iamURL(region string) string {
	switch iamRegion(region) {
	case "cn-north-1":
		return "https://iam.cn-north-1.amazonaws.com.cn"
	case "us-gov-west-1":
		return "https://iam.us-gov.amazonaws.com"
	}
	return "https://iam.amazonaws.com"
}

const (
	iamVersion = "2010-05-08"
	// maxIAMAnswer caps the body of an answer read from IAM. Its
	// documents are a few hundred bytes (a list holds at most two keys).
	maxIAMAnswer = 1 << 20
	// iamAttempts is how often an idempotent call is tried in all, as
	// the SDKs' standard retryer does, all within one budget.
	iamAttempts = 3
	// maxIAMPages bounds the pages of one ListAccessKeys.
	maxIAMPages = 100
	// skewThreshold is how far the server's Date must be from the time
	// a request was signed for before a refused signature counts as this
	// machine's clock being off (the SDKs' threshold too).
	skewThreshold = 4 * time.Minute
)

// IAMClient is IAM on its query protocol: a form-encoded POST signed with
// SigV4 for service "iam", an XML answer. Like NewSDK's client it reads no
// shared config and no environment. Each call has one budget (connection,
// attempts and the waits between them); ListAccessKeys, UpdateAccessKey
// and DeleteAccessKey are retried on throttling, 5xx and connection
// failures with backoff inside it; CreateAccessKey is never retried: a
// lost answer after IAM made the key would make a second one. A
// signature refused for this machine's clock is signed again once, at
// the server's time (IAM acted on nothing), as the SDKs do.
type IAMClient struct {
	ep      Endpoint
	url     string // where requests go
	region  string // the region they are signed for
	timeout time.Duration
	http    interface {
		Do(*http.Request) (*http.Response, error)
	}
	signer *v4.Signer
	bad    error // the endpoint URL is unusable; every call returns it
	// offset is what the server's clock is ahead of this one (ns), learnt
	// from a signature refused for the clock; requests are signed for
	// now+offset.
	offset atomic.Int64

	// What tests change: the clock, the wait before retry n (1, 2), the
	// MaxItems of ListAccessKeys (0: not sent), the body cap.
	now      func() time.Time
	backoff  func(n int) time.Duration
	pageSize int
	maxBody  int64
}

// NewIAM returns an IAM client for ep whose calls each end within timeout
// (DefaultTimeout when 0).
func NewIAM(ep Endpoint, timeout time.Duration) *IAMClient {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	c := &IAMClient{
		ep: ep, url: ep.URL, region: ep.Region, timeout: timeout,
		http: sdkhttp.Client(timeout), signer: v4.NewSigner(),
		now: time.Now, backoff: jitterBackoff, maxBody: maxIAMAnswer,
	}
	if c.url == "" {
		c.url, c.region = iamURL(ep.Region), iamRegion(ep.Region)
	} else if u, err := url.Parse(c.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.bad = hint.With(fmt.Errorf("the IAM endpoint %q is not an http or https URL", c.url),
			"it comes from AWS_ENDPOINT_URL_IAM or AWS_ENDPOINT_URL (in that order): give a URL like https://iam.amazonaws.com, or unset it")
	} else {
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/" // the query protocol's operations are at "/" under the endpoint's path
		}
		c.url = u.String()
	}
	if c.region == "" {
		c.region = DefaultRegion
	}
	return c
}

// endpoint is the IAM endpoint as users should see it in messages.
func (c *IAMClient) endpoint() string {
	if c.ep.URL != "" {
		return c.ep.URL
	}
	return c.url
}

// jitterBackoff is the wait before retry n: a random time up to 2^(n-1)
// seconds (the SDKs' full jitter), at most 20 seconds.
func jitterBackoff(n int) time.Duration {
	ceiling := min(time.Second<<(n-1), 20*time.Second)
	return time.Duration(rand.Int64N(int64(ceiling)))
}

// The documents IAM answers with. Element names are matched without their
// namespace.

type iamKeyXML struct {
	UserName        string
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string
	SecretAccessKey string
	CreateDate      string
}

type listAccessKeysResponse struct {
	XMLName xml.Name    `xml:"ListAccessKeysResponse"`
	Keys    []iamKeyXML `xml:"ListAccessKeysResult>AccessKeyMetadata>member"`
	// IsTruncated is a string so that a missing element is "" (false).
	IsTruncated string `xml:"ListAccessKeysResult>IsTruncated"`
	Marker      string `xml:"ListAccessKeysResult>Marker"`
}

type createAccessKeyResponse struct {
	XMLName xml.Name  `xml:"CreateAccessKeyResponse"`
	Key     iamKeyXML `xml:"CreateAccessKeyResult>AccessKey"`
}

type iamErrorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

func (k iamKeyXML) info() (AccessKeyInfo, error) {
	info := AccessKeyInfo{ID: k.AccessKeyID, Status: k.Status, UserName: k.UserName}
	if k.CreateDate != "" {
		t, err := time.Parse(time.RFC3339, k.CreateDate)
		if err != nil {
			return info, fmt.Errorf("the CreateDate of key %s is no time", mask(k.AccessKeyID))
		}
		info.Created = t.UTC()
	}
	return info, nil
}

func (c *IAMClient) ListAccessKeys(ctx context.Context, signer creds.Credentials) ([]AccessKeyInfo, error) {
	const op = "ListAccessKeys"
	if c.bad != nil {
		return nil, c.bad
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	params := url.Values{}
	if c.pageSize > 0 {
		params.Set("MaxItems", strconv.Itoa(c.pageSize))
	}
	var out []AccessKeyInfo
	seen := map[string]bool{}
	for page := 1; ; page++ {
		var res listAccessKeysResponse
		if err := c.call(ctx, signer, op, params, true, &res); err != nil {
			return nil, err
		}
		for _, k := range res.Keys {
			info, err := k.info()
			if err != nil {
				return nil, fmt.Errorf("IAM %s answered with a list stscred cannot read: %w", op, err)
			}
			out = append(out, info)
		}
		if strings.TrimSpace(res.IsTruncated) != "true" || res.Marker == "" {
			return out, nil
		}
		if seen[res.Marker] || page >= maxIAMPages {
			return nil, fmt.Errorf("IAM %s: the list does not end (%d pages)", op, page)
		}
		seen[res.Marker] = true
		params.Set("Marker", res.Marker)
	}
}

func (c *IAMClient) CreateAccessKey(ctx context.Context, signer creds.Credentials) (NewAccessKey, error) {
	const op = "CreateAccessKey"
	if c.bad != nil {
		return NewAccessKey{}, c.bad
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var res createAccessKeyResponse
	if err := c.call(ctx, signer, op, nil, false, &res); err != nil {
		return NewAccessKey{}, err
	}
	k := res.Key
	if k.AccessKeyID == "" || k.SecretAccessKey == "" {
		return NewAccessKey{}, errors.New("IAM CreateAccessKey answered without a key")
	}
	info, err := k.info()
	if err != nil {
		return NewAccessKey{}, fmt.Errorf("IAM %s answered with a key stscred cannot read: %w", op, err)
	}
	return NewAccessKey{AccessKeyInfo: info, Secret: k.SecretAccessKey}, nil
}

func (c *IAMClient) UpdateAccessKey(ctx context.Context, signer creds.Credentials, id, status string) error {
	if c.bad != nil {
		return c.bad
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return c.call(ctx, signer, "UpdateAccessKey", url.Values{"AccessKeyId": {id}, "Status": {status}}, true, nil)
}

func (c *IAMClient) DeleteAccessKey(ctx context.Context, signer creds.Credentials, id string) error {
	if c.bad != nil {
		return c.bad
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return c.call(ctx, signer, "DeleteAccessKey", url.Values{"AccessKeyId": {id}}, true, nil)
}

// call makes one IAM call within ctx (its budget) and decodes a
// successful answer into out (nil: the answer is read and dropped).
// idempotent calls are retried. Its errors are IAMError around an
// APIError or UnreachableError, or say what went wrong with the answer;
// none holds the signer's secret or token, nor anything of a successful
// answer's text (CreateAccessKey's holds the new secret).
func (c *IAMClient) call(ctx context.Context, signer creds.Credentials, op string, params url.Values, idempotent bool, out any) error {
	form := url.Values{"Action": {op}, "Version": {iamVersion}}
	for k, v := range params {
		form[k] = v
	}
	body := form.Encode()
	sum := sha256.Sum256([]byte(body))
	payloadHash := hex.EncodeToString(sum[:])

	reskewed := false
	for attempt := 1; ; {
		a := c.attempt(ctx, signer, body, payloadHash)
		var failure error
		switch {
		case a.err != nil:
			failure = c.unreachable(ctx, op, a.err)
			if !idempotent || !retryableNet(a.err) {
				return &IAMError{Err: failure}
			}
		case a.tooLarge && a.status/100 == 2:
			return fmt.Errorf("IAM %s: the answer is larger than %d bytes%s", op, c.maxBody, mayHaveMade(op))
		case a.status/100 == 2:
			if out == nil {
				return nil
			}
			if err := xml.Unmarshal(a.body, out); err != nil {
				if op == "CreateAccessKey" {
					// The decoder's message may quote the document, which
					// holds the new key's secret.
					return fmt.Errorf("IAM %s answered with a document stscred cannot read%s", op, mayHaveMade(op))
				}
				return fmt.Errorf("IAM %s answered with a document stscred cannot read: %w", op, err)
			}
			return nil
		default:
			ae := c.apiError(op, a)
			if !reskewed && skewRefusal(ae.Code) && !a.date.IsZero() {
				// The server's Date, against the time the request was
				// signed for: a refusal for this machine's clock is signed
				// again at the server's time, once; IAM did nothing.
				seen := a.date.Sub(c.now())
				if d := seen - time.Duration(c.offset.Load()); d > skewThreshold || d < -skewThreshold {
					c.offset.Store(int64(seen))
					reskewed = true
					if ctx.Err() == nil {
						continue
					}
				}
			}
			ae = scrubSigner(ae, signer).(*APIError) // scrub keeps an APIError's type
			ae.NotRetried = !idempotent
			failure = ae
			if !idempotent || !retryableAnswer(ae) {
				return &IAMError{Err: failure}
			}
		}
		// A retry, if one is left and its wait fits in the budget.
		if attempt >= iamAttempts || ctx.Err() != nil {
			return &IAMError{Err: failure}
		}
		wait := c.backoff(attempt)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= wait {
			return &IAMError{Err: failure}
		}
		if sdkhttp.Sleep(ctx, wait) != nil {
			return &IAMError{Err: failure}
		}
		attempt++
	}
}

// mayHaveMade is what an unreadable success of op leaves unknown.
func mayHaveMade(op string) string {
	if op == "CreateAccessKey" {
		return "; IAM may have made a key"
	}
	return ""
}

// answer is what one attempt got: an HTTP answer (its body read up to the
// cap), or the error that kept it from coming.
type answer struct {
	status   int
	body     []byte
	tooLarge bool      // the body was cut at the cap
	date     time.Time // the Date header, zero if none
	err      error
}

// attempt sends the request once, signed now.
func (c *IAMClient) attempt(ctx context.Context, signer creds.Credentials, body, payloadHash string) answer {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, strings.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("User-Agent", "stscred")
	signingTime := c.now().Add(time.Duration(c.offset.Load()))
	cr := aws.Credentials{AccessKeyID: signer.AccessKeyID, SecretAccessKey: signer.SecretAccessKey, SessionToken: signer.SessionToken}
	if err := c.signer.SignHTTP(ctx, cr, req, payloadHash, "iam", c.region, signingTime); err != nil {
		return answer{err: err}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return answer{err: err}
	}
	a := answer{status: resp.StatusCode, body: b}
	if int64(len(b)) > c.maxBody {
		a.body, a.tooLarge = nil, true
	}
	if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		a.date = t
	}
	return a
}

// apiError reads IAM's error document. An answer that is none (a proxy's
// page, say) is named by its HTTP status.
func (c *IAMClient) apiError(op string, a answer) *APIError {
	e := &APIError{Op: op, Status: a.status, Endpoint: c.endpoint(), ServerTime: a.date}
	var doc iamErrorResponse
	switch {
	case a.tooLarge:
		e.Message = fmt.Sprintf("unexpected answer (larger than %d bytes)", c.maxBody)
	case xml.Unmarshal(a.body, &doc) == nil && doc.Error.Code != "":
		e.Code, e.Message = doc.Error.Code, doc.Error.Message
	default:
		e.Message = "unexpected answer"
	}
	if e.Code == "" {
		e.Code = http.StatusText(a.status)
		if e.Code == "" {
			e.Code = "HTTP " + strconv.Itoa(a.status)
		}
	}
	return e
}

// unreachable is the UnreachableError of a request that got no answer.
// ctx is the call's budget.
func (c *IAMClient) unreachable(ctx context.Context, op string, err error) *UnreachableError {
	var oerr *net.OpError
	var dnsErr *net.DNSError
	notSent := errors.As(err, &dnsErr) || errors.As(err, &oerr) && oerr.Op == "dial"
	cause := sdkhttp.RootCause(err)
	if !notSent && sdkhttp.OutOfTime(ctx, err) {
		cause = fmt.Errorf("no answer within %s", c.timeout)
	}
	return &UnreachableError{Op: op, Endpoint: c.endpoint(), Err: cause, NotSent: notSent}
}

// retryableAnswer reports the refusals worth trying again: throttling,
// a timeout on the service's side, 5xx.
func retryableAnswer(ae *APIError) bool {
	switch ae.Code {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown",
		"PriorRequestNotComplete", "RequestTimeout", "RequestTimeoutException":
		return true
	}
	switch ae.Status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableNet reports the connection failures worth trying again, as the
// SDKs' standard retryer sees them: a connection not made (but a name that
// does not exist), one reset or closed, a timeout. Not a TLS certificate
// refused, nor the end of the budget (the caller checks).
func retryableNet(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return !dnsErr.IsNotFound
	}
	var oerr *net.OpError
	if errors.As(err, &oerr) && oerr.Op == "dial" {
		return true
	}
	msg := err.Error()
	if strings.Contains(msg, "connection reset") || strings.Contains(msg, "connection refused") ||
		strings.Contains(msg, "use of closed network connection") || strings.Contains(msg, "broken pipe") {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// skewRefusal reports the codes with which a service refuses a signature
// that may be dated wrong (IAM's is SignatureDoesNotMatch, "Signature
// expired").
func skewRefusal(code string) bool {
	switch code {
	case "SignatureDoesNotMatch", "InvalidSignatureException", "RequestTimeTooSkewed", "AuthFailure":
		return true
	}
	return false
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

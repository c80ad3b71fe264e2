package signin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/signin"
	"github.com/aws/aws-sdk-go-v2/service/signin/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/sdkhttp"
	"github.com/stscred/stscred/keystore"
)

// The two public clients of AWS Sign-In for developer tools.
const (
	ClientSameDevice  = "arn:aws:signin:::devtools/same-device"
	ClientCrossDevice = "arn:aws:signin:::devtools/cross-device"
)

// Client signs in to AWS Sign-In and renews a session's credentials.
type Client struct {
	Store keystore.Store // where sessions live (never a file in the clear)
	Now   func() time.Time
	// Lock serialises, across processes, a session's renewal and
	// sign-in (refresh tokens rotate): name is a secret-free lock name,
	// doing says what the holder does. nil: no cross-process lock.
	Lock func(ctx context.Context, name, doing string) (unlock func(), err error)
	// Open opens a URL in the user's browser (through package browser's
	// link); an error means it could not, and Login then prints the URL.
	Open func(ctx context.Context, url string) error
	// ReadCode reads the code the cross-device confirmation page shows,
	// after showing prompt (from the terminal, or stdin when there is
	// none).
	ReadCode func(prompt string) (string, error)
	Out      io.Writer     // the user's side (stderr): URLs and progress; never stdout
	Timeout  time.Duration // budget of one call, retries included (0: 30s)
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) out() io.Writer {
	if c.Out != nil {
		return c.Out
	}
	return io.Discard
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 30 * time.Second
}

// lock takes the session's lock; unlock is never nil.
func (c *Client) lock(ctx context.Context, s Session, doing string) (func(), error) {
	if c.Lock == nil {
		return func() {}, nil
	}
	return c.Lock(ctx, "login:"+s.ID(), doing)
}

// grant is what a token call returned.
type grant struct {
	creds        creds.Credentials
	refreshToken string
	idToken      string
}

// token makes one CreateOAuth2Token call at s's endpoint, its DPoP proof
// signed with the session's key. A code or a refresh token is accepted
// once: the call is never retried.
func (c *Client) token(ctx context.Context, s Session, e *entry, in *types.CreateOAuth2TokenRequestBody) (grant, error) {
	key, err := e.key()
	if err != nil {
		return grant{}, hint.With(fmt.Errorf("the stored sign-in of profile %s: %v", s.Profile, err), "sign in again: "+s.LoginCommand())
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	client := signin.New(signin.Options{
		Region: s.Region, BaseEndpoint: aws.String(s.baseURL()), HTTPClient: sdkhttp.Client(c.timeout()),
		RetryMaxAttempts: 1,
	})
	now := c.now()
	out, err := client.CreateOAuth2Token(ctx, &signin.CreateOAuth2TokenInput{TokenInput: in},
		signin.WithAPIOptions(func(st *middleware.Stack) error {
			return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("stscredDPoP", func(ctx context.Context, fin middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				req, ok := fin.Request.(*smithyhttp.Request)
				if !ok {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("unexpected request type %T", fin.Request)
				}
				u := *req.URL
				u.RawQuery, u.Fragment = "", ""
				p, err := proof(key, u.String(), now)
				if err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				req.Header.Set("DPoP", p)
				return next.HandleFinalize(ctx, fin)
			}), middleware.After)
		}))
	if err != nil {
		return grant{}, c.explain(ctx, s, err)
	}
	b := out.TokenOutput
	if b == nil || b.AccessToken == nil || aws.ToString(b.AccessToken.AccessKeyId) == "" || aws.ToString(b.AccessToken.SecretAccessKey) == "" ||
		aws.ToString(b.AccessToken.SessionToken) == "" || aws.ToString(b.RefreshToken) == "" {
		return grant{}, fmt.Errorf("AWS Sign-In answered profile %s's token request without credentials or a refresh token", s.Profile)
	}
	life := time.Duration(aws.ToInt32(b.ExpiresIn)) * time.Second
	if life <= 0 || life > time.Hour {
		life = 15 * time.Minute
	}
	return grant{
		creds: creds.Credentials{
			AccessKeyID: aws.ToString(b.AccessToken.AccessKeyId), SecretAccessKey: aws.ToString(b.AccessToken.SecretAccessKey),
			SessionToken: aws.ToString(b.AccessToken.SessionToken), Expiration: now.Add(life).UTC().Truncate(time.Second),
		},
		refreshToken: aws.ToString(b.RefreshToken),
		idToken:      aws.ToString(b.IdToken),
	}, nil
}

// explain turns a token call's error into the user's terms; the codes
// that mean the session is over are NeedsSignIn errors.
func (c *Client) explain(ctx context.Context, s Session, err error) error {
	var code types.OAuth2ErrorCode
	var msg string
	var ad *types.AccessDeniedException
	var ve *types.ValidationException
	var tm *types.TooManyRequestsError
	var ise *types.InternalServerException
	switch {
	case errors.As(err, &ad):
		code, msg = ad.Error_, ad.ErrorMessage()
	case errors.As(err, &ve):
		code, msg = ve.Error_, ve.ErrorMessage()
	case errors.As(err, &tm):
		return hint.With(fmt.Errorf("AWS Sign-In is throttling profile %s's requests: %s", s.Profile, oneLine(tm.ErrorMessage())), "try again in a moment")
	case errors.As(err, &ise):
		return hint.With(fmt.Errorf("AWS Sign-In failed profile %s's request (%s): %s", s.Profile, ise.Error_, oneLine(ise.ErrorMessage())), "try again in a moment")
	default:
		if sdkhttp.OutOfTime(ctx, err) {
			return hint.With(fmt.Errorf("AWS Sign-In at %s: no answer within %s", s.baseURL(), c.timeout()),
				"check the network, or raise --sts-timeout")
		}
		var re *smithyhttp.ResponseError
		if errors.As(err, &re) {
			return hint.With(fmt.Errorf("AWS Sign-In at %s refused profile %s's request: HTTP %d", s.baseURL(), s.Profile, re.HTTPStatusCode()), "try again in a moment")
		}
		return hint.With(fmt.Errorf("cannot reach AWS Sign-In at %s: %v", s.baseURL(), sdkhttp.RootCause(err)),
			"check the network and the endpoint (AWS_ENDPOINT_URL_SIGNIN, AWS_ENDPOINT_URL, the profile's endpoint_url)")
	}
	switch code {
	case types.OAuth2ErrorCodeTokenExpired:
		return needSignIn(s, "the sign-in of profile %s has ended (a session lasts at most 12 hours)", s.Profile)
	case types.OAuth2ErrorCodeUserCredentialsChanged:
		return needSignIn(s, "the sign-in of profile %s has ended: the password was changed", s.Profile)
	case types.OAuth2ErrorCodeInsufficientPermissions:
		return hint.With(fmt.Errorf("%s may not sign in for local development: %s", orProfile(s), oneLine(msg)),
			"an administrator must allow signin:AuthorizeOAuth2Access and signin:CreateOAuth2Token (the AWS managed policy SignInLocalDevelopmentAccess)",
			"then: "+s.LoginCommand())
	case types.OAuth2ErrorCodeAuthcodeExpired:
		return hint.With(fmt.Errorf("the sign-in of profile %s took too long: the code from the browser expired", s.Profile), "run it again: "+s.LoginCommand())
	case types.OAuth2ErrorCodeInvalidRequest, types.OAuth2ErrorCodeOauthInvalidGrant:
		return needSignIn(s, "the sign-in of profile %s no longer works (revoked, or its refresh token already used): %s", s.Profile, oneLine(msg))
	}
	return hint.With(fmt.Errorf("AWS Sign-In refused profile %s's request (%s): %s", s.Profile, code, oneLine(msg)), "try again: "+s.LoginCommand())
}

func orProfile(s Session) string {
	if s.ARN != "" {
		return s.ARN
	}
	return "profile " + s.Profile + "'s identity"
}

// oneLine keeps a server's message to one line, of bounded length.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

package signin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/restjson"
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

// tokenInput is CreateOAuth2Token's body (POST /v1/token), one of its
// two grants: authorization_code (code, codeVerifier, redirectUri) or
// refresh_token (refreshToken).
type tokenInput struct {
	ClientID     string `json:"clientId,omitempty"`
	GrantType    string `json:"grantType,omitempty"`
	Code         string `json:"code,omitempty"`
	CodeVerifier string `json:"codeVerifier,omitempty"`
	RedirectURI  string `json:"redirectUri,omitempty"`
	RefreshToken string `json:"refreshToken,omitempty"`
}

// tokenOutput is CreateOAuth2Token's answer; idToken only for a code.
type tokenOutput struct {
	AccessToken *struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		SessionToken    string `json:"sessionToken"`
	} `json:"accessToken"`
	ExpiresIn    int32  `json:"expiresIn"`
	RefreshToken string `json:"refreshToken"`
	IDToken      string `json:"idToken"`
}

// exceptions are the exceptions Sign-In's model names; each carries the
// OAuth2ErrorCode in "error" and a message.
func exceptions() []string {
	return []string{
		"AccessDeniedException", "ConflictException", "InternalServerException", "InvalidGrantException",
		"InvalidScopeException", "ResourceNotFoundException", "ServiceQuotaExceededException",
		"ServiceUnavailableException", "TooManyRequestsError", "ValidationException",
	}
}

// token makes one CreateOAuth2Token call at s's endpoint (package
// restjson, as the SDK's signin client makes it), its DPoP proof signed
// with the session's key. A code or a refresh token is accepted once:
// the call is never retried.
func (c *Client) token(ctx context.Context, s Session, e *entry, in *tokenInput) (grant, error) {
	key, err := e.key()
	if err != nil {
		return grant{}, hint.With(fmt.Errorf("the stored sign-in of profile %s: %v", s.Profile, err), "sign in again: "+s.LoginCommand())
	}
	now := c.now()
	var b tokenOutput
	err = restjson.New(s.baseURL(), c.timeout(), exceptions()...).Call(ctx, restjson.Request{
		Method: http.MethodPost, Path: "/v1/token", Body: in, Once: true,
		Sign: func(req *http.Request) error {
			u := *req.URL
			u.RawQuery, u.Fragment = "", ""
			p, err := proof(key, u.String(), now)
			if err != nil {
				return err
			}
			req.Header.Set("DPoP", p)
			return nil
		},
	}, &b)
	if err != nil {
		return grant{}, c.explain(s, err)
	}
	if b.AccessToken == nil || b.AccessToken.AccessKeyID == "" || b.AccessToken.SecretAccessKey == "" ||
		b.AccessToken.SessionToken == "" || b.RefreshToken == "" {
		return grant{}, fmt.Errorf("AWS Sign-In answered profile %s's token request without credentials or a refresh token", s.Profile)
	}
	life := time.Duration(b.ExpiresIn) * time.Second
	if life <= 0 || life > time.Hour {
		life = 15 * time.Minute
	}
	return grant{
		creds: creds.Credentials{
			AccessKeyID: b.AccessToken.AccessKeyID, SecretAccessKey: b.AccessToken.SecretAccessKey,
			SessionToken: b.AccessToken.SessionToken, Expiration: now.Add(life).UTC().Truncate(time.Second),
		},
		refreshToken: b.RefreshToken,
		idToken:      b.IDToken,
	}, nil
}

// explain turns a token call's error into the user's terms; the codes
// that mean the session is over are NeedsSignIn errors.
func (c *Client) explain(s Session, err error) error {
	var code, msg string
	var e *restjson.Error
	if !errors.As(err, &e) {
		e = &restjson.Error{}
	}
	switch e.Code {
	case "AccessDeniedException", "ValidationException":
		code, msg = e.OAuthError, e.Message
	case "TooManyRequestsError":
		return hint.With(fmt.Errorf("AWS Sign-In is throttling profile %s's requests: %s", s.Profile, oneLine(e.Message)), "try again in a moment")
	case "InternalServerException":
		return hint.With(fmt.Errorf("AWS Sign-In failed profile %s's request (%s): %s", s.Profile, e.OAuthError, oneLine(e.Message)), "try again in a moment")
	default:
		var noAnswer *restjson.NoAnswerError
		isNoAnswer := errors.As(err, &noAnswer)
		if isNoAnswer && noAnswer.OutOfTime {
			return hint.With(fmt.Errorf("AWS Sign-In at %s: %v", s.baseURL(), noAnswer.Cause()),
				"check the network, or raise --sts-timeout")
		}
		if status := answerStatus(err); status != 0 {
			return hint.With(fmt.Errorf("AWS Sign-In at %s refused profile %s's request: HTTP %d", s.baseURL(), s.Profile, status), "try again in a moment")
		}
		cause := sdkhttp.RootCause(err)
		if isNoAnswer {
			cause = noAnswer.Cause()
		}
		return hint.With(fmt.Errorf("cannot reach AWS Sign-In at %s: %v", s.baseURL(), cause),
			"check the network and the endpoint (AWS_ENDPOINT_URL_SIGNIN, AWS_ENDPOINT_URL, the profile's endpoint_url)")
	}
	switch code {
	case "TOKEN_EXPIRED":
		return needSignIn(s, "the sign-in of profile %s has ended (a session lasts at most 12 hours)", s.Profile)
	case "USER_CREDENTIALS_CHANGED":
		return needSignIn(s, "the sign-in of profile %s has ended: the password was changed", s.Profile)
	case "INSUFFICIENT_PERMISSIONS":
		return hint.With(fmt.Errorf("%s may not sign in for local development: %s", orProfile(s), oneLine(msg)),
			"an administrator must allow signin:AuthorizeOAuth2Access and signin:CreateOAuth2Token (the AWS managed policy SignInLocalDevelopmentAccess)",
			"then: "+s.LoginCommand())
	case "AUTHCODE_EXPIRED":
		return hint.With(fmt.Errorf("the sign-in of profile %s took too long: the code from the browser expired", s.Profile), "run it again: "+s.LoginCommand())
	case "INVALID_REQUEST", "invalid_grant":
		return needSignIn(s, "the sign-in of profile %s no longer works (revoked, or its refresh token already used): %s", s.Profile, oneLine(msg))
	}
	return hint.With(fmt.Errorf("AWS Sign-In refused profile %s's request (%s): %s", s.Profile, code, oneLine(msg)), "try again: "+s.LoginCommand())
}

// answerStatus is the HTTP status of an answer that was no success, 0 when
// none came.
func answerStatus(err error) int {
	var e *restjson.Error
	if errors.As(err, &e) {
		return e.Status
	}
	var a *restjson.AnswerError
	if errors.As(err, &a) {
		return a.Status
	}
	return 0
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

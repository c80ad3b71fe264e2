package identitycenter

import (
	"context"
	"errors"
	"fmt"

	"github.com/stscred/stscred/internal/aws/restjson"
	"github.com/stscred/stscred/internal/base/hint"
)

// ErrNotSignedIn is wrapped by AccessToken, RoleCredentials and Accounts
// when there is no usable token: the user has to run stscred sso login.
var ErrNotSignedIn = errors.New("not signed in to IAM Identity Center")

// notSignedIn is an error wrapping ErrNotSignedIn with its own words, the
// session to sign in to, and the login hint.
type notSignedIn struct {
	msg     string
	session Session
}

func (e *notSignedIn) Error() string { return e.msg }
func (e *notSignedIn) Is(target error) bool {
	return target == ErrNotSignedIn
}

func notSignedInErr(s Session, format string, args ...any) error {
	return hint.With(&notSignedIn{msg: fmt.Sprintf(format, args...), session: s}, s.loginHint())
}

// NeedsSignIn reports whether err is a missing or ended sign-in, and to
// which session.
func NeedsSignIn(err error) (Session, bool) {
	var e *notSignedIn
	if errors.As(err, &e) {
		return e.session, true
	}
	return Session{}, false
}

// APIError is an exception an Identity Center API answered with. Its text
// is the exception's code and message, never the request (which may carry
// a token); restjson's error stays reachable through Unwrap.
type APIError struct {
	Op      string // the operation, e.g. "CreateToken"
	Code    string // the exception, e.g. "InvalidGrantException"
	Message string
	Status  int
	err     error
}

func (e *APIError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("IAM Identity Center %s failed: %s", e.Op, e.Code)
	}
	return fmt.Sprintf("IAM Identity Center %s failed: %s: %s", e.Op, e.Code, e.Message)
}
func (e *APIError) Unwrap() error { return e.err }

// UnreachableError means no answer came from the API at all.
type UnreachableError struct {
	Op       string
	Endpoint string
	Err      error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach IAM Identity Center (%s) at %s: %v", e.Op, e.Endpoint, e.Err)
}
func (e *UnreachableError) Unwrap() error { return e.Err }

// wrap turns a call's error into an APIError or an UnreachableError; ctx
// is the call's, endpoint the base URL as users should see it.
func (c *Client) wrap(ctx context.Context, op, endpoint string, err error) error {
	if errors.Is(err, context.Canceled) && ctx.Err() == context.Canceled {
		return fmt.Errorf("IAM Identity Center %s: %w", op, context.Canceled)
	}
	var apiErr *restjson.Error
	if errors.As(err, &apiErr) {
		return &APIError{Op: op, Code: apiErr.Code, Message: messageOf(apiErr, oidcOp(op)), Status: apiErr.Status, err: err}
	}
	var noAnswer *restjson.NoAnswerError
	if errors.As(err, &noAnswer) {
		return hint.With(&UnreachableError{Op: op, Endpoint: endpoint, Err: noAnswer.Cause()},
			"check the network; AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL move the endpoints")
	}
	var ae *restjson.AnswerError
	if errors.As(err, &ae) {
		return &APIError{Op: op, Code: fmt.Sprintf("HTTP %d", ae.Status), Message: "unexpected answer", Status: ae.Status, err: err}
	}
	return fmt.Errorf("IAM Identity Center %s: %w", op, err)
}

// codeOf is the exception code of an error wrap made, "" for none.
func codeOf(err error) string {
	var e *APIError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

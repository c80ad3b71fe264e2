package restjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/sys/sdkhttp"
)

// Error is the error document a service answered with, read as restJson1
// reads it. Its text is the code and message: never the request, which
// may carry a token.
type Error struct {
	// Code is the exception: the X-Amzn-ErrorType header, else the body's
	// __type, else its code, with a namespace ("ns#") and a URI (":...")
	// cut off; "UnknownError" when none names it.
	Code string
	// Message is the body's message (or Message), "" when none.
	Message string
	// OAuthError and Description are the OAuth 2.0 members "error" and
	// "error_description" (the OIDC API's; Sign-In's "error" is its
	// OAuth2ErrorCode), "" when absent.
	OAuthError, Description string
	// Modeled: Code is one of the client's Exceptions.
	Modeled   bool
	Status    int    // the HTTP status
	RequestID string // x-amzn-RequestId, "" when none
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("%s (HTTP %d)", e.Code, e.Status)
	}
	return fmt.Sprintf("%s (HTTP %d): %s", e.Code, e.Status, e.Message)
}

// AnswerError is an HTTP answer that is neither the service's error
// document nor the document the call asks for (a proxy's page, say, or
// one larger than the cap).
type AnswerError struct {
	Status int
	Reason string
}

func (e *AnswerError) Error() string {
	return fmt.Sprintf("unexpected answer (HTTP %d): %s", e.Status, e.Reason)
}

// NoAnswerError means no answer came: the connection failed, the budget
// ran out, or the caller's context ended. It unwraps to the transport's
// error (and so to context.Canceled, context.DeadlineExceeded).
type NoAnswerError struct {
	Err error
	// OutOfTime: the call ran out of its budget waiting for an answer
	// (sdkhttp.OutOfTime), rather than failing to connect.
	OutOfTime bool
	Budget    time.Duration
}

// Cause is what users are told: "no answer within" the budget, or the
// network error under the transport's layers.
func (e *NoAnswerError) Cause() error {
	if e.OutOfTime {
		return fmt.Errorf("no answer within %s", e.Budget)
	}
	return sdkhttp.RootCause(e.Err)
}

func (e *NoAnswerError) Error() string { return e.Cause().Error() }
func (e *NoAnswerError) Unwrap() error { return e.Err }

// protocolInfo is what restJson1 reads of every error document.
type protocolInfo struct {
	Type    string `json:"__type"`
	Message string // "message" or "Message"
	Code    any    // some services name the exception here
}

// oauthInfo is the OAuth 2.0 members, read when they are strings.
type oauthInfo struct {
	Error       any `json:"error"`
	Description any `json:"error_description"`
}

// readError reads an answer that is not a success. A body that is not a
// JSON object (an HTML page) is an AnswerError; an empty one, or one
// naming no exception, is an Error "UnknownError", as the SDK reads them.
func readError(resp *http.Response, body []byte, exceptions []string) error {
	var info protocolInfo
	if err := decodeFirst(body, &info); err != nil {
		return &AnswerError{Status: resp.StatusCode, Reason: "not an error document"}
	}
	code := resp.Header.Get("X-Amzn-ErrorType")
	if code == "" {
		code = info.Type
	}
	if c, ok := info.Code.(string); code == "" && ok {
		code = c
	}
	if code = sanitize(code); code == "" {
		code = "UnknownError"
	}
	e := &Error{Code: code, Message: info.Message, Modeled: slices.Contains(exceptions, code), Status: resp.StatusCode}
	var oauth oauthInfo
	if decodeFirst(body, &oauth) == nil {
		e.OAuthError, _ = oauth.Error.(string)
		e.Description, _ = oauth.Description.(string)
	}
	for _, h := range []string{"X-Amzn-Requestid", "X-Amz-Requestid"} {
		if e.RequestID = resp.Header.Get(h); e.RequestID != "" {
			break
		}
	}
	return e
}

// decodeFirst decodes the first JSON value of body into v; an empty body
// leaves v as it is.
func decodeFirst(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return json.NewDecoder(bytes.NewReader(body)).Decode(v)
}

// sanitize cuts a URI suffix (":http://internal.amazon.com/...") and a
// namespace prefix ("com.amazonaws.sso#") off an exception's name.
func sanitize(code string) string {
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if i := strings.IndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	return code
}

// Retries, as the SDK's standard retryer decides them.

// retryableAnswer reports the failures with an answer worth trying again:
// 5xx but 501, throttling, a timeout on the service's side.
func retryableAnswer(err error) bool {
	switch status, code := statusCode(err); {
	case status == 500, status == 502, status == 503, status == 504:
		return true
	case code == "RequestTimeout", code == "RequestTimeoutException":
		return true
	}
	return throttling(err)
}

// throttling reports a failure that says the caller is too fast: a
// throttling code, or a 429 the service's model does not name.
func throttling(err error) bool {
	status, code := statusCode(err)
	switch code {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
		"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
		"SlowDown", "PriorRequestNotComplete", "EC2ThrottledException":
		return true
	}
	var e *Error
	return status == http.StatusTooManyRequests && !(errors.As(err, &e) && e.Modeled)
}

// statusCode is the HTTP status and the exception of an answer's failure.
func statusCode(err error) (int, string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Status, e.Code
	}
	var a *AnswerError
	if errors.As(err, &a) {
		return a.Status, ""
	}
	return 0, ""
}

// notFound reports a host name that does not exist: not retried.
func notFound(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}

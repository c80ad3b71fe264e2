// Package sdkhttp holds what stscred's AWS clients (the SDK's STS client,
// its own IAM client in awsapi, and restjson's clients of Identity Center
// and AWS Sign-In) share about the network: one HTTP client shape with bounded waits, the
// network error under the SDK's layers, whether a call ran out of its
// budget, and a sleep that ends with its context. Imports nothing of
// stscred's.
package sdkhttp

import (
	"context"
	"errors"
	"net"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Client is the HTTP client of stscred's AWS clients: an attempt gives up
// after the whole budget, a connection attempt after 5 seconds (or the
// budget, if shorter).
func Client(budget time.Duration) *awshttp.BuildableClient {
	dial := min(5*time.Second, budget)
	return awshttp.NewBuildableClient().
		WithTimeout(budget).
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = dial })
}

// RootCause strips the SDK's layers of "operation error ..., exceeded
// maximum number of attempts ..." down to the network error.
func RootCause(err error) error {
	var oerr *net.OpError
	if errors.As(err, &oerr) {
		return oerr
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr
	}
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// OutOfTime reports whether err means the call ran out of its budget
// waiting for an answer: its context ended, or the HTTP client's own
// timeout (Client's, the same budget) fired a moment before the context
// did. A connection that could not be made in time is not counted: the
// request was never sent, and RootCause says why.
func OutOfTime(ctx context.Context, err error) bool {
	var oerr *net.OpError
	if errors.As(err, &oerr) && oerr.Op == "dial" {
		return false
	}
	if ctx.Err() != nil {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Sleep waits d, or until ctx ends (its error then).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

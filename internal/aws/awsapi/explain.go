package awsapi

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
)

// Code is the error code of the STS or IAM error document behind err, ""
// when there is none.
func Code(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

// MFARejected reports STS's answer to a wrong, reused or foreign MFA code.
func MFARejected(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == "AccessDenied" && strings.Contains(ae.Message, "MultiFactorAuthentication")
}

// Unreachable reports a failure to get any answer from STS: what the
// processes waiting for this one would meet too.
func Unreachable(err error) bool {
	var ue *UnreachableError
	return errors.As(err, &ue)
}

// MaybeSent reports a failure after which the request may have reached
// STS: no answer came, but the connection was made. An MFA code in it may
// have been used.
func MaybeSent(err error) bool {
	var ue *UnreachableError
	return errors.As(err, &ue) && !ue.NotSent
}

// StaleSigner reports an error that means the signing session is no
// longer valid.
func StaleSigner(err error) bool {
	switch Code(err) {
	case "ExpiredToken", "InvalidClientTokenId":
		return true
	}
	return false
}

// Explain explains (nil when it is none of them) the failures that mean the same whatever the call.
func Explain(err error) error {
	var ue *UnreachableError
	if errors.As(err, &ue) {
		hints := []string{
			"check the network connection (and HTTPS_PROXY if you use a proxy)",
			"the endpoint comes from AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or endpoint_url when set, else from the region",
		}
		if !ue.NotSent {
			hints = append(hints, "on a slow network give STS more time: --sts-timeout or STSCRED_STS_TIMEOUT (default 15s)")
		}
		return hint.With(err, hints...)
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		return nil
	}
	retries := ", even after retries"
	if ae.NotRetried {
		retries = " (not retried: the call carried an MFA code, which STS takes once)"
	}
	switch {
	case ae.Code == "Throttling" || ae.Code == "ThrottlingException" || ae.Code == "RequestLimitExceeded":
		return hint.With(fmt.Errorf("STS is throttling requests (%s)%s", ae.Message, retries), "try again in a few seconds")
	case ae.Status >= 500:
		return hint.With(fmt.Errorf("STS failed with %s (HTTP %d) at %s%s", ae.Code, ae.Status, ae.Endpoint, retries),
			"try again shortly; if it persists, check the AWS Health Dashboard")
	case ae.Code == "RegionDisabledException":
		return hint.With(fmt.Errorf("STS is not activated in this region for the account: %s", ae.Message),
			"activate the region in IAM account settings, or set region to one that is active")
	}
	return nil
}

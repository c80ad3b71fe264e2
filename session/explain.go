package session

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/keystore"
)

func codeOf(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

// mfaRejected reports STS's answer to a wrong, reused or foreign MFA code.
func mfaRejected(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == "AccessDenied" && strings.Contains(ae.Message, "MultiFactorAuthentication")
}

// unreachable reports a failure to get any answer from STS: what the
// processes waiting for this one would meet too.
func unreachable(err error) bool {
	var ue *UnreachableError
	return errors.As(err, &ue)
}

// maybeSent reports a failure after which the request may have reached
// STS: no answer came, but the connection was made. An MFA code in it may
// have been used.
func maybeSent(err error) bool {
	var ue *UnreachableError
	return errors.As(err, &ue) && !ue.NotSent
}

// staleSigner reports an error that means the signing session is no
// longer valid.
func staleSigner(err error) bool {
	switch codeOf(err) {
	case "ExpiredToken", "InvalidClientTokenId":
		return true
	}
	return false
}

// explain turns an STS error on GetSessionToken into a message about the
// user's setup, with what to do next.
func (r *Resolver) explain(err error, p *awsconfig.Profile, keyID, serial string) error {
	if h := common(err); h != nil {
		return h
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		return err
	}
	key := keystore.MaskID(keyID)
	switch {
	case mfaRejected(err):
		return hint.With(fmt.Errorf("MFA code rejected for %s", serial),
			"use a fresh code: each code works once and only within its 30-second window",
			"check that mfa_serial in [profile "+p.Name+"] is the device registered to this IAM user (iam list-mfa-devices)")
	case ae.Code == "InvalidClientTokenId":
		return hint.With(fmt.Errorf("STS does not accept the access key %s stored for profile %s: %s", key, p.Name, ae.Message),
			"the key was probably deleted or deactivated in IAM; store a current one: stscred add "+p.Name)
	case ae.Code == "SignatureDoesNotMatch":
		return hint.With(fmt.Errorf("STS rejected the signature made with the key %s stored for profile %s: %s", key, p.Name, ae.Message),
			"if the stored secret is wrong, store the key again: stscred add "+p.Name,
			"if this machine's clock is more than 5 minutes off, correct it")
	case ae.Code == "AccessDenied":
		return hint.With(fmt.Errorf("STS refused GetSessionToken for profile %s: %s", p.Name, ae.Message),
			"check the IAM user's policies allow sts:GetSessionToken")
	}
	return hint.With(err, "check profile "+p.Name+" in your AWS config")
}

// explainRole explains an AssumeRole failure.
func (r *Resolver) explainRole(err error, p *awsconfig.Profile, withMFA bool) error {
	if h := common(err); h != nil {
		return h
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		return err
	}
	switch ae.Code {
	case "AccessDenied":
		hints := []string{"check that the trust policy of " + p.RoleARN + " allows the source (" + p.Root().Name + ") to assume it"}
		if !withMFA {
			hints = append(hints, "if the role requires MFA, set mfa_serial in [profile "+p.Root().Name+"]")
		}
		if p.ExternalID != "" {
			hints = append(hints, "check external_id in [profile "+p.Name+"]")
		}
		return hint.With(fmt.Errorf("not allowed to assume %s for profile %s: %s", p.RoleARN, p.Name, ae.Message), hints...)
	case "ValidationError":
		return hint.With(fmt.Errorf("STS rejected the AssumeRole request for profile %s: %s", p.Name, ae.Message),
			"check duration_seconds, role_session_name, external_id and session_tags in [profile "+p.Name+"]")
	case "ExpiredToken", "InvalidClientTokenId":
		return hint.With(fmt.Errorf("the credentials of %s that sign AssumeRole for %s were refused: %s", p.Source.Name, p.Name, ae.Message),
			"drop the cached sessions and try again: stscred clear "+p.Root().Name)
	}
	return hint.With(err, "check profile "+p.Name+" in your AWS config")
}

// common explains the failures that mean the same whatever the call.
func common(err error) error {
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
	switch {
	case ae.Code == "Throttling" || ae.Code == "ThrottlingException" || ae.Code == "RequestLimitExceeded":
		return hint.With(fmt.Errorf("STS is throttling requests (%s), even after retries", ae.Message), "try again in a few seconds")
	case ae.Status >= 500:
		return hint.With(fmt.Errorf("STS failed with %s (HTTP %d) at %s, even after retries", ae.Code, ae.Status, ae.Endpoint),
			"try again shortly; if it persists, check the AWS Health Dashboard")
	case ae.Code == "RegionDisabledException":
		return hint.With(fmt.Errorf("STS is not activated in this region for the account: %s", ae.Message),
			"activate the region in IAM account settings, or set region to one that is active")
	}
	return nil
}

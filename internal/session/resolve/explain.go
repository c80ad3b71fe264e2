package resolve

import (
	"errors"
	"fmt"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/keystore"
)

// explain turns an STS error on GetSessionToken into a message about the
// user's setup, with what to do next.
func (r *Resolver) explain(err error, p *awsconfig.Profile, keyID, serial string) error {
	if h := awsapi.Explain(err); h != nil {
		return h
	}
	var ae *awsapi.APIError
	if !errors.As(err, &ae) {
		return err
	}
	key := keystore.MaskID(keyID)
	switch {
	case awsapi.MFARejected(err):
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
	if h := awsapi.Explain(err); h != nil {
		return h
	}
	var ae *awsapi.APIError
	if !errors.As(err, &ae) {
		return err
	}
	switch ae.Code {
	case "AccessDenied":
		what := "for profile " + p.Name
		if p.Name == p.RoleARN {
			what = "(--role-arn, source " + p.Root().Name + ")"
		}
		return hint.With(fmt.Errorf("not allowed to assume %s %s: %s", p.RoleARN, what, ae.Message), RoleRefusedHints(p, withMFA)...)
	case "ValidationError":
		return hint.With(fmt.Errorf("STS rejected the AssumeRole request for profile %s: %s", p.Name, ae.Message),
			"check duration_seconds, role_session_name, external_id and session_tags in [profile "+p.Name+"]")
	case "ExpiredToken", "InvalidClientTokenId":
		return hint.With(fmt.Errorf("the credentials of %s that sign AssumeRole for %s were refused: %s", p.Source.Name, p.Name, ae.Message),
			"drop the cached sessions and try again: stscred clear "+p.Root().Name)
	}
	return hint.With(err, "check profile "+p.Name+" in your AWS config")
}

// RoleRefusedHints are what to check when STS refuses to let p's source
// assume its role (AccessDenied): the trust policy, MFA when the session
// had none, the external id. doctor says the same of a refusal the
// runtime met (cache.KindRefused).
func RoleRefusedHints(p *awsconfig.Profile, withMFA bool) []string {
	hints := []string{"check that the trust policy of " + p.RoleARN + " allows the source (" + p.Root().Name + ") to assume it"}
	if !withMFA {
		hints = append(hints, "if the role requires MFA, set mfa_serial in "+awsconfig.SectionFor(p.Root().Name))
	}
	inline := p.Name == p.RoleARN // stscred role --role-arn
	switch {
	case p.ExternalID != "" && inline:
		hints = append(hints, "check --external-id")
	case p.ExternalID != "":
		hints = append(hints, "check external_id in [profile "+p.Name+"]")
	case inline:
		hints = append(hints, "if the role's trust policy requires an external id, pass --external-id")
	default:
		hints = append(hints, "if the role's trust policy requires an external id, set external_id in [profile "+p.Name+"]")
	}
	return hints
}

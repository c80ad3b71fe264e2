package ststest

// GetFederationToken: temporary credentials for a federated user, the
// credentials a console sign-in needs when there is no role to assume (the
// federation endpoint refuses long-term keys and GetSessionToken sessions;
// see federation.go).

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"time"
)

const actionGetFederationToken = "GetFederationToken"

type getFederationTokenResult struct {
	XMLName       xml.Name `xml:"GetFederationTokenResult"`
	Credentials   credentialsXML
	FederatedUser struct {
		Arn             string
		FederatedUserID string `xml:"FederatedUserId"`
	}
	PackedPolicySize int `xml:",omitempty"`
}

// federatedUserARN is arn:aws:sts::<account>:federated-user/<name>.
func federatedUserARN(account, name string) string {
	return "arn:aws:sts::" + account + ":federated-user/" + name
}

// getFederationToken follows the STS API reference: only an IAM user's
// long-term key may call it (any temporary credentials are refused with
// AccessDenied "Cannot call GetFederationToken with session credentials",
// the answer users report, e.g. fwdcloudsec/granted#151 and
// hashicorp/vault#4108); Name is 2-32 characters of [\w+=,.@-];
// DurationSeconds 900-129600, default 43200. The server models no root
// user, so the root's 900-3600 range does not arise. The session has no
// MFA context, and without a session policy it has no permissions, which
// Session.NoPermissions records. Session tags (Tags.member.N) are not
// modelled.
func (s *Server) getFederationToken(c *call) (any, *apiError) {
	if c.caller.session != nil {
		return nil, newError(codeAccessDenied, "%s", msgSessionGFT)
	}
	v := validator{params: c.params}
	name, _ := v.str("Name", "name", true, 2, 32, "+=,.@-", `[\w+=,.@-]*`)
	policy, hasPolicy := v.str("Policy", "policy", false, 1, 2048, "", "")
	policyArns := v.list("PolicyArns", ".arn")
	for i, arn := range policyArns {
		switch field := fmt.Sprintf("policyArns.%d.member.arn", i+1); {
		case len(arn) < 20:
			v.fail(arn, field, "have length greater than or equal to 20")
		case len(arn) > 2048:
			v.fail(arn, field, "have length less than or equal to 2048")
		}
	}
	if len(policyArns) > 10 {
		v.fail(fmt.Sprint(len(policyArns)), "policyArns", "have length less than or equal to 10")
	}
	duration := v.integer("DurationSeconds", "durationSeconds", 900, 129600, 43200)
	if err := v.err(); err != nil {
		return nil, err
	}
	if hasPolicy && !json.Valid([]byte(policy)) {
		return nil, newError(codeMalformedPolicy, "%s", msgPolicyJSON)
	}
	packed := packedPolicySize(len(policy), policyArns, 0)
	if packed > 100 {
		return nil, newError(codePackedPolicyTooLarge, "Packed policy consumes %d%% of allotted space, please use smaller policy.", packed)
	}

	user := c.caller.user
	d := time.Duration(duration) * time.Second
	if max := s.opts.MaxFederationCredentialLifetime; max > 0 && d > max {
		d = max
	}
	arn := federatedUserARN(user.account, name)
	rec := s.issueSession(Session{
		Action:            actionGetFederationToken,
		ARN:               arn,
		UserARN:           user.arn(),
		FederatedUserName: name,
		PolicyArns:        policyArns,
		Policy:            policy,
		NoPermissions:     !hasPolicy && len(policyArns) == 0,
	}, user, nil, c.now, d, roleTokenBytes)
	res := getFederationTokenResult{Credentials: credentialsOf(rec), PackedPolicySize: packed}
	res.FederatedUser.Arn = arn
	res.FederatedUser.FederatedUserID = user.account + ":" + name
	return res, nil
}

package ststest

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// api is one query-protocol service the server speaks: its signing name,
// the region its credential scope must name, API version, XML namespace and
// action table. The server speaks STS (newSTSAPI) and IAM (newIAMAPI, in
// iam.go) on the same listener; both share the identity model and the SigV4
// verification, and a request goes to the one its credential scope names.
type api struct {
	service   string
	region    string // empty: any region
	version   string
	namespace string
	actions   map[string]actionFunc
	// admit, when set, vets an authenticated caller before any action of
	// the service runs, e.g. to refuse credentials the service never takes.
	admit func(c *caller) *apiError
	// wording maps messages shared by the services (written as STS words
	// them) to this service's wording of them.
	wording map[string]string
	// unsigned names the actions that take no signature (unsigned.go).
	unsigned map[string]bool
	// selfLocking names the actions whose handler takes s.mu itself,
	// because part of their work (fetching an identity provider's keys)
	// must not hold it.
	selfLocking map[string]bool
}

// reword returns e in the service's own wording.
func (a *api) reword(e *apiError) *apiError {
	if m, ok := a.wording[e.message]; ok {
		c := *e
		c.message = m
		return &c
	}
	return e
}

// actionFunc handles one action for an authenticated caller. It runs with
// s.mu held (unless the action is selfLocking) and returns the XML result
// element or an error.
type actionFunc func(c *call) (any, *apiError)

type call struct {
	action string
	params url.Values
	caller *caller
	now    time.Time
	ctx    context.Context // the request's
}

// Token sizes in random bytes: about 600 base64 characters for
// GetSessionToken and 1000 for AssumeRole, like the real service.
const (
	sessionTokenBytes = 440
	roleTokenBytes    = 740
)

func (s *Server) newSTSAPI() *api {
	return &api{
		service:   "sts",
		region:    s.opts.Region,
		version:   "2011-06-15",
		namespace: "https://sts.amazonaws.com/doc/2011-06-15/",
		actions: map[string]actionFunc{
			"AssumeRole":                s.assumeRole,
			"AssumeRoleWithSAML":        s.assumeRoleWithSAML,
			"AssumeRoleWithWebIdentity": s.assumeRoleWithWebIdentity,
			"GetCallerIdentity":         s.getCallerIdentity,
			"GetSessionToken":           s.getSessionToken,
			actionGetFederationToken:    s.getFederationToken,
		},
		unsigned:    federationActions,
		selfLocking: federationActions,
	}
}

func (s *Server) getCallerIdentity(c *call) (any, *apiError) {
	return getCallerIdentityResult{Arn: c.caller.arn(), UserID: c.caller.userID(), Account: c.caller.account()}, nil
}

func (s *Server) getSessionToken(c *call) (any, *apiError) {
	if c.caller.session != nil {
		return nil, newError(codeAccessDenied, "%s", msgSessionGST)
	}
	v := validator{params: c.params}
	duration := v.integer("DurationSeconds", "durationSeconds", 900, 129600, 43200)
	serial, hasSerial := v.str("SerialNumber", "serialNumber", false, 9, 256, "+=/:,.@-", `[\w+=/:,.@-]*`)
	code, hasCode := v.digits("TokenCode", "tokenCode", 6)
	if err := v.err(); err != nil {
		return nil, err
	}
	var accept *mfaAcceptance
	if hasSerial || hasCode {
		var err *apiError
		if accept, err = s.checkMFA(c.caller.user, serial, code, c.now); err != nil {
			return nil, err
		}
	}
	accept.commit()
	user := c.caller.user
	rec := s.issueSession(Session{
		Action:  "GetSessionToken",
		ARN:     user.arn(),
		UserARN: user.arn(),
		MFA:     accept != nil,
	}, user, nil, c.now, time.Duration(duration)*time.Second, sessionTokenBytes)
	return getSessionTokenResult{Credentials: credentialsOf(rec)}, nil
}

func (s *Server) assumeRole(c *call) (any, *apiError) {
	v := validator{params: c.params}
	roleARN, _ := v.str("RoleArn", "roleArn", true, 20, 2048, "", "")
	name, _ := v.str("RoleSessionName", "roleSessionName", true, 2, 64, "+=,.@-", `[\w+=,.@-]*`)
	duration := v.integer("DurationSeconds", "durationSeconds", 900, 43200, 3600)
	externalID, _ := v.str("ExternalId", "externalId", false, 2, 1224, "+=,.@:/-", `[\w+=,.@:\/-]*`)
	serial, hasSerial := v.str("SerialNumber", "serialNumber", false, 9, 256, "+=/:,.@-", `[\w+=/:,.@-]*`)
	code, hasCode := v.digits("TokenCode", "tokenCode", 6)
	sourceIdentity, _ := v.str("SourceIdentity", "sourceIdentity", false, 2, 64, "+=,.@-", `[\w+=,.@-]*`)
	policy, _ := v.str("Policy", "policy", false, 1, 2048, "", "")
	policyArns := v.list("PolicyArns", ".arn")
	tagKeys := v.list("Tags", ".Key")
	transitive := v.list("TransitiveTagKeys", "")
	tags := map[string]string{}
	tagBytes := 0
	for i, k := range tagKeys {
		val := c.params.Get(fmt.Sprintf("Tags.member.%d.Value", i+1))
		switch field := fmt.Sprintf("tags.%d.member.key", i+1); {
		case k == "":
			v.fail(k, field, "have length greater than or equal to 1")
		case len(k) > 128:
			v.fail(k, field, "have length less than or equal to 128")
		}
		if len(val) > 256 {
			v.fail(val, fmt.Sprintf("tags.%d.member.value", i+1), "have length less than or equal to 256")
		}
		tags[k] = val
		tagBytes += len(k) + len(val)
	}
	if len(tagKeys) > 50 {
		v.fail(fmt.Sprint(len(tagKeys)), "tags", "have length less than or equal to 50")
	}
	if len(policyArns) > 10 {
		v.fail(fmt.Sprint(len(policyArns)), "policyArns", "have length less than or equal to 10")
	}
	if err := v.err(); err != nil {
		return nil, err
	}

	caller := c.caller
	parent := caller.session
	// GetFederationToken credentials may call no STS action but
	// GetCallerIdentity (STS API reference, GetFederationToken).
	if parent != nil && parent.federated() {
		return nil, accessDenied(caller.arn(), "AssumeRole", roleARN)
	}
	chained := parent != nil && parent.roleSession()
	mfa := caller.mfa()
	var accept *mfaAcceptance
	if hasSerial || hasCode {
		user := caller.user
		if chained {
			user = nil // a role session has no MFA device of its own
		}
		var err *apiError
		if accept, err = s.checkMFA(user, serial, code, c.now); err != nil {
			return nil, err
		}
		mfa = true
	}
	role := s.roles[roleARN]
	if role == nil || !trusts(role, caller.account()) || (role.RequireMFA && !mfa) ||
		(role.ExternalID != "" && externalID != role.ExternalID) {
		return nil, accessDenied(caller.arn(), "AssumeRole", roleARN)
	}
	if chained && parent.SourceIdentity != "" {
		if sourceIdentity != "" && sourceIdentity != parent.SourceIdentity {
			return nil, accessDenied(caller.arn(), "SetSourceIdentity", roleARN)
		}
		sourceIdentity = parent.SourceIdentity
	}
	// Any AssumeRole signed with temporary credentials is capped at an
	// hour, a GetSessionToken session's included: AWS counts it as role
	// chaining (its error says so). STS-FACTS.md says otherwise; the AWS
	// Knowledge Center article "iam-role-chaining-limit" ("temporary
	// credentials [from] GetSessionToken ... are limited to 1 hour") and
	// aws-vault's users (99designs/aws-vault#263, #303) show what AWS does.
	if parent != nil && duration > 3600 {
		return nil, newError(codeValidationError, "%s", msgChainDuration)
	}
	if time.Duration(duration)*time.Second > role.MaxSessionDuration {
		return nil, newError(codeValidationError, "%s", msgRoleDuration)
	}
	packed := packedPolicySize(len(policy), policyArns, tagBytes)
	if packed > 100 {
		return nil, newError(codePackedPolicyTooLarge, "Packed policy consumes %d%% of allotted space, please use smaller policy.", packed)
	}

	// Transitive tags of the parent session carry over to a chained one.
	if chained {
		for _, k := range parent.TransitiveTagKeys {
			if _, set := tags[k]; !set {
				tags[k] = parent.Tags[k]
			}
			if !slices.Contains(transitive, k) {
				transitive = append(transitive, k)
			}
		}
	}
	accept.commit()
	sessionARN := fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", role.partition, role.account, role.name, name)
	rec := s.issueSession(Session{
		Action:            "AssumeRole",
		ARN:               sessionARN,
		UserARN:           caller.originARN(),
		RoleARN:           roleARN,
		RoleSessionName:   name,
		MFA:               mfa,
		Chained:           chained,
		SourceIdentity:    sourceIdentity,
		ExternalID:        externalID,
		Tags:              tags,
		TransitiveTagKeys: transitive,
		PolicyArns:        policyArns,
		Policy:            policy,
	}, caller.user, role, c.now, time.Duration(duration)*time.Second, roleTokenBytes+tagBytes)
	rec.viaSession = parent != nil
	res := assumeRoleResult{Credentials: credentialsOf(rec), PackedPolicySize: packed, SourceIdentity: sourceIdentity}
	res.AssumedRoleUser.Arn = sessionARN
	res.AssumedRoleUser.AssumedRoleID = role.ID + ":" + name
	return res, nil
}

// packedPolicySize approximates the percentage of the packed-policy limit a
// call's session policies and tags use; 0 when it passes none.
func packedPolicySize(policyLen int, policyArns []string, tagBytes int) int {
	n := policyLen + tagBytes
	for _, a := range policyArns {
		n += len(a)
	}
	return (n*100 + 4095) / 4096
}

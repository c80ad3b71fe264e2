package ststest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Messages of the web-identity and SAML actions. Those marked "seen" are
// the real service's words as users' reports and AWS's troubleshooting
// pages quote them; the others were not found and are written in the same
// style.
const (
	// Seen, InvalidIdentityToken: the JWKS cannot be had or lacks the key.
	// (The two spaces are the service's.)
	msgNoVerificationKey = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
	// Seen (as reported by users of Cognito and STS), InvalidIdentityToken.
	msgNotJWT = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
	// Seen, InvalidIdentityToken.
	msgIncorrectAudience = "Incorrect token audience"
	// Not found: a token whose signature does not verify.
	msgBadTokenSignature = "The signature of the web identity token could not be verified with the keys of your identity provider"
	// Seen, ValidationError: a RoleArn or PrincipalArn that is no ARN.
	msgRequestARN = "Request ARN is invalid"
	// Seen, InvalidIdentityToken.
	msgBadSourceIdentity = `Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"`
	// Seen, MalformedPolicyDocument.
	msgMalformedPolicy = "The policy is not in the valid JSON format."
	// The service model's description of ExpiredTokenException, for an
	// injected one.
	msgTokenExpired = "The web identity token that was passed is expired or is not valid. Get a new identity token from the identity provider and then retry the request."
	// Not found: an injected IDPRejectedClaim.
	msgIDPRejectedClaim = "The identity provider rejected the claim of the token"
)

// webIdentityAlgorithms are the signature algorithms IAM accepts for OIDC
// ID tokens.
var webIdentityAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512}

// sourceIdentityClaim is the claim AWS reads a web identity's source
// identity from.
const sourceIdentityClaim = "https://aws.amazon.com/source_identity"

// Seen: "Missing a required claim: aud".
func missingClaim(name string) *apiError {
	return newError(codeInvalidIdentityToken, "Missing a required claim: %s", name)
}

// notAuthorized is the AccessDenied of the federation actions (seen: "Not
// authorized to perform sts:AssumeRoleWithWebIdentity").
func notAuthorized(action string) *apiError {
	return newError(codeAccessDenied, "Not authorized to perform sts:%s", action)
}

// webIdentity is what a verified token says.
type webIdentity struct {
	provider       *oidcProviderRecord
	issuer         string
	subject        string
	audience       string // the aud that is a client id of the provider
	sourceIdentity string
}

type assumeRoleWithWebIdentityResult struct {
	XMLName                     xml.Name `xml:"AssumeRoleWithWebIdentityResult"`
	SubjectFromWebIdentityToken string
	Audience                    string
	AssumedRoleUser             assumedRoleUserXML
	Credentials                 credentialsXML
	PackedPolicySize            int `xml:",omitempty"`
	Provider                    string
	SourceIdentity              string `xml:",omitempty"`
}

type assumedRoleUserXML struct {
	Arn           string
	AssumedRoleID string `xml:"AssumedRoleId"`
}

// federationParams are the parameters AssumeRoleWithWebIdentity and
// AssumeRoleWithSAML share.
type federationParams struct {
	roleARN         string
	roleAccount     string
	durationSet     bool
	duration        int
	policy          string
	policyArns      []string
	packedPolicyPct int
}

// federationCommon validates RoleArn, DurationSeconds, Policy and
// PolicyArns into v, and after v's other checks, that the ARN parses and the
// policy is JSON.
func federationCommon(v *validator) federationParams {
	var p federationParams
	p.roleARN, _ = v.str("RoleArn", "roleArn", true, 20, 2048, "", "")
	_, p.durationSet = v.params["DurationSeconds"]
	p.duration = v.integer("DurationSeconds", "durationSeconds", 900, 43200, 3600)
	p.policy, _ = v.str("Policy", "policy", false, 1, 2048, "", "")
	p.policyArns = v.list("PolicyArns", ".arn")
	if len(p.policyArns) > 10 {
		v.fail(fmt.Sprint(len(p.policyArns)), "policyArns", "have length less than or equal to 10")
	}
	return p
}

// check is what federationCommon leaves for after the validation errors.
func (p *federationParams) check() *apiError {
	_, account, _, err := parseRoleARN(p.roleARN)
	if err != nil {
		return newError(codeValidationError, "%s", msgRequestARN)
	}
	p.roleAccount = account
	if p.policy != "" && !json.Valid([]byte(p.policy)) {
		return newError(codeMalformedPolicy, "%s", msgMalformedPolicy)
	}
	p.packedPolicyPct = packedPolicySize(len(p.policy), p.policyArns, 0)
	if p.packedPolicyPct > 100 {
		return newError(codePackedPolicyTooLarge, "Packed policy consumes %d%% of allotted space, please use smaller policy.", p.packedPolicyPct)
	}
	return nil
}

func (s *Server) assumeRoleWithWebIdentity(c *call) (any, *apiError) {
	v := validator{params: c.params}
	p := federationCommon(&v)
	name, _ := v.str("RoleSessionName", "roleSessionName", true, 2, 64, "+=,.@-", `[\w+=,.@-]*`)
	token, _ := v.str("WebIdentityToken", "webIdentityToken", true, 4, 20000, "", "")
	// ProviderId names an OAuth 2.0 provider (www.amazon.com,
	// graph.facebook.com); it is not for OIDC tokens, and not used here.
	v.str("ProviderId", "providerId", false, 4, 2048, "", "")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	id, err := s.verifyWebIdentityToken(c, p.roleAccount, token)
	if err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	role := s.roles[p.roleARN]
	if role == nil || !role.trustsWebIdentity(id) {
		return nil, notAuthorized(c.action)
	}
	if time.Duration(p.duration)*time.Second > role.MaxSessionDuration {
		return nil, newError(codeValidationError, "%s", msgRoleDuration)
	}
	rec := s.issueFederatedSession(Session{
		Action:          c.action,
		RoleSessionName: name,
		SourceIdentity:  id.sourceIdentity,
		PolicyArns:      p.policyArns,
		Policy:          p.policy,
		ProviderARN:     id.provider.ARN,
		Issuer:          id.issuer,
		Subject:         id.subject,
		Audience:        id.audience,
	}, role, c.now, time.Duration(p.duration)*time.Second)
	return assumeRoleWithWebIdentityResult{
		SubjectFromWebIdentityToken: id.subject,
		Audience:                    id.audience,
		AssumedRoleUser:             assumedRoleUserOf(rec),
		Credentials:                 credentialsOf(rec),
		PackedPolicySize:            p.packedPolicyPct,
		// What the real service answers, though its reference says "the
		// value of the iss field": the provider's ARN.
		Provider:       id.provider.ARN,
		SourceIdentity: id.sourceIdentity,
	}, nil
}

// issueFederatedSession issues the credentials of a role session that no
// IAM user stands behind. Callers hold s.mu.
func (s *Server) issueFederatedSession(sess Session, role *roleRecord, now time.Time, d time.Duration) *sessionRecord {
	sess.ARN = fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", role.partition, role.account, role.name, sess.RoleSessionName)
	sess.RoleARN = role.ARN
	return s.issueSession(sess, nil, role, now, d, roleTokenBytes)
}

func assumedRoleUserOf(rec *sessionRecord) assumedRoleUserXML {
	return assumedRoleUserXML{Arn: rec.ARN, AssumedRoleID: rec.role.ID + ":" + rec.RoleSessionName}
}

// verifyWebIdentityToken checks a token as STS does: a JWT of an allowed
// algorithm, whose iss has an IAM OIDC provider in the role's account,
// signed by a key of that provider's JWKS, for one of its client ids, and
// valid now. It runs without s.mu held.
func (s *Server) verifyWebIdentityToken(c *call, account, token string) (*webIdentity, *apiError) {
	tok, err := jwt.ParseSigned(token, webIdentityAlgorithms)
	if err != nil || len(tok.Headers) != 1 {
		return nil, newError(codeInvalidIdentityToken, "%s", msgNotJWT)
	}
	var claims jwt.Claims
	var extra map[string]any
	if err := tok.UnsafeClaimsWithoutVerification(&claims, &extra); err != nil {
		return nil, newError(codeInvalidIdentityToken, "%s", msgNotJWT)
	}
	if claims.Issuer == "" {
		return nil, missingClaim("iss")
	}
	s.mu.Lock()
	provider := s.oidcProviderFor(account, claims.Issuer)
	s.mu.Unlock()
	if provider == nil {
		return nil, newError(codeInvalidIdentityToken, "No OpenIDConnect provider found in your account for %s", claims.Issuer)
	}
	keys, aerr := s.verificationKeys(c.ctx, provider, tok.Headers[0].KeyID)
	if aerr != nil {
		return nil, aerr
	}
	verified := slices.ContainsFunc(keys, func(k jose.JSONWebKey) bool {
		var check jwt.Claims
		return k.Valid() && tok.Claims(k.Key, &check) == nil
	})
	if !verified {
		return nil, newError(codeInvalidIdentityToken, "%s", msgBadTokenSignature)
	}

	id := &webIdentity{provider: provider, issuer: claims.Issuer, subject: claims.Subject}
	if len(claims.Audience) == 0 {
		return nil, missingClaim("aud")
	}
	s.mu.Lock()
	clientIDs := slices.Clone(provider.ClientIDs)
	s.mu.Unlock()
	for _, aud := range claims.Audience {
		if slices.Contains(clientIDs, aud) {
			id.audience = aud
			break
		}
	}
	if id.audience == "" {
		return nil, newError(codeInvalidIdentityToken, "%s", msgIncorrectAudience)
	}
	if id.subject == "" {
		return nil, missingClaim("sub")
	}
	now := c.now.Unix()
	switch {
	case claims.Expiry == nil:
		return nil, missingClaim("exp")
	case now >= int64(*claims.Expiry):
		// Seen: "Token expired: current date/time 1731098245 must be
		// before the expiration date/time 1731095240".
		return nil, newError(codeExpiredTokenException, "Token expired: current date/time %d must be before the expiration date/time %d", now, int64(*claims.Expiry))
	case claims.NotBefore != nil && now < int64(*claims.NotBefore):
		return nil, newError(codeInvalidIdentityToken, "Token not yet valid: current date/time %d must be after the not-before date/time %d", now, int64(*claims.NotBefore))
	case claims.IssuedAt != nil && now < int64(*claims.IssuedAt):
		return nil, newError(codeInvalidIdentityToken, "Token issued in the future: current date/time %d must be after the issued-at date/time %d", now, int64(*claims.IssuedAt))
	}
	if si, ok := extra[sourceIdentityClaim]; ok {
		str, isString := si.(string)
		if !isString || !validSourceIdentity(str) {
			return nil, newError(codeInvalidIdentityToken, "%s", msgBadSourceIdentity)
		}
		id.sourceIdentity = str
	}
	return id, nil
}

// validSourceIdentity: 2-64 characters of [a-zA-Z_0-9+=,.@-], not starting
// with "aws:".
func validSourceIdentity(s string) bool {
	return len(s) >= 2 && len(s) <= 64 && allowedChars(s, "+=,.@-")
}

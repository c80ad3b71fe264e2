package ststest_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/stscred/stscred/internal/testkit/oidctest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	w := newWebWorld(t)
	before := w.clock.Now()
	out, err := assumeWeb(t, anonClient(w.url), deployARN, "ci-run-1", w.token(deploySub), func(in *sts.AssumeRoleWithWebIdentityInput) {
		in.DurationSeconds = aws.Int32(7200)
		in.Policy = aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
		in.PolicyArns = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
	})
	if err != nil {
		t.Fatal(err)
	}
	wantARN := "arn:aws:sts::222222222222:assumed-role/Deploy/ci-run-1"
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != wantARN {
		t.Errorf("assumed role ARN %s, want %s", got, wantARN)
	}
	if got := aws.ToString(out.AssumedRoleUser.AssumedRoleId); got != w.deploy.ID+":ci-run-1" {
		t.Errorf("assumed role id %s", got)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != deploySub || aws.ToString(out.Audience) != stsAudience ||
		aws.ToString(out.Provider) != w.providerARN {
		t.Errorf("subject %q audience %q provider %q", aws.ToString(out.SubjectFromWebIdentityToken), aws.ToString(out.Audience), aws.ToString(out.Provider))
	}
	if w.providerARN != "arn:aws:iam::222222222222:oidc-provider/"+strings.TrimPrefix(w.idp.URL(), "http://") {
		t.Errorf("provider ARN %s", w.providerARN)
	}
	if out.PackedPolicySize == nil || *out.PackedPolicySize < 1 {
		t.Errorf("PackedPolicySize %v with session policies", out.PackedPolicySize)
	}
	if d := aws.ToTime(out.Credentials.Expiration).Sub(before); d < 2*time.Hour-2*time.Second || d > 2*time.Hour+2*time.Second {
		t.Errorf("session lasts %v, want 2h", d)
	}
	c := webCreds(out)
	if !strings.HasPrefix(c.id, "ASIA") || len(c.secret) != 40 || len(c.token) < 600 {
		t.Errorf("credentials %s / %d-char secret / %d-char token", c.id, len(c.secret), len(c.token))
	}

	s := w.srv.Sessions()
	if len(s) != 1 {
		t.Fatalf("sessions %+v", s)
	}
	got := s[0]
	if got.Action != "AssumeRoleWithWebIdentity" || got.ARN != wantARN || got.UserARN != "" || got.RoleARN != deployARN ||
		got.ProviderARN != w.providerARN || got.Issuer != w.idp.URL() || got.Subject != deploySub || got.Audience != stsAudience ||
		got.Chained || got.MFA || !strings.Contains(got.Policy, "s3:GetObject") || len(got.PolicyArns) != 1 {
		t.Errorf("session %+v", got)
	}
	// An unsigned call: nothing names a key.
	reqs := w.srv.Requests()
	if len(reqs) != 1 || reqs[0].AccessKeyID != "" || reqs[0].Action != "AssumeRoleWithWebIdentity" || reqs[0].Service != "sts" || reqs[0].Status != 200 {
		t.Errorf("requests %+v", reqs)
	}

	// The credentials sign like any role session's.
	id, err := w.with(c).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != wantARN || aws.ToString(id.UserId) != w.deploy.ID+":ci-run-1" || aws.ToString(id.Account) != roleAccount {
		t.Errorf("identity %s %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId), aws.ToString(id.Account))
	}
	_, err = w.with(c).GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "Cannot call GetSessionToken with session credentials")

	// Role chaining from it: capped at one hour.
	_, err = assume(t, w.with(c), readOnlyARN, "chained", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(7200) })
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	chained, err := assume(t, w.with(c), readOnlyARN, "chained")
	if err != nil {
		t.Fatal(err)
	}
	id, err = w.with(credsOf(t, chained)).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != "arn:aws:sts::222222222222:assumed-role/ReadOnly/chained" {
		t.Errorf("chained identity %s", aws.ToString(id.Arn))
	}
	if s := w.srv.Sessions(); len(s) != 2 || !s[1].Chained || s[1].UserARN != "" || s[1].Action != "AssumeRole" {
		t.Errorf("chained session %+v", s[len(s)-1])
	}

	// A role that trusts only a federated principal cannot be assumed by
	// an IAM user.
	_, err = assume(t, w.aliceClient(), deployARN, "alice")
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, deniedMsg(w.alice.ARN(), deployARN))

	// The JWKS was fetched once and is kept.
	if _, err := assumeWeb(t, anonClient(w.url), deployARN, "ci-run-2", w.token(deploySub)); err != nil {
		t.Fatal(err)
	}
	if d, j := w.idp.Requests(oidctest.Discovery), w.idp.Requests(oidctest.JWKS); d != 1 || j != 1 {
		t.Errorf("the provider got %d discovery and %d JWKS requests, want 1 and 1", d, j)
	}
	if c, s := w.srv.Calls("AssumeRoleWithWebIdentity"), w.srv.Successes("AssumeRoleWithWebIdentity"); c != 2 || s != 2 {
		t.Errorf("calls %d successes %d", c, s)
	}
}

// TestWebIdentityIgnoresSignature: a signed AssumeRoleWithWebIdentity is
// accepted, whatever signed it; other actions still need a signature.
func TestWebIdentityIgnoresSignature(t *testing.T) {
	w := newWebWorld(t)
	body := url.Values{
		"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
		"RoleArn": {deployARN}, "RoleSessionName": {"raw"}, "WebIdentityToken": {w.token(deploySub)},
	}.Encode()
	bogus := aws.Credentials{AccessKeyID: "AKIAAAAAAAAAAAAAAAAA", SecretAccessKey: strings.Repeat("x", 40)}
	for name, req := range map[string]*http.Request{
		"unsigned":                  mustRequest(t, http.MethodPost, w.url+"/", body),
		"signed by an unknown key":  signedRequest(t, w.url, body, bogus, time.Now()),
		"signed by alice":           signedRequest(t, w.url, body, aws.Credentials{AccessKeyID: w.key.ID, SecretAccessKey: w.key.Secret}, time.Now()),
		"signed an hour ago":        signedRequest(t, w.url, body, bogus, time.Now().Add(-time.Hour)),
		"garbled Authorization":     withHeader(mustRequest(t, http.MethodPost, w.url+"/", body), "Authorization", "Bearer nonsense"),
		"query string, no body":     mustRequest(t, http.MethodGet, w.url+"/?"+body, ""),
		"signed for another region": signedFor(t, w.url, body, "sts", "ap-south-1", bogus, time.Now()),
	} {
		resp, out := do(t, req)
		if resp.StatusCode != http.StatusOK || !strings.Contains(out, "<AssumeRoleWithWebIdentityResult>") {
			t.Errorf("%s: %d %s", name, resp.StatusCode, out)
		}
	}
	resp, out := do(t, mustRequest(t, http.MethodPost, w.url+"/", "Action=GetCallerIdentity&Version=2011-06-15"))
	if e := parseError(t, out); resp.StatusCode != http.StatusForbidden || e.Code != "MissingAuthenticationToken" {
		t.Errorf("unsigned GetCallerIdentity: %d %s", resp.StatusCode, out)
	}
	resp, out = do(t, signedRequest(t, w.url, "Action=GetCallerIdentity&Version=2011-06-15", bogus, time.Now()))
	if e := parseError(t, out); resp.StatusCode != http.StatusForbidden || e.Code != "InvalidClientTokenId" {
		t.Errorf("GetCallerIdentity signed by an unknown key: %d %s", resp.StatusCode, out)
	}
}

func withHeader(r *http.Request, k, v string) *http.Request {
	r.Header.Set(k, v)
	return r
}

func TestWebIdentityRefusals(t *testing.T) {
	w := newWebWorld(t)
	// A second provider nobody registered, and one registered in the
	// user account only.
	stranger := oidctest.New(oidctest.Options{Now: w.clock.Now})
	stranger.Start()
	t.Cleanup(stranger.Close)
	elsewhere := oidctest.New(oidctest.Options{Now: w.clock.Now})
	elsewhere.Start()
	t.Cleanup(elsewhere.Close)
	w.srv.AddOIDCProvider(userAccount, elsewhere.URL(), stsAudience)
	// The provider also knows a second client, which Deploy does not trust.
	multi := oidctest.New(oidctest.Options{Now: w.clock.Now})
	multi.Start()
	t.Cleanup(multi.Close)
	w.srv.AddOIDCProvider(roleAccount, multi.URL(), stsAudience, "other-client")
	if err := w.srv.TrustWebIdentity(deployARN, ststest.WebIdentityTrust{Provider: multi.URL(), Audiences: []string{stsAudience}}); err != nil {
		t.Fatal(err)
	}

	good := oidctest.Claims{Subject: deploySub, Audience: []string{stsAudience}}
	with := func(f func(*oidctest.Claims)) oidctest.Claims {
		c := good
		f(&c)
		return c
	}
	expRE := regexp.MustCompile(`^Token expired: current date/time (\d+) must be before the expiration date/time (\d+)$`)
	for _, tc := range []struct {
		name, role, session, token string
		in                         func(*sts.AssumeRoleWithWebIdentityInput)
		code                       string
		status                     int
		msg                        string         // exact, unless re is set
		re                         *regexp.Regexp // the message
	}{
		{name: "unknown provider", token: stranger.Token(good), code: "InvalidIdentityToken", status: 400,
			msg: "No OpenIDConnect provider found in your account for " + stranger.URL()},
		{name: "provider of another account", token: elsewhere.Token(good), code: "InvalidIdentityToken", status: 400,
			msg: "No OpenIDConnect provider found in your account for " + elsewhere.URL()},
		{name: "wrong key", token: w.idp.BadToken(oidctest.WrongKey, good), code: "InvalidIdentityToken", status: 400,
			msg: "The signature of the web identity token could not be verified with the keys of your identity provider"},
		{name: "unknown key id", token: w.idp.BadToken(oidctest.UnknownKey, good), code: "InvalidIdentityToken", status: 400,
			msg: "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"},
		{name: "HS256 keyed with the public key", token: w.idp.BadToken(oidctest.WrongAlg, good), code: "InvalidIdentityToken", status: 400,
			msg: "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"},
		{name: "alg none", token: w.idp.BadToken(oidctest.AlgNone, good), code: "InvalidIdentityToken", status: 400,
			msg: "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"},
		{name: "garbage", token: w.idp.BadToken(oidctest.Garbage, good), code: "InvalidIdentityToken", status: 400,
			msg: "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"},
		{name: "expired", token: w.idp.BadToken(oidctest.Expired, good), code: "ExpiredTokenException", status: 400, re: expRE},
		{name: "not yet valid", token: w.idp.BadToken(oidctest.NotYetValid, good), code: "InvalidIdentityToken", status: 400,
			re: regexp.MustCompile(`^Token not yet valid: current date/time \d+ must be after the not-before date/time \d+$`)},
		{name: "issued in the future", token: w.idp.Token(with(func(c *oidctest.Claims) { c.IssuedAt = w.clock.Now().Add(time.Hour) })),
			code: "InvalidIdentityToken", status: 400, re: regexp.MustCompile(`^Token issued in the future`)},
		{name: "no exp", token: w.idp.Token(with(func(c *oidctest.Claims) { c.Extra = map[string]any{"exp": nil} })),
			code: "InvalidIdentityToken", status: 400, msg: "Missing a required claim: exp"},
		{name: "wrong audience", token: w.idp.Token(with(func(c *oidctest.Claims) { c.Audience = []string{"sts.amazon.com"} })),
			code: "InvalidIdentityToken", status: 400, msg: "Incorrect token audience"},
		{name: "no audience", token: w.idp.Token(with(func(c *oidctest.Claims) { c.Audience = nil })),
			code: "InvalidIdentityToken", status: 400, msg: "Missing a required claim: aud"},
		{name: "subject the role does not trust", token: w.token("system:serviceaccount:prod:deploy"),
			code: "AccessDenied", status: 403, msg: msgNotAuthorizedWeb},
		{name: "client id the role does not trust", token: multi.Token(with(func(c *oidctest.Claims) { c.Audience = []string{"other-client"} })),
			code: "AccessDenied", status: 403, msg: msgNotAuthorizedWeb},
		{name: "role without web-identity trust", role: readOnlyARN, token: w.token(deploySub),
			code: "AccessDenied", status: 403, msg: msgNotAuthorizedWeb},
		{name: "no such role", role: "arn:aws:iam::222222222222:role/Missing", token: w.token(deploySub),
			code: "AccessDenied", status: 403, msg: msgNotAuthorizedWeb},
		{name: "duration beyond the role's maximum", token: w.token(deploySub),
			in:   func(in *sts.AssumeRoleWithWebIdentityInput) { in.DurationSeconds = aws.Int32(3 * 3600) },
			code: "ValidationError", status: 400, msg: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{name: "bad source identity", token: w.idp.Token(with(func(c *oidctest.Claims) {
			c.Extra = map[string]any{"https://aws.amazon.com/source_identity": "has space"}
		})), code: "InvalidIdentityToken", status: 400, msg: `Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"`},
		{name: "malformed policy", token: w.token(deploySub),
			in:   func(in *sts.AssumeRoleWithWebIdentityInput) { in.Policy = aws.String(`{"Version":`) },
			code: "MalformedPolicyDocument", status: 400, msg: "The policy is not in the valid JSON format."},
		{name: "role ARN that is no ARN", role: "this-is-not-an-arn-at-all", token: w.token(deploySub),
			code: "ValidationError", status: 400, msg: "Request ARN is invalid"},
		{name: "bad session name", session: "ci run", token: w.token(deploySub), code: "ValidationError", status: 400,
			msg: `1 validation error detected: Value 'ci run' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{name: "token too short", token: "abc", code: "ValidationError", status: 400,
			msg: "1 validation error detected: Value 'abc' at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			role, session := tc.role, tc.session
			if role == "" {
				role = deployARN
			}
			if session == "" {
				session = "sess"
			}
			var opts []func(*sts.AssumeRoleWithWebIdentityInput)
			if tc.in != nil {
				opts = append(opts, tc.in)
			}
			_, err := assumeWeb(t, anonClient(w.url), role, session, tc.token, opts...)
			wantAPIError(t, err, tc.code, tc.status, tc.msg)
			if tc.re != nil && !tc.re.MatchString(apiMessage(err)) {
				t.Errorf("message %q does not match %s", apiMessage(err), tc.re)
			}
			if tc.re == expRE {
				m := expRE.FindStringSubmatch(apiMessage(err))
				if cur, _ := strconv.ParseInt(m[1], 10, 64); cur <= mustAtoi(t, m[2]) {
					t.Errorf("current time %s is not after expiry %s", m[1], m[2])
				}
			}
		})
	}
	// A token over the limit goes as a plain form POST (postRefused).
	t.Run("token too long", func(t *testing.T) {
		e := postRefused(t, w.url, url.Values{
			"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
			"RoleArn": {deployARN}, "RoleSessionName": {"sess"}, "WebIdentityToken": {strings.Repeat("a", 20001)},
		})
		re := regexp.MustCompile(`at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000$`)
		if e.Code != "ValidationError" || e.Type != "Sender" || !re.MatchString(e.Message) {
			t.Fatalf("error %s/%s %.120q..., want Sender/ValidationError matching %s", e.Type, e.Code, e.Message, re)
		}
	})
	if n := len(w.srv.Sessions()); n != 0 {
		t.Errorf("%d sessions issued by refused calls", n)
	}
	if s := w.srv.Successes("AssumeRoleWithWebIdentity"); s != 0 {
		t.Errorf("%d successes", s)
	}
	// The control: the same world takes a good token.
	if _, err := assumeWeb(t, anonClient(w.url), deployARN, "sess", w.token(deploySub)); err != nil {
		t.Fatal(err)
	}
}

func TestWebIdentityInjectedFaults(t *testing.T) {
	w := newWebWorld(t)
	for _, tc := range []struct {
		code   string
		status int
		msg    string
	}{
		{"IDPRejectedClaim", 403, "The identity provider rejected the claim of the token"},
		{"InvalidIdentityToken", 400, "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"},
		{"ExpiredTokenException", 400, "The web identity token that was passed is expired or is not valid. Get a new identity token from the identity provider and then retry the request."},
		{"IDPCommunicationError", 400, strings.TrimPrefix(w.idp.URL(), "http://") + ": the identity provider could not be reached to verify the token"},
		{"AccessDenied", 403, msgNotAuthorizedWeb},
		{"Throttling", 400, "Rate exceeded"},
	} {
		if err := w.srv.Fail("AssumeRoleWithWebIdentity", tc.code, 1); err != nil {
			t.Fatal(err)
		}
		_, err := assumeWeb(t, anonClient(w.url), deployARN, "sess", w.token(deploySub))
		wantAPIError(t, err, tc.code, tc.status, tc.msg)
	}
	if _, err := assumeWeb(t, anonClient(w.url), deployARN, "sess", w.token(deploySub)); err != nil {
		t.Fatalf("after the faults: %v", err)
	}
}

// TestWebIdentityIDPUnreachable: when the provider's keys cannot be
// fetched, STS answers IDPCommunicationError, which the SDK retries.
func TestWebIdentityIDPUnreachable(t *testing.T) {
	w := newWebWorld(t)
	idpHost := strings.TrimPrefix(w.idp.URL(), "http://")
	unreachable := idpHost + ": the identity provider could not be reached to verify the token"

	if err := w.idp.Fail(oidctest.JWKS, http.StatusServiceUnavailable, 1); err != nil {
		t.Fatal(err)
	}
	_, err := assumeWeb(t, anonClient(w.url), deployARN, "sess", w.token(deploySub))
	wantAPIError(t, err, "IDPCommunicationError", 400, unreachable)

	// Twice more, then the SDK's third attempt gets through.
	if err := w.idp.Fail(oidctest.Discovery, http.StatusBadGateway, 2); err != nil {
		t.Fatal(err)
	}
	calls := w.srv.Calls("AssumeRoleWithWebIdentity")
	if _, err := assumeWeb(t, anonClient(w.url, retryingNow), deployARN, "sess", w.token(deploySub)); err != nil {
		t.Fatalf("the SDK did not retry IDPCommunicationError through: %v", err)
	}
	if n := w.srv.Calls("AssumeRoleWithWebIdentity") - calls; n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}

	// Injected on the STS side, N times, for clients' backoff tests.
	if err := w.srv.Fail("AssumeRoleWithWebIdentity", "IDPCommunicationError", 2); err != nil {
		t.Fatal(err)
	}
	calls = w.srv.Calls("AssumeRoleWithWebIdentity")
	if _, err := assumeWeb(t, anonClient(w.url, retryingNow), deployARN, "sess", w.token(deploySub)); err != nil {
		t.Fatal(err)
	}
	if n := w.srv.Calls("AssumeRoleWithWebIdentity") - calls; n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}

	// A provider that is gone for good (404) is no passing failure: the
	// token cannot be verified, and the SDK does not retry.
	w.idp.RotateKey() // a key id STS does not hold yet, so it fetches again
	if err := w.idp.Fail(oidctest.Discovery, http.StatusNotFound, 5); err != nil {
		t.Fatal(err)
	}
	calls = w.srv.Calls("AssumeRoleWithWebIdentity")
	_, err = assumeWeb(t, anonClient(w.url, retryingNow), deployARN, "sess", w.token(deploySub))
	wantAPIError(t, err, "InvalidIdentityToken", 400, "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")
	if n := w.srv.Calls("AssumeRoleWithWebIdentity") - calls; n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}

	// The provider is down: nothing listens.
	w.idp.Close()
	w.idp.RotateKey()
	_, err = assumeWeb(t, anonClient(w.url), deployARN, "sess", w.token(deploySub))
	wantAPIError(t, err, "IDPCommunicationError", 400, unreachable)
}

func TestWebIdentityKeyRotation(t *testing.T) {
	w := newWebWorld(t)
	oldKey := w.idp.KeyID()
	oldToken := w.token(deploySub)
	if _, err := assumeWeb(t, anonClient(w.url), deployARN, "sess", oldToken); err != nil {
		t.Fatal(err)
	}
	jwks := func() int { return w.idp.Requests(oidctest.JWKS) }
	if n := jwks(); n != 1 {
		t.Fatalf("%d JWKS fetches", n)
	}

	// A token under a new key id: STS fetches the JWKS again.
	w.idp.RotateKey()
	if _, err := assumeWeb(t, anonClient(w.url), deployARN, "sess", w.token(deploySub)); err != nil {
		t.Fatalf("token of the new key: %v", err)
	}
	if n := jwks(); n != 2 {
		t.Errorf("%d JWKS fetches after rotation, want 2", n)
	}
	// The old key is still published and cached: no fetch.
	if _, err := assumeWeb(t, anonClient(w.url), deployARN, "sess", oldToken); err != nil {
		t.Fatalf("token of the old key during the rotation: %v", err)
	}
	if n := jwks(); n != 2 {
		t.Errorf("%d JWKS fetches, want 2", n)
	}

	// Retired, then another rotation makes STS fetch a JWKS without it.
	if err := w.idp.RetireKey(oldKey); err != nil {
		t.Fatal(err)
	}
	w.idp.RotateKey()
	if _, err := assumeWeb(t, anonClient(w.url), deployARN, "sess", w.token(deploySub)); err != nil {
		t.Fatal(err)
	}
	_, err := assumeWeb(t, anonClient(w.url), deployARN, "sess", oldToken)
	wantAPIError(t, err, "InvalidIdentityToken", 400, "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")
	if n := jwks(); n != 4 {
		t.Errorf("%d JWKS fetches, want 4 (the retired key's token made the last)", n)
	}
}

// TestGitHubActionsWebIdentity is the GitHub Actions flow: the job asks
// the token endpoint for a token for sts.amazonaws.com, then assumes a role
// whose trust policy names the repository and branch.
func TestGitHubActionsWebIdentity(t *testing.T) {
	w := newWorld(t)
	gh := oidctest.NewGitHubActions(oidctest.GitHubOptions{Now: w.clock.Now, Repository: "acme/infra"})
	gh.Start()
	t.Cleanup(gh.Close)
	providerARN := w.srv.AddOIDCProvider(roleAccount, gh.URL(), stsAudience)
	const ciRole = "arn:aws:iam::222222222222:role/GitHubDeploy"
	w.srv.AddRole(ststest.Role{ARN: ciRole, WebIdentity: []ststest.WebIdentityTrust{{
		Provider: providerARN, Subjects: []string{"repo:acme/infra:ref:refs/heads/main"}, Audiences: []string{stsAudience},
	}}})
	const otherRole = "arn:aws:iam::222222222222:role/OtherRepo"
	w.srv.AddRole(ststest.Role{ARN: otherRole, WebIdentity: []ststest.WebIdentityTrust{{Provider: providerARN, Subjects: []string{"repo:acme/other:*"}}}})

	fetch := func(bearer string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, gh.RequestURL()+"&audience="+url.QueryEscape(stsAudience), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "bearer "+bearer)
		resp, body := do(t, req)
		return resp.StatusCode, body
	}
	if st, body := fetch("wrong"); st != http.StatusUnauthorized || strings.Contains(body, `"value"`) {
		t.Fatalf("wrong bearer: %d %s", st, body)
	}
	st, body := fetch(gh.RequestToken())
	if st != http.StatusOK {
		t.Fatalf("token endpoint: %d %s", st, body)
	}
	var resp struct{ Value string }
	decodeJSON(t, body, &resp)

	out, err := assumeWeb(t, anonClient(w.url), ciRole, "gha", resp.Value)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != "repo:acme/infra:ref:refs/heads/main" || aws.ToString(out.Provider) != providerARN {
		t.Errorf("subject %q provider %q", aws.ToString(out.SubjectFromWebIdentityToken), aws.ToString(out.Provider))
	}
	_, err = assumeWeb(t, anonClient(w.url), otherRole, "gha", resp.Value)
	wantAPIError(t, err, "AccessDenied", 403, msgNotAuthorizedWeb)
	// A token for the default audience (the owner's URL) is no STS token.
	_, err = assumeWeb(t, anonClient(w.url), ciRole, "gha", gh.Token(""))
	wantAPIError(t, err, "InvalidIdentityToken", 400, "Incorrect token audience")
	if n := gh.Requests(); n != 2 {
		t.Errorf("the token endpoint got %d requests, want 2", n)
	}
}

func mustAtoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFederatedSessionElsewhere: a session no IAM user stands behind goes
// through every other path a session can take: IAM (as a role session),
// injected faults that name the caller, expiry and revocation.
func TestFederatedSessionElsewhere(t *testing.T) {
	w := newWebWorld(t)
	out, err := assumeWeb(t, anonClient(w.url), deployARN, "ops", w.token(deploySub))
	if err != nil {
		t.Fatal(err)
	}
	c := webCreds(out)
	sessionARN := "arn:aws:sts::222222222222:assumed-role/Deploy/ops"
	for _, call := range iamCalls(w.key.ID) {
		err := call.do(t.Context(), w.iam(c), nil)
		wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "Must specify userName when calling with non-User credentials")
		err = call.do(t.Context(), w.iam(c), aws.String("alice"))
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, iamDenied(sessionARN, call.action, "alice"))
	}
	if err := w.srv.Fail("GetCallerIdentity", "AccessDenied", 1); err != nil {
		t.Fatal(err)
	}
	_, err = gci(t, w.with(c))
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "User: "+sessionARN+" is not authorized to perform: sts:GetCallerIdentity")
	if err := w.srv.Fail("GetCallerIdentity", "RegionDisabledException", 1); err != nil {
		t.Fatal(err)
	}
	_, err = gci(t, w.with(c))
	wantMessagePrefix(t, err, "RegionDisabledException", "STS is not activated in this region for account:222222222222.")

	if err := w.srv.ExpireSession(c.id); err != nil {
		t.Fatal(err)
	}
	_, err = gci(t, w.with(c))
	wantAPIError(t, err, "ExpiredToken", http.StatusBadRequest, "The security token included in the request is expired")
	if err := w.srv.RevokeSession(c.id); err != nil {
		t.Fatal(err)
	}
	_, err = gci(t, w.with(c))
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, "The security token included in the request is invalid.")
}

func TestFederatedSessionLifetimeCap(t *testing.T) {
	w := newWebWorld(t, func(o *ststest.Options) { o.MaxRoleCredentialLifetime = 20 * time.Second })
	before := w.clock.Now()
	out, err := assumeWeb(t, anonClient(w.url), deployARN, "short", w.token(deploySub))
	if err != nil {
		t.Fatal(err)
	}
	wantLasts(t, out.Credentials.Expiration, before, 20*time.Second)
}

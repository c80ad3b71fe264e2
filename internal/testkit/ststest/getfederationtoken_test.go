package ststest_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

const (
	readOnlyPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`
	msgSessionGFT  = "Cannot call GetFederationToken with session credentials"
)

func federate(t *testing.T, c *sts.Client, name string, optFns ...func(*sts.GetFederationTokenInput)) (*sts.GetFederationTokenOutput, error) {
	t.Helper()
	in := &sts.GetFederationTokenInput{Name: aws.String(name)}
	for _, f := range optFns {
		f(in)
	}
	return c.GetFederationToken(t.Context(), in)
}

func withPolicy(p string) func(*sts.GetFederationTokenInput) {
	return func(in *sts.GetFederationTokenInput) { in.Policy = aws.String(p) }
}

func TestGetFederationToken(t *testing.T) {
	w := newWorld(t)
	before := w.clock.Now()
	out, err := federate(t, w.aliceClient(), "alice-console", withPolicy(readOnlyPolicy))
	if err != nil {
		t.Fatal(err)
	}
	wantARN := "arn:aws:sts::111111111111:federated-user/alice-console"
	if got := aws.ToString(out.FederatedUser.Arn); got != wantARN {
		t.Errorf("federated user ARN %s, want %s", got, wantARN)
	}
	if got := aws.ToString(out.FederatedUser.FederatedUserId); got != "111111111111:alice-console" {
		t.Errorf("federated user id %s, want 111111111111:alice-console", got)
	}
	if out.PackedPolicySize == nil || *out.PackedPolicySize < 1 {
		t.Errorf("PackedPolicySize %v with a policy, want a percentage", out.PackedPolicySize)
	}
	// Default duration: 12 hours.
	if d := aws.ToTime(out.Credentials.Expiration).Sub(before); d < 12*time.Hour-2*time.Second || d > 12*time.Hour+2*time.Second {
		t.Errorf("default federated session lasts %v, want 12h", d)
	}
	c := credsOf(t, out)
	if !strings.HasPrefix(c.id, "ASIA") || len(c.id) != 20 || len(c.secret) != 40 || len(c.token) < 400 {
		t.Errorf("credentials %s / %d-char secret / %d-char token", c.id, len(c.secret), len(c.token))
	}
	s := w.srv.Sessions()
	if len(s) != 1 || s[0].Action != "GetFederationToken" || s[0].ARN != wantARN || s[0].UserARN != w.alice.ARN() ||
		s[0].FederatedUserName != "alice-console" || s[0].Policy != readOnlyPolicy || s[0].NoPermissions || s[0].MFA || s[0].RoleARN != "" {
		t.Fatalf("sessions %+v", s)
	}

	// GetCallerIdentity answers the federated user, with UserId
	// <account>:<name>.
	id, err := gci(t, w.with(c))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != wantARN || aws.ToString(id.UserId) != "111111111111:alice-console" || aws.ToString(id.Account) != userAccount {
		t.Errorf("federated identity %s %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId), aws.ToString(id.Account))
	}
	if n := w.srv.Successes("GetFederationToken"); n != 1 {
		t.Errorf("%d GetFederationToken successes, want 1", n)
	}
}

// TestGetFederationTokenWithoutPolicy: the session is issued, with no
// permissions, and a test can tell.
func TestGetFederationTokenWithoutPolicy(t *testing.T) {
	w := newWorld(t)
	out, err := federate(t, w.aliceClient(), "bare", func(in *sts.GetFederationTokenInput) { in.DurationSeconds = aws.Int32(900) })
	if err != nil {
		t.Fatal(err)
	}
	if out.PackedPolicySize != nil {
		t.Errorf("PackedPolicySize %d without policies, want none", *out.PackedPolicySize)
	}
	arns, err := federate(t, w.aliceClient(), "managed", func(in *sts.GetFederationTokenInput) {
		in.PolicyArns = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
	})
	if err != nil {
		t.Fatal(err)
	}
	s := w.srv.Sessions()
	if len(s) != 2 || !s[0].NoPermissions || s[1].NoPermissions || !slices.Equal(s[1].PolicyArns, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}) {
		t.Errorf("sessions %+v: want the first without permissions, the second with a managed policy", s)
	}
	if arns.PackedPolicySize == nil {
		t.Error("PackedPolicySize missing with a policy ARN")
	}
}

func TestGetFederationTokenWithSessionCredentials(t *testing.T) {
	w := newWorld(t)
	gst, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{
		SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(w.code()),
	})
	if err != nil {
		t.Fatal(err)
	}
	role, err := assume(t, w.aliceClient(), readOnlyARN, "ro")
	if err != nil {
		t.Fatal(err)
	}
	fed, err := federate(t, w.aliceClient(), "fed", withPolicy(readOnlyPolicy))
	if err != nil {
		t.Fatal(err)
	}
	// Whatever the temporary credentials, even an MFA session.
	for name, c := range map[string]stsCreds{"GetSessionToken": credsOf(t, gst), "AssumeRole": credsOf(t, role), "GetFederationToken": credsOf(t, fed)} {
		_, err := federate(t, w.with(c), "again", withPolicy(readOnlyPolicy))
		t.Run(name, func(t *testing.T) { wantAPIError(t, err, "AccessDenied", http.StatusForbidden, msgSessionGFT) })
	}
	if n := len(w.srv.Sessions()); n != 3 {
		t.Errorf("%d sessions, want 3", n)
	}
}

// TestFederatedCredentialsLimits: GetFederationToken credentials may call
// GetCallerIdentity but no other STS action and no IAM action.
func TestFederatedCredentialsLimits(t *testing.T) {
	w := newWorld(t)
	out, err := federate(t, w.aliceClient(), "fed", withPolicy(readOnlyPolicy))
	if err != nil {
		t.Fatal(err)
	}
	fed := w.with(credsOf(t, out))
	fedARN := aws.ToString(out.FederatedUser.Arn)
	_, err = assume(t, fed, readOnlyARN, "sess")
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, deniedMsg(fedARN, readOnlyARN))
	_, err = fed.GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "Cannot call GetSessionToken with session credentials")
	c := credsOf(t, out)
	_, err = w.iam(c).ListAccessKeys(t.Context(), &iam.ListAccessKeysInput{})
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, "The security token included in the request is invalid")
	if n := len(w.srv.Sessions()); n != 1 {
		t.Errorf("%d sessions, want only the federated one", n)
	}
}

func TestGetFederationTokenValidation(t *testing.T) {
	w := newWorld(t)
	long := strings.Repeat("p", 2048)
	for _, tc := range []struct {
		in   sts.GetFederationTokenInput
		code string
		want string
	}{
		{sts.GetFederationTokenInput{Name: aws.String("a")}, "ValidationError",
			"1 validation error detected: Value 'a' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{sts.GetFederationTokenInput{Name: aws.String(strings.Repeat("n", 33))}, "ValidationError",
			"1 validation error detected: Value '" + strings.Repeat("n", 33) + "' at 'name' failed to satisfy constraint: Member must have length less than or equal to 32"},
		{sts.GetFederationTokenInput{Name: aws.String("alice smith")}, "ValidationError",
			`1 validation error detected: Value 'alice smith' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{sts.GetFederationTokenInput{Name: aws.String("ok"), DurationSeconds: aws.Int32(899)}, "ValidationError",
			"1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{sts.GetFederationTokenInput{Name: aws.String("ok"), DurationSeconds: aws.Int32(129601)}, "ValidationError",
			"1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600"},
		{sts.GetFederationTokenInput{Name: aws.String("x"), Policy: aws.String(long + "p"), DurationSeconds: aws.Int32(1)}, "ValidationError",
			"3 validation errors detected: Value 'x' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
				"Value '" + long + "p' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048; " +
				"Value '1' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{sts.GetFederationTokenInput{Name: aws.String("ok"), Policy: aws.String("{not json")}, "MalformedPolicyDocument",
			"The policy is not in the valid JSON format."},
		{sts.GetFederationTokenInput{Name: aws.String("ok"), PolicyArns: policyArns(11)}, "ValidationError",
			"1 validation error detected: Value '11' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10"},
		{sts.GetFederationTokenInput{Name: aws.String("ok"), PolicyArns: []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws")}}}, "ValidationError",
			"1 validation error detected: Value 'arn:aws:iam::aws' at 'policyArns.1.member.arn' failed to satisfy constraint: Member must have length greater than or equal to 20"},
	} {
		_, err := w.aliceClient().GetFederationToken(t.Context(), &tc.in)
		wantAPIError(t, err, tc.code, http.StatusBadRequest, tc.want)
	}

	// Policies within their own limits can still overflow the packed size.
	bigARN := "arn:aws:iam::111111111111:policy/" + strings.Repeat("p", 2048-len("arn:aws:iam::111111111111:policy/"))
	_, err := federate(t, w.aliceClient(), "big", func(in *sts.GetFederationTokenInput) {
		in.Policy = aws.String(`{"Version":"2012-10-17","Statement":[],"Id":"` + strings.Repeat("x", 2000) + `"}`)
		in.PolicyArns = []types.PolicyDescriptorType{{Arn: aws.String(bigARN)}, {Arn: aws.String(bigARN)}}
	})
	wantAPIError(t, err, "PackedPolicyTooLarge", http.StatusBadRequest, "")
	wantMessagePrefix(t, err, "PackedPolicyTooLarge", "Packed policy consumes 1")

	// The SDK refuses to send a request without Name; the server's answer
	// on the wire.
	resp, body := do(t, signedRequest(t, w.url, "Action=GetFederationToken&Version=2011-06-15",
		aws.Credentials{AccessKeyID: w.key.ID, SecretAccessKey: w.key.Secret}, time.Now()))
	if e := parseError(t, body); resp.StatusCode != http.StatusBadRequest || e.Code != "ValidationError" ||
		e.Message != "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null" {
		t.Errorf("GetFederationToken without Name: %d %s", resp.StatusCode, body)
	}
	if n := len(w.srv.Sessions()); n != 0 {
		t.Fatalf("%d sessions issued by refused calls", n)
	}

	// The limits themselves are accepted.
	for _, d := range []int32{900, 129600} {
		if _, err := federate(t, w.aliceClient(), "limits", func(in *sts.GetFederationTokenInput) { in.DurationSeconds = aws.Int32(d) }); err != nil {
			t.Errorf("DurationSeconds %d: %v", d, err)
		}
	}
	for _, name := range []string{"ab", strings.Repeat("n", 32), "a_b+c=d,e.f@g-h"} {
		if _, err := federate(t, w.aliceClient(), name, withPolicy(readOnlyPolicy)); err != nil {
			t.Errorf("Name %q: %v", name, err)
		}
	}
}

func policyArns(n int) []types.PolicyDescriptorType {
	out := make([]types.PolicyDescriptorType, n)
	for i := range out {
		out[i].Arn = aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")
	}
	return out
}

func TestGetFederationTokenDocument(t *testing.T) {
	w := newWorld(t)
	form := url.Values{"Action": {"GetFederationToken"}, "Version": {"2011-06-15"}, "Name": {"doc"}, "Policy": {readOnlyPolicy}}
	resp, body := do(t, signedRequest(t, w.url, form.Encode(), aws.Credentials{AccessKeyID: w.key.ID, SecretAccessKey: w.key.Secret}, time.Now()))
	var doc struct {
		XMLName         xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetFederationTokenResponse"`
		AccessKeyID     string   `xml:"GetFederationTokenResult>Credentials>AccessKeyId"`
		Expiration      string   `xml:"GetFederationTokenResult>Credentials>Expiration"`
		Arn             string   `xml:"GetFederationTokenResult>FederatedUser>Arn"`
		FederatedUserID string   `xml:"GetFederationTokenResult>FederatedUser>FederatedUserId"`
		Packed          string   `xml:"GetFederationTokenResult>PackedPolicySize"`
		RequestID       string   `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal([]byte(body), &doc); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %v\n%s", resp.StatusCode, err, body)
	}
	if doc.Arn != "arn:aws:sts::111111111111:federated-user/doc" || doc.FederatedUserID != "111111111111:doc" || doc.Packed == "" ||
		!strings.HasPrefix(doc.AccessKeyID, "ASIA") || !strings.HasSuffix(doc.Expiration, "Z") || !uuidRE.MatchString(doc.RequestID) {
		t.Errorf("document %+v\n%s", doc, body)
	}
	// The result's members in the order of the API reference.
	var order struct {
		Result struct {
			Members []struct{ XMLName xml.Name } `xml:",any"`
		} `xml:"GetFederationTokenResult"`
	}
	if err := xml.Unmarshal([]byte(body), &order); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range order.Result.Members {
		names = append(names, m.XMLName.Local)
	}
	if !slices.Equal(names, []string{"Credentials", "FederatedUser", "PackedPolicySize"}) {
		t.Errorf("result members %v", names)
	}
}

func TestMaxFederationCredentialLifetime(t *testing.T) {
	w := newWorld(t, func(o *ststest.Options) { o.MaxFederationCredentialLifetime = 20 * time.Second })
	before := w.clock.Now()
	out, err := federate(t, w.aliceClient(), "short", withPolicy(readOnlyPolicy))
	if err != nil {
		t.Fatal(err)
	}
	if d := aws.ToTime(out.Credentials.Expiration).Sub(before); d > 21*time.Second || d < 18*time.Second {
		t.Errorf("federated credentials last %v, want capped at 20s", d)
	}
	// Only federated credentials are capped.
	gst, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	if d := aws.ToTime(gst.Credentials.Expiration).Sub(before); d < 899*time.Second {
		t.Errorf("GetSessionToken credentials last %v, want 15m", d)
	}
	w.clock.Advance(21 * time.Second)
	_, err = gci(t, w.with(credsOf(t, out)))
	wantAPIError(t, err, "ExpiredToken", http.StatusBadRequest, msgExpiredToken)
}

func TestGetFederationTokenInjectedFault(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.Fail("GetFederationToken", "AccessDenied", 1); err != nil {
		t.Fatal(err)
	}
	_, err := federate(t, w.aliceClient(), "denied", withPolicy(readOnlyPolicy))
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::111111111111:federated-user/denied")
	if _, err := federate(t, w.aliceClient(), "allowed", withPolicy(readOnlyPolicy)); err != nil {
		t.Fatal(err)
	}
	if c, s := w.srv.Calls("GetFederationToken"), w.srv.Successes("GetFederationToken"); c != 2 || s != 1 {
		t.Errorf("calls %d successes %d, want 2 and 1", c, s)
	}
}

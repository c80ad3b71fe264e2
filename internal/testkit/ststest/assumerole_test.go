package ststest_test

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

func deniedMsg(caller, role string) string {
	return "User: " + caller + " is not authorized to perform: sts:AssumeRole on resource: " + role
}

func assume(t *testing.T, c *sts.Client, role, session string, optFns ...func(*sts.AssumeRoleInput)) (*sts.AssumeRoleOutput, error) {
	t.Helper()
	in := &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String(session)}
	for _, f := range optFns {
		f(in)
	}
	return c.AssumeRole(t.Context(), in)
}

func TestAssumeRoleDirect(t *testing.T) {
	w := newWorld(t)
	before := w.clock.Now()
	out, err := assume(t, w.aliceClient(), readOnlyARN, "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	wantARN := "arn:aws:sts::222222222222:assumed-role/ReadOnly/alice@example.com"
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != wantARN {
		t.Errorf("assumed role ARN %s, want %s", got, wantARN)
	}
	if got, want := aws.ToString(out.AssumedRoleUser.AssumedRoleId), w.readOnly.ID+":alice@example.com"; got != want || !strings.HasPrefix(got, "AROA") {
		t.Errorf("assumed role id %s, want %s", got, want)
	}
	if d := aws.ToTime(out.Credentials.Expiration).Sub(before); d < time.Hour-2*time.Second || d > time.Hour+2*time.Second {
		t.Errorf("default session lasts %v, want 1h", d)
	}
	if out.PackedPolicySize != nil {
		t.Errorf("PackedPolicySize %d without policies or tags, want none", *out.PackedPolicySize)
	}
	c := credsOf(t, out)
	if !strings.HasPrefix(c.id, "ASIA") || len(c.secret) != 40 || len(c.token) < 600 {
		t.Errorf("credentials %s / %d-char secret / %d-char token", c.id, len(c.secret), len(c.token))
	}
	id, err := w.with(c).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != wantARN || aws.ToString(id.UserId) != w.readOnly.ID+":alice@example.com" || aws.ToString(id.Account) != roleAccount {
		t.Errorf("role session identity %s %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId), aws.ToString(id.Account))
	}
	s := w.srv.Sessions()
	if len(s) != 1 || s[0].RoleARN != readOnlyARN || s[0].UserARN != w.alice.ARN() || s[0].Chained || s[0].MFA {
		t.Errorf("sessions %+v", s)
	}
}

func TestAssumeRoleRequireMFA(t *testing.T) {
	w := newWorld(t)
	// Long-term key, no MFA.
	_, err := assume(t, w.aliceClient(), adminARN, "sess")
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, deniedMsg(w.alice.ARN(), adminARN))

	// GetSessionToken session without MFA: still no MFA context.
	plain, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = assume(t, w.with(credsOf(t, plain)), adminARN, "sess")
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, deniedMsg(w.alice.ARN(), adminARN))

	// A wrong code.
	_, err = assume(t, w.aliceClient(), adminARN, "sess", func(in *sts.AssumeRoleInput) {
		in.SerialNumber, in.TokenCode = aws.String(w.dev.Serial), aws.String(wrongCode(w.code()))
	})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, msgMFACode)

	// The code with the call itself.
	code := w.code()
	if _, err := assume(t, w.aliceClient(), adminARN, "direct", func(in *sts.AssumeRoleInput) {
		in.SerialNumber, in.TokenCode = aws.String(w.dev.Serial), aws.String(code)
	}); err != nil {
		t.Fatal(err)
	}
	if got := w.srv.AcceptedCodes(w.dev.Serial); !slices.Equal(got, []string{code}) {
		t.Errorf("accepted codes %v, want [%s]", got, code)
	}
	// Bob's device cannot vouch for alice.
	_, err = assume(t, w.aliceClient(), adminARN, "sess", func(in *sts.AssumeRoleInput) {
		in.SerialNumber, in.TokenCode = aws.String(w.bobDev.Serial), aws.String(w.srv.Code(w.bobDev.Serial, w.clock.Now()))
	})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, msgMFASerial)
}

func wrongCode(code string) string {
	if code == "123456" {
		return "654321"
	}
	return "123456"
}

// TestAssumeRoleViaMFASession is the flow stscred relies on: one MFA code
// for GetSessionToken, then roles assumed with that session need no code.
func TestAssumeRoleViaMFASession(t *testing.T) {
	w := newWorld(t)
	gst, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{
		SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(w.code()),
	})
	if err != nil {
		t.Fatal(err)
	}
	session := w.with(credsOf(t, gst))
	for i, role := range []string{adminARN, readOnlyARN, adminARN} {
		out, err := assume(t, session, role, "alice", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(3600) })
		if err != nil {
			t.Fatalf("assume %s #%d with the MFA session: %v", role, i, err)
		}
		if !strings.HasPrefix(aws.ToString(out.AssumedRoleUser.Arn), "arn:aws:sts::222222222222:assumed-role/") {
			t.Errorf("assumed role ARN %s", aws.ToString(out.AssumedRoleUser.Arn))
		}
	}
	// Not chaining in the Chained sense (no role session behind it), but
	// capped at an hour all the same: AWS treats any AssumeRole signed with
	// temporary credentials as role chaining for its duration.
	_, err = assume(t, session, adminARN, "long", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(43200) })
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	// The long-term key with the MFA code on AssumeRole itself gets the
	// role's 12 hours.
	if _, err := assume(t, w.aliceClient(), adminARN, "long", func(in *sts.AssumeRoleInput) {
		in.DurationSeconds = aws.Int32(43200)
		in.SerialNumber, in.TokenCode = aws.String(w.dev.Serial), aws.String(w.srv.Code(w.dev.Serial, w.clock.Now().Add(30*time.Second)))
	}); err != nil {
		t.Fatalf("12h Admin session with the key and an MFA code: %v", err)
	}
	if got := w.srv.AcceptedCodes(w.dev.Serial); len(got) != 2 {
		t.Errorf("accepted codes %v, want the session's and the long role's", got)
	}
	for _, s := range w.srv.Sessions()[1:] {
		if !s.MFA || s.Chained {
			t.Errorf("session %s: MFA %v chained %v, want MFA and not chained", s.ARN, s.MFA, s.Chained)
		}
	}
}

func TestAssumeRoleChaining(t *testing.T) {
	w := newWorld(t)
	extra := w.srv.AddRole(ststest.Role{ARN: "arn:aws:iam::222222222222:role/path/Deploy", RequireMFA: true, MaxSessionDuration: 4 * time.Hour})

	admin, err := assume(t, w.aliceClient(), adminARN, "first", func(in *sts.AssumeRoleInput) {
		in.SerialNumber, in.TokenCode = aws.String(w.dev.Serial), aws.String(w.code())
	})
	if err != nil {
		t.Fatal(err)
	}
	adminSession := w.with(credsOf(t, admin))

	// Chaining is capped at one hour, whatever the role's maximum.
	_, err = assume(t, adminSession, extra.ARN, "second", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(3601) })
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		"The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")

	// The MFA context of the first session carries over to a RequireMFA role.
	out, err := assume(t, adminSession, extra.ARN, "second", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(3600) })
	if err != nil {
		t.Fatalf("chained AssumeRole: %v", err)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::222222222222:assumed-role/Deploy/second" {
		t.Errorf("chained role ARN %s", got)
	}
	// And on down the chain.
	deploy := w.with(credsOf(t, out))
	if _, err := assume(t, deploy, adminARN, "third"); err != nil {
		t.Fatalf("second link of the chain: %v", err)
	}
	s := w.srv.Sessions()
	if len(s) != 3 || !s[1].Chained || !s[1].MFA || !s[2].Chained || !s[2].MFA || s[2].UserARN != w.alice.ARN() {
		t.Errorf("sessions %+v", s)
	}

	// A chain that started without MFA cannot reach a RequireMFA role, and
	// a role session cannot present an MFA device.
	ro, err := assume(t, w.aliceClient(), readOnlyARN, "ro")
	if err != nil {
		t.Fatal(err)
	}
	roSession := w.with(credsOf(t, ro))
	_, err = assume(t, roSession, adminARN, "xx")
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, deniedMsg("arn:aws:sts::222222222222:assumed-role/ReadOnly/ro", adminARN))
	_, err = assume(t, roSession, adminARN, "xx", func(in *sts.AssumeRoleInput) {
		in.SerialNumber, in.TokenCode = aws.String(w.dev.Serial), aws.String(w.srv.UnusedCode(w.dev.Serial))
	})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, msgMFASerial)
}

func TestAssumeRoleDuration(t *testing.T) {
	w := newWorld(t)
	_, err := assume(t, w.aliceClient(), readOnlyARN, "sess", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(3601) })
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	_, err = assume(t, w.aliceClient(), readOnlyARN, "sess", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(899) })
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
	withMFA := func(d int32) func(*sts.AssumeRoleInput) {
		return func(in *sts.AssumeRoleInput) {
			in.DurationSeconds = aws.Int32(d)
			in.SerialNumber, in.TokenCode = aws.String(w.dev.Serial), aws.String(w.srv.UnusedCode(w.dev.Serial))
		}
	}
	_, err = assume(t, w.aliceClient(), adminARN, "sess", withMFA(43201))
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200")
	before := w.clock.Now()
	out, err := assume(t, w.aliceClient(), adminARN, "sess", withMFA(43200))
	if err != nil {
		t.Fatal(err)
	}
	if d := aws.ToTime(out.Credentials.Expiration).Sub(before); d < 12*time.Hour-2*time.Second || d > 12*time.Hour+2*time.Second {
		t.Errorf("session lasts %v, want 12h", d)
	}
}

func TestAssumeRoleExternalIDAndTrust(t *testing.T) {
	w := newWorld(t)
	vendor := w.srv.AddRole(ststest.Role{ARN: "arn:aws:iam::333333333333:role/Vendor", ExternalID: "ext-1234"})
	other := w.srv.AddRole(ststest.Role{ARN: "arn:aws:iam::333333333333:role/Other", TrustedAccounts: []string{"444444444444"}})
	denied := func(role string) string { return deniedMsg(w.alice.ARN(), role) }

	_, err := assume(t, w.aliceClient(), vendor.ARN, "sess")
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied(vendor.ARN))
	_, err = assume(t, w.aliceClient(), vendor.ARN, "sess", func(in *sts.AssumeRoleInput) { in.ExternalId = aws.String("ext-9999") })
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied(vendor.ARN))
	if _, err := assume(t, w.aliceClient(), vendor.ARN, "sess", func(in *sts.AssumeRoleInput) { in.ExternalId = aws.String("ext-1234") }); err != nil {
		t.Fatalf("right external id: %v", err)
	}
	if s := w.srv.Sessions(); len(s) != 1 || s[0].ExternalID != "ext-1234" {
		t.Errorf("sessions %+v", s)
	}
	_, err = assume(t, w.aliceClient(), other.ARN, "sess")
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied(other.ARN))
	mine := w.srv.AddRole(ststest.Role{ARN: "arn:aws:iam::333333333333:role/Mine", TrustedAccounts: []string{"444444444444", userAccount}})
	if _, err := assume(t, w.aliceClient(), mine.ARN, "sess"); err != nil {
		t.Fatalf("role trusting alice's account: %v", err)
	}
	missing := "arn:aws:iam::222222222222:role/Missing"
	_, err = assume(t, w.aliceClient(), missing, "sess")
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied(missing))
	_, err = assume(t, w.aliceClient(), vendor.ARN, "sess", func(in *sts.AssumeRoleInput) { in.ExternalId = aws.String("bad id!") })
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		`1 validation error detected: Value 'bad id!' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@:\/-]*`)
}

func TestAssumeRoleValidation(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		in   sts.AssumeRoleInput
		want string
	}{
		{sts.AssumeRoleInput{RoleArn: aws.String(readOnlyARN), RoleSessionName: aws.String("a")},
			"1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{sts.AssumeRoleInput{RoleArn: aws.String(readOnlyARN), RoleSessionName: aws.String(strings.Repeat("x", 65))},
			"1 validation error detected: Value '" + strings.Repeat("x", 65) + "' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{sts.AssumeRoleInput{RoleArn: aws.String(readOnlyARN), RoleSessionName: aws.String("my session")},
			`1 validation error detected: Value 'my session' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
	} {
		_, err := w.aliceClient().AssumeRole(t.Context(), &tc.in)
		wantAPIError(t, err, "ValidationError", http.StatusBadRequest, tc.want)
	}
	// The SDK refuses to send a request without required members, so check
	// the server's own answer on the wire.
	resp, body := do(t, signedRequest(t, w.url, "Action=AssumeRole&Version=2011-06-15",
		aws.Credentials{AccessKeyID: w.key.ID, SecretAccessKey: w.key.Secret}, time.Now()))
	want := "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
		"Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"
	if e := parseError(t, body); resp.StatusCode != http.StatusBadRequest || e.Code != "ValidationError" || e.Message != want {
		t.Errorf("AssumeRole without parameters: %d %s", resp.StatusCode, body)
	}
}

func TestAssumeRoleTagsAndSourceIdentity(t *testing.T) {
	w := newWorld(t)
	out, err := assume(t, w.aliceClient(), readOnlyARN, "sess", func(in *sts.AssumeRoleInput) {
		in.Tags = []types.Tag{{Key: aws.String("team"), Value: aws.String("infra")}, {Key: aws.String("project"), Value: aws.String("stscred")}}
		in.TransitiveTagKeys = []string{"team"}
		in.SourceIdentity = aws.String("alice")
		in.PolicyArns = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.PackedPolicySize == nil || *out.PackedPolicySize < 1 {
		t.Errorf("PackedPolicySize %v with tags, want a percentage", out.PackedPolicySize)
	}
	if aws.ToString(out.SourceIdentity) != "alice" {
		t.Errorf("SourceIdentity %q", aws.ToString(out.SourceIdentity))
	}
	s := w.srv.Sessions()
	if len(s) != 1 || !maps.Equal(s[0].Tags, map[string]string{"team": "infra", "project": "stscred"}) ||
		!slices.Equal(s[0].TransitiveTagKeys, []string{"team"}) || s[0].SourceIdentity != "alice" ||
		!slices.Equal(s[0].PolicyArns, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}) {
		t.Fatalf("recorded session %+v", s)
	}
	// Chained: the transitive tag and the source identity carry over.
	if _, err := assume(t, w.with(credsOf(t, out)), readOnlyARN, "tt"); err != nil {
		t.Fatal(err)
	}
	s = w.srv.Sessions()
	if len(s) != 2 || !maps.Equal(s[1].Tags, map[string]string{"team": "infra"}) || s[1].SourceIdentity != "alice" {
		t.Errorf("chained session %+v", s[1])
	}
}

func TestGetCallerIdentityShapes(t *testing.T) {
	w := newWorld(t)
	bob, err := w.client(w.bobKey.ID, w.bobKey.Secret, "").GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(bob.Arn) != "arn:aws:iam::111111111111:user/bob" || aws.ToString(bob.UserId) != w.bob.ID() ||
		!strings.HasPrefix(w.bob.ID(), "AIDA") || len(w.bob.ID()) != 21 || aws.ToString(bob.Account) != userAccount {
		t.Errorf("bob: %s %s %s", aws.ToString(bob.Arn), aws.ToString(bob.UserId), aws.ToString(bob.Account))
	}
	if w.bob.ID() == w.alice.ID() {
		t.Error("alice and bob share a user id")
	}
}

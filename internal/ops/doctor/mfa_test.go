package doctor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/ops/doctor"
	"github.com/stscred/stscred/internal/session/cache"
)

const noMFAConfig = `[profile alice]
region = eu-west-1

[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin

[profile ops]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Ops

[profile prod]
credential_process = stscred role prod-admin
`

// refuse records what the runtime records when STS refuses role to a
// session without MFA (resolve's noteRefusal), ago before t0, kept for
// a day.
func (w *world) refuse(role string, ago time.Duration) {
	w.t.Helper()
	err := w.cache.Put(cache.Entry{
		Header: cache.Header{Key: cache.RefusedKey(role), Kind: cache.KindRefused, Profile: role, Chain: []string{role, "alice"}, Stored: t0.Add(-ago)},
		Creds:  creds.Credentials{Expiration: t0.Add(-ago + 24*time.Hour)},
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// Roles assumed with a key but without MFA: doctor cannot read a trust
// policy, so it says once per user what STS does with a role that
// requires MFA; a role the runtime saw refused fails, with the runtime's
// hints, and is not in that line.
func TestRolesWithoutMFA(t *testing.T) {
	w := newWorld(t, noMFAConfig)
	w.storeAlice()
	res := w.run("")
	info := one(t, res, doctor.IDMFA, "alice")
	want(t, info, doctor.Info, "[profile alice] has no mfa_serial: prod-admin, ops are assumed without MFA, which STS refuses for a role whose trust policy requires it",
		"if one does (aws:MultiFactorAuthPresent), set mfa_serial in [profile alice]")
	if doctor.Failed(res) != 0 {
		t.Errorf("failed without a refusal:\n%s", dump(res))
	}

	w.refuse("prod-admin", 5*time.Minute)
	w.refuse("ops", 25*time.Hour) // forgotten by now
	res = w.run("")
	fail := one(t, res, doctor.IDMFA, "prod-admin")
	want(t, fail, doctor.Fail, "profile prod-admin: STS refused to let alice assume arn:aws:iam::222222222222:role/Admin 5m ago (AccessDenied), signed without MFA: [profile alice] has no mfa_serial",
		"if the role requires MFA, set mfa_serial in [profile alice]")
	want(t, fail, doctor.Fail, "", "check that the trust policy of arn:aws:iam::222222222222:role/Admin allows the source (alice) to assume it")
	want(t, one(t, res, doctor.IDMFA, "alice"), doctor.Info, "[profile alice] has no mfa_serial: ops is assumed without MFA", "")
	if doctor.Failed(res) != 1 {
		t.Errorf("%d failed:\n%s", doctor.Failed(res), dump(res))
	}
	if got := of(w.run("prod"), doctor.IDMFA, "*"); len(got) != 1 || got[0].Profile != "prod-admin" {
		t.Errorf("doctor --profile prod: %+v", got)
	}

	// With mfa_serial, nothing to say, refusal or not.
	w.write(".aws/config", strings.Replace(noMFAConfig, "region = eu-west-1\n", "region = eu-west-1\nmfa_serial = "+aliceSerial+"\n", 1))
	if got := of(w.run(""), doctor.IDMFA, "*"); len(got) != 0 {
		t.Errorf("with mfa_serial: %+v", got)
	}
}

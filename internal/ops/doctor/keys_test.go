package doctor_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/ops/doctor"
	"github.com/stscred/stscred/keystore"
)

// A key stored under a name the config lacks (a typo at add) is shown,
// with what was meant: no profile uses it. Checking one profile's chain
// leaves such keys alone.
func TestUnnamedKeys(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.storeAlice()
	for _, name := range []string{"alcie", "zed"} {
		if err := keystore.PutKey(w.keys, name, keystore.Key{AccessKeyID: aliceKeyID, SecretAccessKey: aliceSecret, Added: t0.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	res := w.run("")
	alcie := one(t, res, doctor.IDKey, "alcie")
	want(t, alcie, doctor.Warn, "a key is stored for alcie, which ~/.aws/config does not have: no profile uses it", `did you mean "alice"?`)
	want(t, alcie, doctor.Warn, "", "or, if the name is a typo: stscred remove alcie, then stscred add the right one")
	zed := one(t, res, doctor.IDKey, "zed")
	want(t, zed, doctor.Warn, "a key is stored for zed, which ~/.aws/config does not have", "add [profile zed] to ~/.aws/config (with region and mfa_serial)")
	if strings.Contains(zed.Hint, "did you mean") {
		t.Errorf("zed is like no profile: %q", zed.Hint)
	}
	want(t, one(t, res, doctor.IDKey, "alice"), doctor.Pass, "profile alice: access key", "")
	if doctor.Failed(res) != 0 {
		t.Errorf("a key no profile uses fails doctor:\n%s", dump(res))
	}
	if got := of(w.run("prod"), doctor.IDKey, "alcie"); len(got) != 0 {
		t.Errorf("doctor --profile prod shows alcie's key: %+v", got)
	}
}

// With a file keystore chosen by auto while the OS keyring holds keys,
// doctor says so once with the ways out, and a key the config needs that
// only the OS keyring holds fails with them, not with "stscred add".
func TestStrandedKeys(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.stranded = &keystore.Stranded{FileDir: "/home/u/.local/share/stscred", Keyring: "secret-service", Profiles: []string{"alice", "carol"}}
	res := w.run("")
	var info []doctor.Check
	for _, c := range of(res, doctor.IDKeyring, "") {
		if c.Status == doctor.Info {
			info = append(info, c)
		}
	}
	if len(info) != 1 {
		t.Fatalf("%d keyring notes:\n%s", len(info), dump(res))
	}
	want(t, info[0], doctor.Info, "stscred uses the file keystore (/home/u/.local/share/stscred) because it exists, but the OS keyring (secret-service) also holds keys of alice, carol", "")
	if !slices.Equal(info[0].Hints, w.stranded.WaysOut()) {
		t.Errorf("hints %q", info[0].Hints)
	}
	alice := one(t, res, doctor.IDKey, "alice")
	want(t, alice, doctor.Fail, "profile alice: no access key stored in the file keystore (needed by prod, prod-admin); the OS keyring (secret-service) holds it", "stscred migrate --to keyring")
	want(t, alice, doctor.Fail, "", "stscred --backend keyring migrate --to file")
	if strings.Contains(alice.Hint, "stscred add") {
		t.Errorf("adding the key again is not the fix: %q", alice.Hint)
	}
}

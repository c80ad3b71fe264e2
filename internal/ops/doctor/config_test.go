package doctor_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/ops/doctor"
	"github.com/stscred/stscred/keystore"
)

// A config that parses: its path shown under ~, its profiles counted, and
// the file Run loaded handed back.
func TestConfigParses(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.storeAlice()
	res, cfg := doctor.Run(context.Background(), w.setup(), "")
	c := one(t, res, doctor.IDConfig, "")
	want(t, c, doctor.Pass, "config file ~/.aws/config parses (3 profiles)", "")
	if res[0].ID != doctor.IDConfig {
		t.Errorf("the config check is not the first: %+v", res[0])
	}
	if cfg == nil || !cfg.Has("prod-admin") || cfg.Path != w.cfgPath {
		t.Errorf("Run returned config %+v", cfg)
	}
	if doctor.Failed(res) != 0 {
		t.Errorf("%d failed:\n%s", doctor.Failed(res), dump(res))
	}
}

// One profile is "1 profile"; a path outside HOME is shown as it is.
func TestConfigOneProfileOutsideHome(t *testing.T) {
	w := newWorld(t, "[profile alice]\nregion = eu-west-1\n")
	w.vars["HOME"] = "/nonexistent-home"
	c := one(t, w.run(""), doctor.IDConfig, "")
	want(t, c, doctor.Pass, "config file "+w.cfgPath+" parses (1 profile)", "")
}

func TestConfigMissing(t *testing.T) {
	w := newWorld(t, "")
	res := w.run("")
	c := one(t, res, doctor.IDConfig, "")
	want(t, c, doctor.Fail, "config file ~/.aws/config not found", "create it with your profiles")
	if strings.Contains(c.Hint, "AWS_CONFIG_FILE") || len(c.Hints) != 1 {
		t.Errorf("hints %q", c.Hints)
	}
	// Without a config no profile is checked, and the rest still runs.
	for _, id := range []string{doctor.IDProfile, doctor.IDSourceChain, doctor.IDCredProcess, doctor.IDKey} {
		if got := of(res, id, "*"); len(got) != 0 {
			t.Errorf("%s checked without a config: %+v", id, got)
		}
	}
	for _, id := range []string{doctor.IDKeyring, doctor.IDCache, doctor.IDClock, doctor.IDShellHook} {
		if len(of(res, id, "*")) == 0 {
			t.Errorf("no %s check without a config:\n%s", id, dump(res))
		}
	}
	if doctor.Failed(res) != 1 {
		t.Errorf("Failed = %d, want 1", doctor.Failed(res))
	}

	// AWS_CONFIG_FILE set: the hint says to check it.
	w.vars["AWS_CONFIG_FILE"] = w.cfgPath
	c = one(t, w.run(""), doctor.IDConfig, "")
	if len(c.Hints) != 2 || !strings.Contains(c.Hints[1], "AWS_CONFIG_FILE is set") {
		t.Errorf("hints %q", c.Hints)
	}
}

// A line that does not parse is named by its number, with the parser's
// hint; a value that may be a secret is not echoed.
func TestConfigDoesNotParse(t *testing.T) {
	const secretish = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"
	w := newWorld(t, "[profile alice]\nregion = eu-west-1\naws_secret_access_key "+secretish+"\n")
	res := w.run("")
	c := one(t, res, doctor.IDConfig, "")
	want(t, c, doctor.Fail, "config file ~/.aws/config does not parse: line 3: ", "fix line 3 of ")
	noSecret(t, res, secretish)
}

// A config path that is a directory cannot be read.
func TestConfigIsADirectory(t *testing.T) {
	w := newWorld(t, "")
	w.cfgPath = w.home
	c := one(t, w.run(""), doctor.IDConfig, "")
	want(t, c, doctor.Fail, "config file ~ cannot be read: ", "")
}

func TestConfigPathUnknown(t *testing.T) {
	w := newWorld(t, baseConfig)
	s := w.setup()
	s.ConfigPath = func() (string, error) {
		return "", hint.With(errors.New("HOME is not set"), "set HOME")
	}
	res, cfg := doctor.Run(context.Background(), s, "")
	c := one(t, res, doctor.IDConfig, "")
	want(t, c, doctor.Fail, "cannot tell where the AWS config file is: HOME is not set", "set HOME")
	if cfg != nil {
		t.Error("a config was returned")
	}
}

// The keyring is probed with a name never stored: not found is an
// answer.
func TestKeyringAnswers(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.storeAlice()
	res := w.run("")
	c := one(t, res, doctor.IDKeyring, "")
	want(t, c, doctor.Pass, "keys are kept in the memory backend, which answers", "")
}

// A keyring that fails: the key checks say they could not look, and the
// failure is not mistaken for a missing key.
func TestKeyringDoesNotAnswer(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.keys.Err = hint.With(errors.New("the Secret Service is locked"), "unlock it")
	res := w.run("")
	c := one(t, res, doctor.IDKeyring, "")
	want(t, c, doctor.Fail, "keys are kept in the memory backend, which does not answer: the Secret Service is locked", "unlock it")
	k := one(t, res, doctor.IDKey, "alice")
	want(t, k, doctor.Info, "profile alice: stored key not checked: the keyring does not answer", "")
	// No signer (the key cannot be read): the clock is not checked.
	want(t, one(t, res, doctor.IDClock, ""), doctor.Info, "clock: not checked against STS", "stscred add PROFILE")
	if len(w.sts.Calls) != 0 {
		t.Errorf("STS was called: %v", w.sts.Calls)
	}
}

// The note of why this backend is in use is shown when there is one, and
// repeated in the hint of a key not found there.
func TestKeyringNote(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.keysNote = "there is no OS keyring here, so stscred uses its file keystore"
	res := w.run("")
	notes := of(res, doctor.IDKeyring, "")
	if len(notes) != 2 {
		t.Fatalf("keyring checks:\n%s", dump(res))
	}
	want(t, notes[1], doctor.Info, w.keysNote, "STSCRED_BACKEND=keyring")
	k := one(t, res, doctor.IDKey, "alice")
	want(t, k, doctor.Fail, "profile alice: no access key stored in the memory backend (needed by prod, prod-admin)", "stscred add alice")
	if len(k.Hints) != 2 || !strings.Contains(k.Hints[1], "stscred looked in the memory backend: "+w.keysNote) {
		t.Errorf("hints %q", k.Hints)
	}
}

// Keys: stored (with its age and user), missing (who needs it), an
// interrupted rotation, an entry that does not decode. Only profiles that
// hold a key are checked, and one nobody needs is not required.
func TestKeys(t *testing.T) {
	w := newWorld(t, baseConfig+"\n[profile bob]\nregion = eu-west-1\n[profile carol]\n[profile carol-role]\nsource_profile = carol\nrole_arn = arn:aws:iam::222222222222:role/ReadOnly\n")
	w.storeAlice()
	if err := w.keys.Set(keystore.KeyName("carol"), "not json "+aliceSecret); err != nil {
		t.Fatal(err)
	}
	if err := w.keys.Set("v1:pending-key:alice", `{"AccessKeyId":"AKIANEWKEY0000000002"}`); err != nil {
		t.Fatal(err)
	}
	res := w.run("")
	alice := of(res, doctor.IDKey, "alice")
	if len(alice) != 2 {
		t.Fatalf("alice's key checks:\n%s", dump(res))
	}
	want(t, alice[0], doctor.Pass, "profile alice: access key AKIA…0001 stored in memory (added 3d ago, "+aliceARN+")", "")
	want(t, alice[1], doctor.Warn, "profile alice: a key rotation was interrupted", "finish it: stscred rotate alice")
	if got := of(res, doctor.IDKey, "bob"); len(got) != 0 {
		t.Errorf("bob needs no key, yet: %+v", got)
	}
	carol := one(t, res, doctor.IDKey, "carol")
	if carol.Status != doctor.Fail || !strings.HasPrefix(carol.Message, "profile carol: ") || !strings.HasSuffix(carol.Hint, "store the key again: stscred add carol") {
		t.Errorf("carol: %+v", carol)
	}
	noSecret(t, res, "not json")
}

// A key stored without --verify's identity and age says only what it has.
func TestKeyWithoutDetails(t *testing.T) {
	w := newWorld(t, baseConfig)
	if err := keystore.PutKey(w.keys, "alice", keystore.Key{AccessKeyID: aliceKeyID, SecretAccessKey: aliceSecret}); err != nil {
		t.Fatal(err)
	}
	c := one(t, w.run(""), doctor.IDKey, "alice")
	if c.Status != doctor.Pass || c.Message != "profile alice: access key AKIA…0001 stored in memory" {
		t.Errorf("%+v", c)
	}
}

// Failed counts the failures only.
func TestFailed(t *testing.T) {
	checks := []doctor.Check{{Status: doctor.Pass}, {Status: doctor.Fail}, {Status: doctor.Warn}, {Status: doctor.Info}, {Status: doctor.Fail}}
	for n, want := range []int{0, 0, 1, 1, 1, 2} {
		if got := doctor.Failed(checks[:n]); got != want {
			t.Errorf("Failed(first %d) = %d, want %d", n, got, want)
		}
	}
	if doctor.Failed(nil) != 0 {
		t.Error("Failed(nil) != 0")
	}
}

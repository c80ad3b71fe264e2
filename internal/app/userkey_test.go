package app_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/keystore"
)

// add reads the key from stdin (two lines, not a terminal), verifies it
// with STS, stores it with the identity STS gave, remembers its id for
// the cache, and says so without the secret.
func TestAddKeyFromStdin(t *testing.T) {
	l := newLive(t, "")
	if err := keystore.DeleteKey(l.keys, "alice"); err != nil {
		t.Fatal(err)
	}
	l.stdin(l.key.ID + "\n" + l.key.Secret + "\n")
	if err := app.AddKey(l.p, l.services(), "alice", false, false); err != nil {
		t.Fatalf("add: %v\n%s", err, l.stderr)
	}
	masked := keystore.MaskID(l.key.ID)
	want := "stscred: stored access key " + masked + " for profile alice (arn:aws:iam::111111111111:user/alice) in the OS keyring (memory)\n"
	if l.stdout.String() != want {
		t.Errorf("got  %q\nwant %q", l.stdout, want)
	}
	k, err := keystore.GetKey(l.keys, "alice")
	if err != nil || k.AccessKeyID != l.key.ID || k.SecretAccessKey != l.key.Secret || k.UserARN != "arn:aws:iam::111111111111:user/alice" || k.Added.IsZero() || k.Added.After(l.clock.Now()) {
		t.Errorf("stored %+v %v", k, err)
	}
	if l.srv.Calls("GetCallerIdentity") != 1 {
		t.Errorf("%d GetCallerIdentity calls", l.srv.Calls("GetCallerIdentity"))
	}
	if _, err := l.cache.Get(cache.KeyIDKey("alice")); err != nil {
		t.Errorf("the key id is not remembered: %v", err)
	}
	l.noSecret(l.key.Secret)

	// Again: the stored key is replaced.
	l.reset()
	l.stdin(l.key.ID + "\n" + l.key.Secret + "\n")
	if err := app.AddKey(l.p, l.services(), "alice", false, false); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(l.stdout.String(), "stscred: replaced the stored key with access key "+masked+" for profile alice") {
		t.Errorf("stdout %q", l.stdout)
	}
}

// A key STS refuses is not stored; stdin with one line is not a key.
func TestAddKeyRefused(t *testing.T) {
	l := newLive(t, "")
	if err := keystore.DeleteKey(l.keys, "alice"); err != nil {
		t.Fatal(err)
	}
	wrong := strings.Repeat("x", 40)
	l.stdin(l.key.ID + "\n" + wrong + "\n")
	err := app.AddKey(l.p, l.services(), "alice", false, false)
	if err == nil || len(hint.Of(err)) == 0 {
		t.Fatalf("a wrong secret: %v", err)
	}
	if _, err := keystore.GetKey(l.keys, "alice"); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("stored after a refusal: %v", err)
	}
	l.noSecret(wrong)

	l.stdin(l.key.ID + "\n")
	err = app.AddKey(l.p, l.services(), "alice", false, false)
	if err == nil || !strings.Contains(err.Error(), "reading the secret access key (second line of stdin): stdin ended") {
		t.Errorf("one line: %v", err)
	}
	if l.stdout.String() != "" {
		t.Errorf("stdout %q", l.stdout)
	}
}

// --env and --no-verify: no STS call; a profile the config lacks gets a
// note saying what to add.
func TestAddKeyFromEnvUnverified(t *testing.T) {
	l := newLive(t, "")
	l.vars["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLEBOB000001"
	l.vars["AWS_SECRET_ACCESS_KEY"] = "bobSecretbobSecretbobSecretbobSecret0001"
	if err := app.AddKey(l.p, l.services(), "bob", true, true); err != nil {
		t.Fatal(err)
	}
	// stdout says what was done; the note, and the section to add, go
	// to stderr.
	if out := l.stdout.String(); out != "stscred: stored access key AKIA…0001 for profile bob in the OS keyring (memory)\n" {
		t.Errorf("stdout %q", out)
	}
	if errs := l.stderr.String(); !strings.HasPrefix(errs, "stscred: note: "+l.cfgPath+" has no [profile bob] yet") ||
		!strings.Contains(errs, "    [profile bob]\n    region = <region, e.g. eu-west-1>\n    mfa_serial = arn:aws:iam::<account id>:mfa/<device name>\n    "+profile.SessionProcess("", "bob")+"\n") {
		t.Errorf("stderr %q", errs)
	}
	if l.srv.Calls(ststest.AnyAction) != 0 {
		t.Error("--no-verify called STS")
	}
	if k, err := keystore.GetKey(l.keys, "bob"); err != nil || k.UserARN != "" {
		t.Errorf("bob's key: %+v %v", k, err)
	}
	l.noSecret("bobSecretbobSecret")

	// A temporary credential in the environment is not an IAM user's key.
	l.vars["AWS_SESSION_TOKEN"] = "tok"
	if err := app.AddKey(l.p, l.services(), "bob", true, true); err == nil || !strings.Contains(err.Error(), "AWS_SESSION_TOKEN is set") {
		t.Errorf("with a session token: %v", err)
	}
}

// add of a name the config lacks but nearly has is a typo: refused
// before the key is read, with what was meant and how to add a new user,
// nothing stored and STS not called.
func TestAddTypoRefused(t *testing.T) {
	l := newLive(t, "")
	if err := keystore.DeleteKey(l.keys, "alice"); err != nil {
		t.Fatal(err)
	}
	l.stdin(l.key.ID + "\n" + l.key.Secret + "\n")
	err := app.AddKey(l.p, l.services(), "alcie", false, false)
	if err == nil || err.Error() != l.cfgPath+" has no profile alcie; nothing was stored" {
		t.Fatalf("alcie: %v", err)
	}
	hints := strings.Join(hint.Of(err), "\n")
	if !strings.Contains(hints, `did you mean "alice"?`) || !strings.Contains(hints, "if alcie is another IAM user, add [profile alcie] to "+l.cfgPath+" first") {
		t.Errorf("hints:\n%s", hints)
	}
	if rest, _ := l.p.Stdin.ReadString('\n'); rest != l.key.ID+"\n" {
		t.Errorf("the key was read before the name was refused (left %q)", rest)
	}
	if names, _ := keystore.StoredProfiles(l.keys); len(names) != 0 {
		t.Errorf("stored: %v", names)
	}
	if n := l.srv.Calls(ststest.AnyAction); n != 0 {
		t.Errorf("%d STS calls", n)
	}
	if l.stdout.String() != "" {
		t.Errorf("stdout %q", l.stdout)
	}
}

// After add, stderr says how the AWS tools reach the key, with the
// config lines they still need, written as import writes them.
func TestAddSaysWhatTheToolsNeed(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		want, not    []string
	}{{
		name: "a role and its tool profile, the user's own profile without credential_process",
		want: []string{
			"stscred: the AWS tools use it through [profile prod] (role prod-admin): aws sts get-caller-identity --profile prod\n",
			"add to [profile alice] in CONFIG:\n    " + profile.SessionProcess("", "alice") + "\n",
		},
		not: []string{"has no mfa_serial", "for a role, add two profiles", "then: "},
	}, {
		name:   "the user's profile as import leaves it, a role without a tool profile, no MFA device",
		config: "[profile alice]\nregion = eu-west-1\n" + profile.SessionProcess("", "alice") + "\n[profile ops]\nsource_profile = alice\nrole_arn = arn:aws:iam::222222222222:role/ReadOnly\n",
		want: []string{
			"stscred: the AWS tools use it through [profile alice] (the IAM user's own session): aws sts get-caller-identity --profile alice\n",
			"stscred: [profile alice] has no mfa_serial: a role whose trust policy requires MFA refuses a session without it; add the user's MFA device: mfa_serial = arn:aws:iam::111111111111:mfa/<device name>\n",
			"no profile the AWS tools use runs stscred for [profile ops] yet",
			"    [profile ops-tools]\n    " + profile.RoleProcess("", "ops") + "\n",
		},
		not: []string{"add to [profile alice]", "for a role, add two profiles", "then: "},
	}, {
		name:   "the user alone",
		config: "[profile alice]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::111111111111:mfa/alice\n",
		want: []string{
			"add to [profile alice] in CONFIG:\n    " + profile.SessionProcess("", "alice") + "\n",
			"stscred: for a role, add two profiles: one stscred reads (role_arn, source_profile) and one the AWS tools use:\n" +
				"    [profile alice-role]\n    source_profile = alice\n    role_arn = arn:aws:iam::<account id>:role/<role name>\n\n" +
				"    [profile alice-role-tools]\n    " + profile.RoleProcess("", "alice-role") + "\n",
			"stscred: then: aws sts get-caller-identity --profile alice\n",
		},
		not: []string{"has no mfa_serial", "the AWS tools use it through"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLive(t, "")
			if tc.config != "" {
				l.write(".aws/config", tc.config)
			}
			if err := keystore.DeleteKey(l.keys, "alice"); err != nil {
				t.Fatal(err)
			}
			l.stdin(l.key.ID + "\n" + l.key.Secret + "\n")
			if err := app.AddKey(l.p, l.services(), "alice", false, false); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(l.stdout.String(), "stscred: stored access key") || strings.Count(l.stdout.String(), "\n") != 1 {
				t.Errorf("stdout %q", l.stdout)
			}
			errs := l.stderr.String()
			for _, w := range tc.want {
				if w = strings.ReplaceAll(w, "CONFIG", l.cfgPath); !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(errs, n) {
					t.Errorf("stderr has %q:\n%s", n, errs)
				}
			}
			l.noSecret(l.key.Secret)
		})
	}
}

// The add that makes the file keystore says that auto takes it from now
// on, over an OS keyring, and how to go back; the next add, into the
// keystore that exists, does not say it again.
func TestAddThatMakesTheFileKeystore(t *testing.T) {
	l := newLive(t, "")
	l.vars["DBUS_SESSION_BUS_ADDRESS"] = "disabled:"
	l.vars["STSCRED_FILE_DIR"] = filepath.Join(l.home, "keys")
	l.vars["STSCRED_FILE_PASSPHRASE"] = "correct horse battery"
	// The unlocked identity waits in the session keyring: not after the test.
	t.Cleanup(func() { keystore.NewFile(l.vars["STSCRED_FILE_DIR"], nil).Forget() })
	add := func() string {
		l.t.Helper()
		l.reset()
		s := l.services()
		s.KeyStore = nil // auto: chosen as a real run chooses
		l.stdin(l.key.ID + "\n" + l.key.Secret + "\n")
		if err := app.AddKey(l.p, s, "alice", false, false); err != nil {
			t.Fatalf("add: %v\n%s", err, l.stderr)
		}
		return l.stderr.String()
	}
	first := add()
	for _, want := range []string{
		"stscred: note: this made the file keystore (" + l.vars["STSCRED_FILE_DIR"] + "); from now on stscred uses it in every session where STSCRED_BACKEND is unset or auto, also where an OS keyring answers, and does not see the keys kept there\n",
		"stscred: note: to go back to the OS keyring: in a session where it answers (a desktop login), run stscred migrate --to keyring, which moves these keys there and removes the file keystore\n",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("stderr lacks %q:\n%s", want, first)
		}
	}
	if !strings.Contains(l.stdout.String(), "in the file keystore ("+l.vars["STSCRED_FILE_DIR"]+")") {
		t.Errorf("stdout %q", l.stdout)
	}
	if again := add(); strings.Contains(again, "this made the file keystore") {
		t.Errorf("said again for a keystore that existed:\n%s", again)
	}
}

// remove deletes a key only when told so: --yes, or y on the terminal;
// never from a pipe without --yes.
func TestRemoveKeyConfirmation(t *testing.T) {
	l := newLive(t, "")
	masked := keystore.MaskID(l.key.ID)
	err := app.RemoveKey(l.p, l.services(), "alice", false)
	if err == nil || err.Error() != "refusing to delete the key of alice without confirmation" || !strings.Contains(strings.Join(hint.Of(err), " "), "pass --yes") {
		t.Fatalf("no --yes from a pipe: %v", err)
	}
	if _, err := keystore.GetKey(l.keys, "alice"); err != nil {
		t.Fatalf("deleted anyway: %v", err)
	}

	l.p.StdinTerminal = true
	for _, answer := range []string{"n\n", "\n", "nope\n", ""} {
		l.reset()
		l.stdin(answer)
		err := app.RemoveKey(l.p, l.services(), "alice", false)
		if !errors.Is(err, app.ErrNotConfirmed) {
			t.Errorf("answer %q: %v", answer, err)
		}
		if want := "Delete access key " + masked + " of profile alice from the OS keyring (memory)? It cannot be recovered. [y/N] "; l.stderr.String() != want {
			t.Errorf("prompt %q", l.stderr)
		}
	}
	if _, err := keystore.GetKey(l.keys, "alice"); err != nil {
		t.Fatalf("deleted without a yes: %v", err)
	}

	l.reset()
	l.stdin(" YES \n")
	if err := app.RemoveKey(l.p, l.services(), "alice", false); err != nil {
		t.Fatal(err)
	}
	if _, err := keystore.GetKey(l.keys, "alice"); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("not deleted: %v", err)
	}
	if !strings.HasPrefix(l.stdout.String(), "stscred: deleted access key "+masked+" of profile alice and ") {
		t.Errorf("stdout %q", l.stdout)
	}
}

// --yes deletes the key, an interrupted rotation's new key, and every
// cached entry made from them; other profiles' entries stay.
func TestRemoveKeyYes(t *testing.T) {
	e := newEnv(t, listConfig+"[profile bob]\n")
	now := e.clock.Now()
	if err := keystore.PutKey(e.keys, "alice", keystore.Key{AccessKeyID: listKeyID, SecretAccessKey: listSecret}); err != nil {
		t.Fatal(err)
	}
	if err := e.keys.Set("v1:pending-key:alice", `{"AccessKeyId":"AKIANEWKEY0000000002"}`); err != nil {
		t.Fatal(err)
	}
	for _, h := range []cache.Header{
		{Key: "v1:session:alice", Kind: cache.KindSession, Profile: "alice", Chain: []string{"alice"}},
		{Key: "v1:role:prod-admin", Kind: cache.KindRole, Profile: "prod-admin", Chain: []string{"prod-admin", "alice"}},
		{Key: "v1:role:bob", Kind: cache.KindRole, Profile: "bob-role", Chain: []string{"bob-role", "bob"}},
	} {
		if err := e.cache.Put(cache.Entry{Header: h, Creds: creds.Credentials{AccessKeyID: "ASIAX", SecretAccessKey: "s", SessionToken: "t", Expiration: now.Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.RemoveKey(e.p, e.services(), "alice", true); err != nil {
		t.Fatal(err)
	}
	want := "stscred: also deleted the new key of an interrupted rotation of alice (it still exists in IAM: delete it there)\n" +
		"stscred: deleted access key AKIA…0001 of profile alice and 2 cached entries\n"
	if e.stdout.String() != want {
		t.Errorf("got  %q\nwant %q", e.stdout, want)
	}
	if _, err := e.keys.Get("v1:pending-key:alice"); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("pending key kept: %v", err)
	}
	headers, _ := e.cache.List()
	if len(headers) != 1 || headers[0].Profile != "bob-role" {
		t.Errorf("left in the cache: %+v", headers)
	}

	// Nothing stored: an error that says so.
	e.reset()
	err := app.RemoveKey(e.p, e.services(), "alice", true)
	if err == nil || err.Error() != "no access key is stored for profile alice" {
		t.Errorf("again: %v", err)
	}
	err = app.RemoveKey(e.p, e.services(), "prod", true)
	if err == nil || !strings.Contains(err.Error(), "profile prod holds no access key to remove") {
		t.Errorf("a tool profile: %v", err)
	}
}

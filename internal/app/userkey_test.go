package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
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
	out := l.stdout.String()
	if !strings.HasPrefix(out, "stscred: stored access key AKIA…0001 for profile bob in the OS keyring (memory)\n") ||
		!strings.Contains(out, "stscred: note: "+l.cfgPath+" has no [profile bob] yet; add one") {
		t.Errorf("stdout %q", out)
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

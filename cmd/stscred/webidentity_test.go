package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/credproc"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/ststest"
	"github.com/stscred/stscred/ststest/oidctest"
)

const deployRole = "arn:aws:iam::222222222222:role/Deploy"

// webLive is a live world with an OIDC provider the server trusts and a
// Deploy role its tokens for ci subjects may assume.
type webLive struct {
	*live
	idp       *oidctest.Provider
	tokenFile string
}

func newWebLive(t *testing.T, extraConfig string) *webLive {
	t.Helper()
	w := &webLive{}
	w.tokenFile = filepath.Join(t.TempDir(), "token")
	w.live = newLive(t, ststest.Options{}, strings.ReplaceAll(`
[profile ci]
role_arn = `+deployRole+`
web_identity_token_file = TOKENFILE
role_session_name = deploy
[profile ci-tools]
credential_process = stscred role ci
`, "TOKENFILE", w.tokenFile)+extraConfig)
	w.idp = oidctest.New(oidctest.Options{})
	w.idp.Start()
	t.Cleanup(w.idp.Close)
	w.srv.AddOIDCProvider("222222222222", w.idp.URL(), "sts.amazonaws.com")
	w.srv.AddRole(ststest.Role{ARN: deployRole, MaxSessionDuration: 2 * time.Hour, WebIdentity: []ststest.WebIdentityTrust{{
		Provider: w.idp.URL(), Subjects: []string{"repo:corp/app:*"}, Audiences: []string{"sts.amazonaws.com"},
	}}})
	// No stored key at all: web identity needs none.
	w.env.keys = keystore.NewMemory()
	return w
}

func (w *webLive) writeToken(t *testing.T, sub string) string {
	t.Helper()
	tok := w.idp.Token(oidctest.Claims{Subject: sub, Audience: []string{"sts.amazonaws.com"}})
	if err := os.WriteFile(w.tokenFile, []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestWebIdentityRole(t *testing.T) {
	w := newWebLive(t, "")
	tok := w.writeToken(t, "repo:corp/app:ref:refs/heads/main")
	if code := w.run("role", "ci"); code != 0 {
		t.Fatalf("role ci: %s", w.stderr)
	}
	c, err := credproc.Decode(w.stdout.Bytes())
	if err != nil || c.AccountID != "222222222222" {
		t.Fatalf("%v %+v", err, c)
	}
	if n := w.srv.Calls("AssumeRoleWithWebIdentity"); n != 1 {
		t.Fatalf("AssumeRoleWithWebIdentity calls: %d", n)
	}
	// Served from the cache, through the tool profile too.
	if code := w.run("role", "ci"); code != 0 || w.srv.Calls("AssumeRoleWithWebIdentity") != 1 {
		t.Fatalf("second call: exit %d, calls %d", code, w.srv.Calls("AssumeRoleWithWebIdentity"))
	}
	if code := w.run("export", "--format", "json", "ci-tools"); code != 0 || w.srv.Calls("AssumeRoleWithWebIdentity") != 1 {
		t.Fatalf("ci-tools: exit %d %s", code, w.stderr)
	}
	if strings.Contains(w.stdout.String()+w.stderr.String(), tok) {
		t.Fatal("the token is in the output")
	}
	sess := w.srv.Sessions()
	last := sess[len(sess)-1]
	if last.Action != "AssumeRoleWithWebIdentity" || last.RoleSessionName != "deploy" {
		t.Fatalf("session %+v", last)
	}
}

// The token file is read again on every fetch: a rotated token is used.
func TestWebIdentityTokenRotated(t *testing.T) {
	w := newWebLive(t, "")
	w.writeToken(t, "repo:corp/app:run:1")
	if code := w.run("role", "ci"); code != 0 {
		t.Fatalf("%s", w.stderr)
	}
	w.run("clear", "ci")
	w.writeToken(t, "repo:corp/app:run:2")
	if code := w.run("role", "ci"); code != 0 {
		t.Fatalf("%s", w.stderr)
	}
	if n := w.srv.Calls("AssumeRoleWithWebIdentity"); n != 2 {
		t.Fatalf("calls %d", n)
	}
}

// Refusals: clean errors with a hint, the token never shown, nothing
// cached.
func TestWebIdentityRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, sub, want, hint string
		setup              func(w *webLive)
	}{
		{"trust policy", "repo:other/app:ref:main", "AccessDenied", "trust policy of " + deployRole, nil},
		{"no file", "", "cannot read the web identity token file", "web_identity_token_file", func(w *webLive) { os.Remove(w.tokenFile) }},
		{"not a JWT", "", "does not hold a JWT", "three base64url parts", func(w *webLive) { os.WriteFile(w.tokenFile, []byte("hello"), 0o600) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWebLive(t, "")
			tok := ""
			if tc.sub != "" {
				tok = w.writeToken(t, tc.sub)
			}
			if tc.setup != nil {
				tc.setup(w)
			}
			code := w.run("role", "ci")
			errs := w.stderr.String()
			if code == 0 || w.stdout.Len() != 0 || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "stscred: hint: ") || !strings.Contains(errs, tc.hint) {
				t.Fatalf("exit %d stdout %q stderr %s", code, w.stdout, errs)
			}
			if tok != "" && strings.Contains(errs, tok) {
				t.Fatal("the token is in the error")
			}
			if hs, _ := w.env.cache.List(); len(hs) != 0 {
				t.Fatalf("cached after a refusal: %v", hs)
			}
		})
	}
}

// A web identity role as the source of a further role: chaining.
func TestWebIdentityChain(t *testing.T) {
	w := newWebLive(t, "[profile next]\nsource_profile = ci\nrole_arn = arn:aws:iam::222222222222:role/ReadOnly\n")
	w.writeToken(t, "repo:corp/app:ref:main")
	if code := w.run("role", "next"); code != 0 {
		t.Fatalf("role next: %s", w.stderr)
	}
	sess := w.srv.Sessions()
	last := sess[len(sess)-1]
	if last.RoleARN != "arn:aws:iam::222222222222:role/ReadOnly" || !last.Chained || w.srv.Calls("AssumeRoleWithWebIdentity") != 1 {
		t.Fatalf("session %+v", last)
	}
}

// No profile: the environment's AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE,
// as the SDKs read them.
func TestWebIdentityFromEnvironment(t *testing.T) {
	w := newWebLive(t, "")
	w.writeToken(t, "repo:corp/app:ref:main")
	w.vars["AWS_ROLE_ARN"] = deployRole
	w.vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = w.tokenFile
	w.vars["AWS_ROLE_SESSION_NAME"] = "from-env"
	if code := w.run("role"); code != 0 {
		t.Fatalf("role: %s", w.stderr)
	}
	sess := w.srv.Sessions()
	if last := sess[len(sess)-1]; last.RoleSessionName != "from-env" || last.Action != "AssumeRoleWithWebIdentity" {
		t.Fatalf("session %+v", last)
	}
}

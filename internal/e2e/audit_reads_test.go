//go:build linux && realworld

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/oidctest"
	"github.com/stscred/stscred/internal/testkit/samltest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// The second security audit's findings about what stscred reads, done as
// the audit did them: a FIFO as web_identity_token_file or
// saml_assertion_file (finding 6), /dev/zero as saml_assertion_file
// (finding 7), and a token file replaced with another subject's, or
// removed, under a cached web identity role (finding 10).

// mustReturn fails the test when the command did not end by itself: the
// harness kills a command after two minutes, and a killed one has no
// exit status (-1).
func mustReturn(t *testing.T, what string, res result) {
	t.Helper()
	if res.code == -1 {
		t.Fatalf("%s did not return: it was killed after the harness's two minutes\n%s", what, res)
	}
}

// A FIFO that no one writes to as the token file and as the assertion
// file: `stscred role` and `stscred doctor` return at once with an
// error and a hint that say what the file is, instead of waiting for a
// writer for ever (--sts-timeout did not bound it).
func TestAuditFIFOAsTokenFile(t *testing.T) {
	w := newWIWorld(t, true, ststest.Options{})
	wiSAML(t, w)
	dir := t.TempDir()
	token, assertion := filepath.Join(dir, "token.fifo"), filepath.Join(dir, "assertion.fifo")
	for _, fifo := range []string{token, assertion} {
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w.writeConfig(strings.ReplaceAll(w.webConfig(`
[profile corp]
role_arn = `+wiSAMLRole+`
principal_arn = `+wiSAMLIdP+`
saml_assertion_file = `+assertion+`
`), w.tokenFile, token))

	for _, tc := range []struct {
		args       []string
		want, hint string
	}{
		{[]string{"role", "--sts-timeout", "5s", "ci"}, "cannot read the web identity token file " + token + ": it is a named pipe (FIFO), not a regular file", "web_identity_token_file must name the regular file"},
		{[]string{"export", "--format", "json", "ci-tools"}, "cannot read the web identity token file " + token + ": it is a named pipe (FIFO), not a regular file", "web_identity_token_file must name the regular file"},
		{[]string{"role", "--sts-timeout", "5s", "corp"}, "cannot read the SAML assertion file " + assertion + ": it is a named pipe (FIFO), not a regular file", "saml_assertion_file must name the regular file"},
	} {
		res := w.sc(nil, tc.args...)
		mustReturn(t, "stscred "+strings.Join(tc.args, " "), res)
		w.assertCleanFailure(res, tc.want)
		if !strings.Contains(res.stderr, "stscred: hint: "+tc.hint) {
			t.Fatalf("%v: no hint that says what to do:\n%s", tc.args, res.stderr)
		}
	}
	doc := w.sc(nil, "doctor")
	mustReturn(t, "stscred doctor", doc)
	for _, want := range []string{
		"profile ci: cannot read the web identity token file " + token + ": it is a named pipe (FIFO), not a regular file",
		"profile corp: cannot read the SAML assertion file " + assertion + ": it is a named pipe (FIFO), not a regular file",
	} {
		if !strings.Contains(doc.stdout+doc.stderr, want) {
			t.Fatalf("doctor does not say %q:\n%s", want, doc)
		}
	}
	if doc.code == 0 {
		t.Fatalf("doctor passed with unreadable token files:\n%s", doc)
	}
	if n := w.srv.Calls("AssumeRoleWithWebIdentity") + w.srv.Calls("AssumeRoleWithSAML"); n != 0 {
		t.Fatalf("%d calls reached STS without a token", n)
	}
}

// /dev/zero as the assertion file (and as the token file), the command
// run with its address space capped at 1 GiB so that a read without a
// cap ends in an out-of-memory crash here instead of taking the
// machine's memory: refused as a device before a byte is read. A
// regular assertion file over the 1 MiB cap is refused by its size.
func TestAuditDevZeroAsAssertionFile(t *testing.T) {
	w := newWIWorld(t, true, ststest.Options{})
	wiSAML(t, w)
	big := filepath.Join(t.TempDir(), "assertion")
	if err := os.WriteFile(big, []byte(strings.Repeat("QUFB", 2<<20/4)), 0o600); err != nil {
		t.Fatal(err)
	}
	w.writeConfig(strings.ReplaceAll(w.webConfig(`
[profile corp]
role_arn = `+wiSAMLRole+`
principal_arn = `+wiSAMLIdP+`
saml_assertion_file = /dev/zero

[profile corp-big]
role_arn = `+wiSAMLRole+`
principal_arn = `+wiSAMLIdP+`
saml_assertion_file = `+big+`
`), w.tokenFile, "/dev/zero"))
	capped := func(args ...string) result {
		t.Helper()
		return w.exec(nil, "sh", append([]string{"-c", `ulimit -v 1048576 && exec "$0" "$@"`, w.bin}, args...)...)
	}
	for _, tc := range []struct{ profile, want string }{
		{"corp", "cannot read the SAML assertion file /dev/zero: it is a character device, not a regular file"},
		{"ci", "cannot read the web identity token file /dev/zero: it is a character device, not a regular file"},
		{"corp-big", "the SAML assertion file " + big + " is larger than 1 MiB: not an assertion"},
	} {
		res := capped("role", tc.profile)
		mustReturn(t, "stscred role "+tc.profile, res)
		if strings.Contains(res.stderr, "out of memory") {
			t.Fatalf("role %s ran out of memory reading its file:\n%.2000s", tc.profile, res.stderr)
		}
		w.assertCleanFailure(res, tc.want)
	}
	doc := capped("doctor")
	mustReturn(t, "stscred doctor", doc)
	if strings.Contains(doc.stderr, "out of memory") || !strings.Contains(doc.stdout+doc.stderr, "profile corp: cannot read the SAML assertion file /dev/zero: it is a character device") {
		t.Fatalf("doctor with /dev/zero as the assertion file:\n%.2000s", doc)
	}
	if n := w.srv.Calls("AssumeRoleWithSAML"); n != 0 {
		t.Fatalf("%d AssumeRoleWithSAML calls without an assertion", n)
	}
}

// A CI runner whose web identity role is cached: the token file replaced
// with one for a subject the role's trust refuses gets STS's refusal,
// not the cached credentials; one for another subject the trust allows
// gets a session of its own; the first subject's fresh token gets its
// cached session again; and with the token file gone, nothing is handed
// out.
func TestAuditWebIdentityCacheFollowsTheToken(t *testing.T) {
	w := newWIWorld(t, true, ststest.Options{})
	calls := func() int { return w.srv.Calls("AssumeRoleWithWebIdentity") }
	const main, evil, dev = "repo:corp/app:ref:refs/heads/main", "repo:evil/app:ref:refs/heads/main", "repo:corp/app:ref:refs/heads/dev"
	tok1 := w.writeToken(main)
	first := w.decode(w.sc(nil, "role", "ci"))
	if calls() != 1 || w.lastSession().Subject != main {
		t.Fatalf("first call: %d calls, session %+v", calls(), w.lastSession())
	}

	// Another subject, one the trust policy refuses.
	tok2 := w.writeToken(evil)
	res := w.sc(nil, "role", "ci")
	if res.code == 0 {
		t.Fatalf("a token for %s was handed the cached credentials of %s:\n%s", evil, main, res)
	}
	w.assertCleanFailure(res, "AccessDenied")
	if !strings.Contains(res.stderr, evil) || calls() != 2 {
		t.Fatalf("the refusal is not STS's for %s (%d calls):\n%s", evil, calls(), res.stderr)
	}
	ex := w.sc(nil, "export", "--format", "json", "ci-tools")
	if ex.code == 0 || strings.Contains(ex.stdout, first.AccessKeyID) {
		t.Fatalf("export of the tool profile with %s's token:\n%s", evil, ex)
	}

	// Another subject the trust allows: its own session.
	tok3 := w.writeToken(dev)
	second := w.decode(w.sc(nil, "role", "ci"))
	if second.AccessKeyID == first.AccessKeyID || w.lastSession().Subject != dev || w.lastSession().AccessKeyID != second.AccessKeyID {
		t.Fatalf("%s got %s, the session of %+v", dev, second.AccessKeyID, w.lastSession())
	}

	// The first subject's token, rotated: its cached session, no call.
	n := calls()
	tok4 := w.writeRawToken(w.idp.Token(oidctest.Claims{Subject: main, Audience: []string{wiAudience}, Extra: map[string]any{"jti": "rotated"}}))
	if c := w.decode(w.sc(nil, "role", "ci")); c != first || calls() != n {
		t.Fatalf("a rotated token of %s: %s (%d calls, was %d)", main, c.AccessKeyID, calls(), n)
	}

	// The token file removed: nothing is handed out, by any command.
	if err := os.Remove(w.tokenFile); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"role", "ci"}, {"export", "--format", "json", "ci-tools"}} {
		res := w.sc(nil, args...)
		w.assertCleanFailure(res, "cannot read the web identity token file "+w.tokenFile)
		for _, key := range []string{first.AccessKeyID, second.AccessKeyID} {
			if strings.Contains(res.stdout+res.stderr, key) {
				t.Fatalf("%v without a token file handed out %s:\n%s", args, key, res)
			}
		}
	}
	if calls() != n {
		t.Fatalf("STS was called without a token: %d calls, was %d", calls(), n)
	}
	w.assertNeverShown("web identity token", tok1, tok2, tok3, tok4)
}

// The same for a SAML profile's assertion file: another person's
// assertion gets a session of its own, a removed file none.
func TestAuditSAMLCacheFollowsTheAssertion(t *testing.T) {
	w := newWIWorld(t, true, ststest.Options{})
	idp := wiSAML(t, w)
	file := filepath.Join(t.TempDir(), "assertion")
	write := func(sub string) string {
		t.Helper()
		resp := idp.Response(samltest.Assertion{Subject: sub, Roles: []samltest.Role{{RoleARN: wiSAMLRole, ProviderARN: wiSAMLIdP}}, SessionDuration: 2 * time.Hour})
		if err := os.WriteFile(file, []byte(resp), 0o600); err != nil {
			t.Fatal(err)
		}
		return resp
	}
	w.writeConfig(w.webConfig(`
[profile corp]
saml_assertion_file = ` + file + `
`))
	calls := func() int { return w.srv.Calls("AssumeRoleWithSAML") }
	a1 := write(wiSAMLSub)
	first := w.decode(w.sc(nil, "role", "corp"))
	a2 := write(wiSAMLSub)
	if c := w.decode(w.sc(nil, "role", "corp")); c != first || calls() != 1 {
		t.Fatalf("a fresh assertion of the same person: %d calls", calls())
	}
	a3 := write("mallory@example.com")
	second := w.decode(w.sc(nil, "role", "corp"))
	if second.AccessKeyID == first.AccessKeyID || calls() != 2 || w.lastSession().Subject != "mallory@example.com" {
		t.Fatalf("another person's assertion: %d calls, session %+v", calls(), w.lastSession())
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	res := w.sc(nil, "role", "corp")
	w.assertCleanFailure(res, "cannot read the SAML assertion file "+file)
	if calls() != 2 {
		t.Fatalf("STS was called without an assertion: %d calls", calls())
	}
	w.assertNeverShown("SAML assertion", a1, a2, a3)
}

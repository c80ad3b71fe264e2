//go:build linux && realworld

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// A legacy profile (sso_start_url in the profile, no sso-session): the
// device code flow, a registration without scopes, no refresh token; the
// profile's credentials then come from the portal and are cached.
func TestSSOLegacyProfile(t *testing.T) {
	w := newSSOWorld(t, "secret-service", ssotest.Options{}, ststest.Options{})
	done := make(chan result, 1)
	go func() { done <- w.sc("sso", "login", "legacy", "--device-code", "--no-browser") }()
	code := w.userCode()
	if err := w.sso.ApproveDevice(code); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.code != 0 || res.stdout != "" || !strings.Contains(res.stderr, code) || !strings.Contains(res.stderr, "signed in to ") {
		t.Fatalf("sso login legacy: %s", res)
	}
	cl := w.sso.Clients()
	if len(cl) != 1 || len(cl[0].Scopes) != 0 {
		t.Fatalf("a legacy sign-in registered %+v, want one client without scopes", cl)
	}
	if n := len(w.sso.RefreshTokens()); n != 0 {
		t.Fatalf("a legacy sign-in got %d refresh tokens", n)
	}
	c := w.decode(w.sc("role", "legacy"))
	if again := w.decode(w.sc("role", "legacy")); again != c || c.AccountID != ssoAccount || w.grc() != 1 {
		t.Fatalf("role legacy: %d GetRoleCredentials for two calls", w.grc())
	}
	if rc := w.roleCreds(); len(rc) != 1 || rc[0].AccessKeyID != c.AccessKeyID {
		t.Fatalf("issued %+v, handed out %s", rc, c.AccessKeyID)
	}
	if len(w.opened()) != 0 {
		t.Fatalf("--no-browser opened the browser: %q", w.opened())
	}
}

// `exec` and `export` work for an SSO profile, from the same cached
// credentials as `role`.
func TestSSOExecAndExport(t *testing.T) {
	w := newSSOWorld(t, "file", ssotest.Options{}, ststest.Options{})
	w.login()
	res := w.exec(nil, w.bin, "exec", "dev", "--", buildSDKCaller(t))
	f := strings.Fields(res.stdout)
	if res.code != 0 || len(f) != 2 || f[0] != w.ssoArn() {
		t.Fatalf("stscred exec dev -- sdkcaller: %s", res)
	}
	rc := w.roleCreds()
	if len(rc) != 1 || f[1] != rc[0].AccessKeyID {
		t.Fatalf("the child signed with %s; issued %d role credentials", f[1], len(rc))
	}
	res = w.sc("export", "dev")
	if res.code != 0 || !strings.Contains(res.stdout, "AWS_ACCESS_KEY_ID=") || !strings.Contains(res.stdout, rc[0].AccessKeyID) || !strings.Contains(res.stdout, rc[0].SecretAccessKey) {
		t.Fatalf("stscred export dev: exit %d, stderr %s", res.code, res.stderr)
	}
	if c := w.decode(w.sc("role", "dev")); c.AccessKeyID != rc[0].AccessKeyID || w.grc() != 1 {
		t.Fatalf("exec, export and role: %d GetRoleCredentials", w.grc())
	}
}

// `doctor` notices the plaintext token files the AWS CLI leaves in
// ~/.aws/sso/cache and says how to remove them.
func TestSSODoctorPlaintextCache(t *testing.T) {
	w := newSSOWorld(t, "secret-service", ssotest.Options{}, ststest.Options{})
	dir := filepath.Join(w.home, ".aws", "sso", "cache")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "0123456789abcdef0123456789abcdef01234567.json")
	const tok = "aoaAWSCLIPLAINTEXTTOKENFORTHEDOCTORTEST0123456789"
	doc := `{"startUrl": "` + ssoStartURL + `", "region": "` + ssoRegion + `", "accessToken": "` + tok + `", "expiresAt": "2030-01-01T00:00:00Z", "refreshToken": "aorPLAINTEXTREFRESH0123456789"}`
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	res := w.sc("doctor")
	out := res.stdout + res.stderr
	if !strings.Contains(out, ".aws/sso/cache") {
		t.Fatalf("doctor does not mention the plaintext SSO cache: %s", res)
	}
	if strings.Contains(out, tok) || strings.Contains(out, "aorPLAINTEXTREFRESH0123456789") {
		t.Fatalf("doctor shows the token it warns about: %s", res)
	}
	// Leave nothing behind for the check after the test.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
}

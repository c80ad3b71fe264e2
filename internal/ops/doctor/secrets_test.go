package doctor_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/ops/doctor"
	"github.com/stscred/stscred/internal/session/cache"
)

// Every kind of profile at once, with a secret wherever a config may hold
// one (a command line's arguments, credential_process included), a stored
// key, a cached session and failing checks: no message and no hint holds
// any of them, and doctor runs none of the command lines and changes
// nothing.
func TestNoSecretAnywhere(t *testing.T) {
	secrets := []string{
		"TOTP-S3CR3T-JBSWY3DPEHPK3PXP",     // mfa_process
		"VAULT-S3CR3T-passphrase-0001",     // a foreign credential_process
		"EXTID-S3CR3T-external-id-0001",    // stscred's own credential_process
		"OIDC-S3CR3T-client-secret-0001",   // web_identity_token_process
		"SAML-S3CR3T-password-0001",        // saml_process
		"PIPE-S3CR3T-in-a-pipeline-0001",   // a line only the shell can read
		"ROLEPROC-S3CR3T-role-and-process", // credential_process beside role_arn
	}
	w := newWorld(t, "")
	ran := filepath.Join(w.home, "ran")
	config := baseConfig + `
[profile otp]
region = eu-west-1
mfa_process = oathtool --totp -b ` + secrets[0] + `
[profile vault]
credential_process = aws-vault exec vault --json --password ` + secrets[1] + `
[profile ext]
credential_process = stscred role prod-admin --external-id ` + secrets[2] + `
[profile ext-missing]
credential_process = stscred role nosuch --external-id ` + secrets[2] + `
[profile ci]
role_arn = arn:aws:iam::222222222222:role/CI
web_identity_token_process = touch ` + ran + `; get-token --client-secret ` + secrets[3] + `
[profile corp]
role_arn = arn:aws:iam::222222222222:role/Corp
saml_process = saml-helper --password ` + secrets[4] + `
[profile piped]
mfa_process = touch ` + ran + ` | echo ` + secrets[5] + `
[profile both]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = alice
credential_process = aws-vault exec both --password ` + secrets[6] + `
`
	w.write(".aws/config", config)
	w.storeAlice()
	w.sts.ServerTime = t0.Add(10 * time.Minute) // the clock fails too
	w.cachePut("v1:role:prod-admin", cache.KindRole, "prod-admin", time.Hour, true)
	w.cachePut("v1:session:alice", cache.KindSession, "alice", 2*time.Minute, true)
	keysBefore := w.keys.Len()
	filesBefore := files(t, w.cacheDir)

	res := w.run("")
	if doctor.Failed(res) < 4 {
		t.Errorf("expected failures:\n%s", dump(res))
	}
	noSecret(t, res, append(secrets, aliceSecret, sessionSecret, sessionToken)...)
	// Nor part of one.
	for _, c := range res {
		if strings.Contains(c.Message+c.Hint, "S3CR3T") {
			t.Errorf("part of a secret: %+v", c)
		}
	}
	// A command line is named by its program.
	for name, prog := range map[string]string{"otp": "oathtool", "corp": "saml-helper", "ext": "stscred role prod-admin", "ext-missing": "stscred role nosuch"} {
		if !named(res, name, prog) {
			t.Errorf("profile %s: no check names %s:\n%s", name, prog, dump(res))
		}
	}

	if _, err := os.Stat(ran); err == nil {
		t.Error("doctor ran a command line from the config")
	}
	if w.keys.Len() != keysBefore {
		t.Errorf("the keystore changed: %d entries, was %d", w.keys.Len(), keysBefore)
	}
	if after := files(t, w.cacheDir); !slices.Equal(after, filesBefore) {
		t.Errorf("the cache changed: %v, was %v", after, filesBefore)
	}
	if len(w.sts.Calls) != 1 || w.sts.Calls[0] != "GetCallerIdentity" {
		t.Errorf("STS calls %v, want one GetCallerIdentity", w.sts.Calls)
	}
}

// named reports whether a check of profile says what.
func named(res []doctor.Check, profile, what string) bool {
	for _, c := range res {
		if c.Profile == profile && strings.Contains(c.Message, what) {
			return true
		}
	}
	return false
}

// files lists the names under dir, recursively.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		out = append(out, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

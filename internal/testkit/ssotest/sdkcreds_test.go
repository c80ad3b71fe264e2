package ssotest_test

// The Go SDK's own SSO credential provider (config.LoadDefaultConfig with an
// sso-session profile) against the stand-in, through the environment
// variables AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC: it reads the
// token cache the AWS CLI writes, gets role credentials from the portal, and
// refreshes an expired token with the refresh_token grant.

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stscred/stscred/internal/testkit/ssotest"
)

// ssoConfig is an ~/.aws/config with an sso-session and two profiles.
func ssoConfig(region string) string {
	return `[sso-session corp]
sso_start_url = ` + startURL + `
sso_region = ` + region + `
sso_registration_scopes = ` + scope + `

[profile dev]
sso_session = corp
sso_account_id = ` + prodID + `
sso_role_name = AdministratorAccess
region = ` + region + `

[profile ro]
sso_session = corp
sso_account_id = ` + devID + `
sso_role_name = ReadOnly
region = ` + region + `
`
}

// tokenCachePath is where the AWS CLI and the SDKs keep an sso-session's
// token: ~/.aws/sso/cache/<sha1 of the session name>.json.
func tokenCachePath(home, session string) string {
	sum := sha1.Sum([]byte(session))
	return filepath.Join(home, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json")
}

// writeTokenCache writes the token cache file the AWS CLI would write.
func writeTokenCache(t *testing.T, path string, reg *ssooidc.RegisterClientOutput, tok *ssooidc.CreateTokenOutput, expiresAt time.Time) {
	t.Helper()
	doc := map[string]string{
		"startUrl":              startURL,
		"region":                region,
		"accessToken":           aws.ToString(tok.AccessToken),
		"expiresAt":             expiresAt.UTC().Format(time.RFC3339),
		"clientId":              aws.ToString(reg.ClientId),
		"clientSecret":          aws.ToString(reg.ClientSecret),
		"registrationExpiresAt": time.Unix(reg.ClientSecretExpiresAt, 0).UTC().Format(time.RFC3339),
		"refreshToken":          aws.ToString(tok.RefreshToken),
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readTokenCache(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestGoSDKCredentialProvider(t *testing.T) {
	w := newWorld(t)
	reg, tok := w.login(t)
	home := t.TempDir()
	cfgPath := filepath.Join(home, "config")
	if err := os.WriteFile(cfgPath, []byte(ssoConfig(region)), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := tokenCachePath(home, "corp")
	writeTokenCache(t, cache, reg, tok, time.Now().Add(time.Hour))
	// The SDK's token cache is under the home directory: HOME, and
	// USERPROFILE on Windows.
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("AWS_ENDPOINT_URL_SSO", w.url)
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", w.url)
	t.Setenv("AWS_ENDPOINT_URL_STS", w.stsURL)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	identity := func(profile string) string {
		t.Helper()
		cfg, err := config.LoadDefaultConfig(context.Background(),
			config.WithSharedConfigFiles([]string{cfgPath}), config.WithSharedCredentialsFiles([]string{filepath.Join(home, "none")}),
			config.WithSharedConfigProfile(profile), config.WithRetryMaxAttempts(1))
		if err != nil {
			t.Fatal(err)
		}
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("profile %s: %v", profile, err)
		}
		return aws.ToString(id.Arn)
	}
	if got := identity("dev"); !strings.HasPrefix(got, "arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_AdministratorAccess_") || !strings.HasSuffix(got, "/alice") {
		t.Errorf("dev: %s", got)
	}
	if got := w.srv.Calls(ssotest.GrantOp(ssotest.GrantRefreshToken)); got != 0 {
		t.Errorf("%d refreshes of a fresh token", got)
	}

	// The cached token has expired (by the wall clock the SDK reads): the
	// SDK refreshes it and rewrites the cache.
	writeTokenCache(t, cache, reg, tok, time.Now().Add(-time.Minute))
	if got := identity("ro"); !strings.Contains(got, ":assumed-role/AWSReservedSSO_ReadOnly_") || !strings.HasPrefix(got, "arn:aws:sts::333333333333:") {
		t.Errorf("ro: %s", got)
	}
	if got := w.srv.Successes(ssotest.GrantOp(ssotest.GrantRefreshToken)); got != 1 {
		t.Errorf("%d refreshes, want 1", got)
	}
	toks := w.srv.Tokens()
	doc := readTokenCache(t, cache)
	if newest := toks[len(toks)-1]; doc["accessToken"] != newest.AccessToken || doc["refreshToken"] != newest.RefreshToken {
		t.Error("the SDK did not store the refreshed tokens")
	}
	if rts := w.srv.RefreshTokens(); rts[0].Uses != 1 || rts[0].Live {
		t.Errorf("the first refresh token: %+v", rts[0])
	}
}

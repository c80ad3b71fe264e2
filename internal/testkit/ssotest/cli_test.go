//go:build realworld

package ssotest_test

// The AWS CLI (/usr/bin/aws, Debian's v2.9) against the stand-in. v2.9
// predates AWS_ENDPOINT_URL_<SERVICE> and its sso and sso-oidc clients
// (the credential provider's and `aws sso login`'s) ignore --endpoint-url,
// but botocore loads endpoint rule sets from ~/.aws/models before its own:
// a rule set that answers the stand-in's URL points both services at it
// with no change to the CLI. STS takes --endpoint-url. The device code
// flow's browser is $BROWSER, here a script fetching
// verificationUriComplete: the stand-in approves on that visit. Away from
// CI a missing CLI skips it with the reason; in CI it fails
// (testenv.Require).

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/testenv"
)

const awsCLIPath = "/usr/bin/aws"

// endpointRuleSet is an endpoint rule set (endpoints 2.0) that resolves
// every request to url.
func endpointRuleSet(url string) string {
	return `{"version": "1.0",
 "parameters": {"Region": {"builtIn": "AWS::Region", "required": false, "documentation": "The region.", "type": "String"}},
 "rules": [{"conditions": [], "endpoint": {"url": "` + url + `", "properties": {}, "headers": {}}, "type": "endpoint"}]}`
}

// cliHome is a HOME for the CLI: its config, and rule sets pointing sso
// and sso-oidc at the stand-in.
func cliHome(t *testing.T, w *world) string {
	t.Helper()
	home := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(home, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(".aws/config", ssoConfig(region))
	// Python's webbrowser runs $BROWSER as one program name, no arguments.
	// The CLI's own python3 fetches the page: no other package needed.
	write("browser", "#!/usr/bin/python3\nimport sys, urllib.request\nurllib.request.urlopen(sys.argv[1]).read()\n")
	if err := os.Chmod(filepath.Join(home, "browser"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, svc := range []string{"sso", "sso-oidc"} {
		write(".aws/models/"+svc+"/2019-06-10/endpoint-rule-set-1.json", endpointRuleSet(w.url))
	}
	return home
}

func runCLI(t *testing.T, home string, args ...string) (string, string, error) {
	t.Helper()
	_, statErr := os.Stat(awsCLIPath)
	testenv.Require(t, statErr == nil, "the AWS CLI is needed at "+awsCLIPath+" (Debian package awscli)")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, awsCLIPath, args...)
	cmd.Env = []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + filepath.Join(home, ".aws", "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "no-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
		"BROWSER=" + filepath.Join(home, "browser"),
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func TestAWSCLI(t *testing.T) {
	w := newWorld(t)
	t.Cleanup(func() {
		if t.Failed() {
			for _, r := range w.srv.Requests() {
				t.Logf("stand-in saw %+v", r)
			}
		}
	})
	w.clock.Follow() // the CLI sleeps for real between polls
	home := cliHome(t, w)

	out, stderr, err := runCLI(t, home, "sso", "login", "--profile", "dev")
	if err != nil {
		t.Fatalf("aws sso login: %v\n%s\n%s", err, out, stderr)
	}
	devs := w.srv.Devices()
	if len(devs) != 1 || devs[0].State != ssotest.DeviceExchanged || !strings.Contains(out, devs[0].UserCode) {
		t.Fatalf("device authorizations %+v; CLI said:\n%s", devs, out)
	}
	if devs[0].SlowDowns != 0 {
		t.Errorf("the CLI was told to slow down %d times", devs[0].SlowDowns)
	}
	cache := readTokenCache(t, tokenCachePath(home, "corp"))
	toks := w.srv.Tokens()
	if len(toks) != 1 || cache["accessToken"] != toks[0].AccessToken || cache["refreshToken"] != toks[0].RefreshToken || cache["clientId"] != toks[0].ClientID {
		t.Fatalf("token cache %v, tokens %+v", cache, toks)
	}
	if c := w.srv.Clients(); len(c) != 1 || !contains(c[0].Scopes, scope) {
		t.Errorf("CLI registration %+v", c)
	}

	// The CLI's SSO credential provider: portal, then STS.
	out, stderr, err = runCLI(t, home, "sts", "get-caller-identity", "--profile", "dev", "--endpoint-url", w.stsURL, "--output", "json")
	if err != nil {
		t.Fatalf("aws sts get-caller-identity: %v\n%s", err, stderr)
	}
	var id struct{ Arn, Account, UserId string }
	if err := json.Unmarshal([]byte(out), &id); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	roleName := w.adminARN[strings.LastIndex(w.adminARN, "/")+1:]
	if id.Arn != "arn:aws:sts::222222222222:assumed-role/"+roleName+"/alice" || id.Account != prodID {
		t.Errorf("identity %+v", id)
	}

	out, stderr, err = runCLI(t, home, "configure", "export-credentials", "--profile", "dev", "--format", "process")
	if err != nil {
		t.Fatalf("aws configure export-credentials: %v\n%s", err, stderr)
	}
	var exported struct {
		Version                                                int
		AccessKeyId, SecretAccessKey, SessionToken, Expiration string
	}
	if err := json.Unmarshal([]byte(out), &exported); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	issued := w.srv.IssuedRoleCredentials()
	last := issued[len(issued)-1]
	if exported.Version != 1 || exported.AccessKeyId != last.AccessKeyID || exported.SecretAccessKey != last.SecretAccessKey || exported.SessionToken != last.SessionToken {
		t.Errorf("exported %+v, issued %+v", exported, last)
	}

	// The cached token has expired: the CLI refreshes it for another role.
	cachePath := tokenCachePath(home, "corp")
	doc := readTokenCache(t, cachePath)
	doc["expiresAt"] = time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	b, _ := json.Marshal(doc)
	if err := os.WriteFile(cachePath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, err = runCLI(t, home, "sts", "get-caller-identity", "--profile", "ro", "--endpoint-url", w.stsURL, "--output", "json")
	if err != nil {
		t.Fatalf("aws sts get-caller-identity --profile ro: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_ReadOnly_") {
		t.Errorf("ro identity %s", out)
	}
	if got := w.srv.Successes(ssotest.GrantOp(ssotest.GrantRefreshToken)); got != 1 {
		t.Errorf("%d refreshes, want 1", got)
	}
	toks = w.srv.Tokens()
	if cache := readTokenCache(t, cachePath); cache["accessToken"] != toks[len(toks)-1].AccessToken {
		t.Error("the CLI did not store the refreshed token")
	}

	// Logout ends the sign-in on the server too.
	if _, stderr, err = runCLI(t, home, "sso", "logout", "--profile", "dev"); err != nil {
		t.Fatalf("aws sso logout: %v\n%s", err, stderr)
	}
	if got := w.srv.Successes(ssotest.OpLogout); got != 1 {
		t.Errorf("%d logouts, want 1", got)
	}
	for _, tk := range w.srv.Tokens() {
		if tk.Live {
			t.Errorf("token still live after logout: %+v", tk)
		}
	}
}

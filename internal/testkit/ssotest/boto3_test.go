//go:build realworld

package ssotest_test

// boto3 (botocore honours AWS_ENDPOINT_URL_SSO, _SSO_OIDC and _STS): the
// device code flow with its sso-oidc client, then its SSO credential
// provider from the token cache, the portal's paginator and a
// ForbiddenException. Away from CI a missing boto3 skips it with the
// reason; in CI it fails (testenv.Require).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/testenv"
)

const boto3Script = `
import datetime, hashlib, json, os, urllib.request
import boto3, botocore.exceptions

region, start_url = os.environ["REGION"], os.environ["START_URL"]
oidc = boto3.client("sso-oidc", region_name=region)
reg = oidc.register_client(clientName="boto3-test", clientType="public", scopes=["sso:account:access"])
start = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=start_url)
def poll():
    return oidc.create_token(grantType="urn:ietf:params:oauth:grant-type:device_code",
                             clientId=reg["clientId"], clientSecret=reg["clientSecret"], deviceCode=start["deviceCode"])
try:
    poll()
    pending = None
except oidc.exceptions.AuthorizationPendingException as e:
    pending = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
urllib.request.urlopen(start["verificationUriComplete"]).read()  # the user approves
tok = poll()

# The token cache the AWS CLI would write, then the SSO credential provider.
expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=tok["expiresIn"])
cache = os.path.join(os.environ["HOME"], ".aws", "sso", "cache", hashlib.sha1(b"corp").hexdigest() + ".json")
os.makedirs(os.path.dirname(cache), exist_ok=True)
with open(cache, "w") as f:
    json.dump({"startUrl": start_url, "region": region, "accessToken": tok["accessToken"],
               "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "clientId": reg["clientId"],
               "clientSecret": reg["clientSecret"], "refreshToken": tok["refreshToken"],
               "registrationExpiresAt": datetime.datetime.fromtimestamp(reg["clientSecretExpiresAt"], datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}, f)
ident = boto3.Session(profile_name="dev").client("sts").get_caller_identity()

sso = boto3.client("sso", region_name=region)
pages = sso.get_paginator("list_accounts").paginate(accessToken=tok["accessToken"], PaginationConfig={"PageSize": 1})
accounts = [a["accountId"] for page in pages for a in page["accountList"]]
try:
    sso.get_role_credentials(accessToken=tok["accessToken"], accountId="444444444444", roleName="ReadOnly")
    forbidden = None
except botocore.exceptions.ClientError as e:
    forbidden = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
sso.logout(accessToken=tok["accessToken"])
try:
    sso.list_accounts(accessToken=tok["accessToken"])
    after = None
except sso.exceptions.UnauthorizedException as e:
    after = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps({"pending": pending, "arn": ident["Arn"], "accounts": accounts, "forbidden": forbidden,
                  "afterLogout": after, "hasRefresh": "refreshToken" in tok, "expiresIn": tok["expiresIn"]}))
`

func TestBoto3(t *testing.T) {
	out, err := exec.Command("python3", "-c", "import boto3").CombinedOutput()
	testenv.Require(t, err == nil, fmt.Sprintf("boto3 is needed (Debian package python3-boto3): %v %s", err, out))
	w := newWorld(t)
	home := t.TempDir()
	cfg := filepath.Join(home, ".aws", "config")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(ssoConfig(region)), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "python3", "-c", boto3Script)
	cmd.Env = []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + cfg,
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "no-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL_SSO=" + w.url,
		"AWS_ENDPOINT_URL_SSO_OIDC=" + w.url,
		"AWS_ENDPOINT_URL_STS=" + w.stsURL,
		"REGION=" + region,
		"START_URL=" + startURL,
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("boto3 script: %v\n%s", err, stderr.String())
	}
	var got struct {
		Pending, Forbidden, AfterLogout []any
		Arn                             string
		Accounts                        []string
		HasRefresh                      bool
		ExpiresIn                       float64
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, stdout.String())
	}
	if len(got.Pending) != 2 || got.Pending[0] != "AuthorizationPendingException" || got.Pending[1] != float64(400) {
		t.Errorf("pending %v", got.Pending)
	}
	if !strings.HasPrefix(got.Arn, "arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_AdministratorAccess_") || !strings.HasSuffix(got.Arn, "/alice") {
		t.Errorf("identity %s", got.Arn)
	}
	if len(got.Accounts) != 2 || got.Accounts[0] != prodID || got.Accounts[1] != devID {
		t.Errorf("accounts %v", got.Accounts)
	}
	if len(got.Forbidden) != 3 || got.Forbidden[0] != "ForbiddenException" || got.Forbidden[1] != "No access" || got.Forbidden[2] != float64(403) {
		t.Errorf("forbidden %v", got.Forbidden)
	}
	if len(got.AfterLogout) != 2 || got.AfterLogout[0] != "UnauthorizedException" || got.AfterLogout[1] != float64(401) {
		t.Errorf("after logout %v", got.AfterLogout)
	}
	if !got.HasRefresh || got.ExpiresIn != 3600 {
		t.Errorf("refresh token %v, expiresIn %v", got.HasRefresh, got.ExpiresIn)
	}
	if n := w.srv.Successes(ssotest.OpGetRoleCredentials); n != 1 {
		t.Errorf("%d GetRoleCredentials successes, want 1", n)
	}
}

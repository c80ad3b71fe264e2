//go:build realworld

package ststest_test

// Real clients: the AWS CLI (botocore) and boto3 must get their signatures
// verified. Like every test of a real component, a missing client skips
// them with the reason away from CI and fails them in CI (testenv.Require).

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testenv"
)

const awsCLIPath = "/usr/bin/aws"

// cleanEnv is an environment with a throw-away HOME and config files, so no
// user configuration or instance metadata interferes, plus extra.
func cleanEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	return append([]string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + home + "/no-config",
		"AWS_SHARED_CREDENTIALS_FILE=" + home + "/no-credentials",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_REGION=" + region,
		"AWS_DEFAULT_REGION=" + region,
		"AWS_PAGER=",
	}, extra...)
}

func requireAWSCLI(t *testing.T) {
	t.Helper()
	_, err := os.Stat(awsCLIPath)
	testenv.Require(t, err == nil, "the AWS CLI is needed at "+awsCLIPath+" (Debian package awscli)")
}

// awsCLI runs /usr/bin/aws with credentials and returns stdout, stderr and
// the error of the run.
func awsCLI(t *testing.T, c stsCreds, args ...string) (string, string, error) {
	t.Helper()
	env := []string{"AWS_ACCESS_KEY_ID=" + c.id, "AWS_SECRET_ACCESS_KEY=" + c.secret}
	if c.token != "" {
		env = append(env, "AWS_SESSION_TOKEN="+c.token)
	}
	cmd := exec.CommandContext(t.Context(), awsCLIPath, append(args, "--output", "json")...)
	cmd.Env = cleanEnv(t, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func TestAWSCLI(t *testing.T) {
	requireAWSCLI(t)
	w := newWorld(t, func(o *ststest.Options) { o.Region = region })
	alice := stsCreds{w.key.ID, w.key.Secret, ""}

	out, stderr, err := awsCLI(t, alice, "sts", "get-caller-identity", "--endpoint-url", w.url)
	if err != nil {
		t.Fatalf("aws sts get-caller-identity: %v\n%s", err, stderr)
	}
	var id struct{ UserId, Account, Arn string }
	decodeJSON(t, out, &id)
	if id.Arn != w.alice.ARN() || id.UserId != w.alice.ID() || id.Account != userAccount {
		t.Errorf("identity %+v", id)
	}

	// MFA session, then a role through it, signed with a session token.
	out, stderr, err = awsCLI(t, alice, "sts", "get-session-token", "--endpoint-url", w.url,
		"--serial-number", w.dev.Serial, "--token-code", w.code(), "--duration-seconds", "3600")
	if err != nil {
		t.Fatalf("aws sts get-session-token: %v\n%s", err, stderr)
	}
	var gst struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
	}
	decodeJSON(t, out, &gst)
	session := stsCreds{gst.Credentials.AccessKeyId, gst.Credentials.SecretAccessKey, gst.Credentials.SessionToken}
	out, stderr, err = awsCLI(t, session, "sts", "assume-role", "--endpoint-url", w.url,
		"--role-arn", adminARN, "--role-session-name", "cli", "--tags", "Key=team,Value=infra", "--duration-seconds", "3600")
	if err != nil {
		t.Fatalf("aws sts assume-role: %v\n%s", err, stderr)
	}
	var ar struct {
		AssumedRoleUser struct{ Arn, AssumedRoleId string }
		Credentials     struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
	}
	decodeJSON(t, out, &ar)
	if ar.AssumedRoleUser.Arn != "arn:aws:sts::222222222222:assumed-role/Admin/cli" {
		t.Errorf("assumed role %+v", ar.AssumedRoleUser)
	}
	role := stsCreds{ar.Credentials.AccessKeyId, ar.Credentials.SecretAccessKey, ar.Credentials.SessionToken}
	out, stderr, err = awsCLI(t, role, "sts", "get-caller-identity", "--endpoint-url", w.url)
	if err != nil {
		t.Fatalf("aws sts get-caller-identity with role credentials: %v\n%s", err, stderr)
	}
	decodeJSON(t, out, &id)
	if id.Arn != "arn:aws:sts::222222222222:assumed-role/Admin/cli" || id.Account != roleAccount {
		t.Errorf("role identity %+v", id)
	}
	if s := w.srv.Successes(ststest.AnyAction); s != 4 {
		t.Errorf("%d successful calls, want 4", s)
	}
}

func TestAWSCLIWrongSecret(t *testing.T) {
	requireAWSCLI(t)
	w := newWorld(t)
	_, stderr, err := awsCLI(t, stsCreds{w.key.ID, w.bobKey.Secret, ""}, "sts", "get-caller-identity", "--endpoint-url", w.url)
	if err == nil {
		t.Fatal("aws sts get-caller-identity with a wrong secret succeeded")
	}
	if !strings.Contains(stderr, "(SignatureDoesNotMatch)") || !strings.Contains(stderr, "The request signature we calculated does not match") {
		t.Errorf("stderr %q, want SignatureDoesNotMatch", stderr)
	}
	if r := w.srv.Requests(); len(r) == 0 || r[0].Code != "SignatureDoesNotMatch" {
		t.Errorf("requests %+v", r)
	}
}

// boto3Script takes its inputs from the environment and prints one JSON
// object with what it saw.
const boto3Script = `
import json, os
import boto3, botocore.exceptions

url = os.environ["STSTEST_URL"]
def client(key, secret, token=None):
    return boto3.client("sts", endpoint_url=url, region_name="eu-west-1",
                        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token)

alice = client(os.environ["KEY_ID"], os.environ["SECRET"])
ident = alice.get_caller_identity()
gst = alice.get_session_token(SerialNumber=os.environ["SERIAL"], TokenCode=os.environ["CODE"], DurationSeconds=3600)["Credentials"]
session = client(gst["AccessKeyId"], gst["SecretAccessKey"], gst["SessionToken"])
ar = session.assume_role(RoleArn=os.environ["ROLE"], RoleSessionName="boto3",
                         Tags=[{"Key": "team", "Value": "infra"}], TransitiveTagKeys=["team"])
rc = ar["Credentials"]
role_ident = client(rc["AccessKeyId"], rc["SecretAccessKey"], rc["SessionToken"]).get_caller_identity()
try:
    client(os.environ["KEY_ID"], "wrong" + os.environ["SECRET"][5:]).get_caller_identity()
    bad = None
except botocore.exceptions.ClientError as e:
    bad = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps({
    "user": ident["Arn"], "userId": ident["UserId"],
    "role": role_ident["Arn"], "roleUserId": role_ident["UserId"],
    "expirationTZ": rc["Expiration"].tzname(),
    "bad": bad,
}))
`

// requireBoto3 skips t away from CI, and fails it in CI, unless python
// imports boto3.
func requireBoto3(t *testing.T, python string) {
	t.Helper()
	out, err := exec.Command(python, "-c", "import boto3").CombinedOutput()
	testenv.Require(t, err == nil, fmt.Sprintf("boto3 is needed (Debian package python3-boto3): %v %s", err, out))
}

func TestBoto3(t *testing.T) {
	requireBoto3(t, "python3")
	w := newWorld(t, func(o *ststest.Options) { o.Region = region })
	cmd := exec.CommandContext(t.Context(), "python3", "-c", boto3Script)
	cmd.Env = cleanEnv(t,
		"STSTEST_URL="+w.url, "KEY_ID="+w.key.ID, "SECRET="+w.key.Secret,
		"SERIAL="+w.dev.Serial, "CODE="+w.code(), "ROLE="+adminARN)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("boto3 script: %v\n%s", err, stderr.String())
	}
	var got struct {
		User, UserID, Role, RoleUserID, ExpirationTZ string
		Bad                                          []any
	}
	decodeJSON(t, stdout.String(), &got)
	if got.User != w.alice.ARN() || got.UserID != w.alice.ID() {
		t.Errorf("user identity %+v", got)
	}
	if got.Role != "arn:aws:sts::222222222222:assumed-role/Admin/boto3" || got.RoleUserID != w.admin.ID+":boto3" {
		t.Errorf("role identity %+v", got)
	}
	if got.ExpirationTZ != "UTC" {
		t.Errorf("botocore parsed Expiration in zone %q, want UTC", got.ExpirationTZ)
	}
	if len(got.Bad) != 2 || got.Bad[0] != "SignatureDoesNotMatch" || got.Bad[1] != float64(403) {
		t.Errorf("wrong secret: %v, want [SignatureDoesNotMatch 403]", got.Bad)
	}
	if s := w.srv.Sessions(); len(s) != 2 || s[1].Tags["team"] != "infra" || !s[1].MFA {
		t.Errorf("sessions %+v", s)
	}
}

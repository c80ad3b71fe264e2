//go:build realworld

package ststest_test

// AssumeRoleWithWebIdentity and AssumeRoleWithSAML through the real AWS CLI
// and boto3, with no AWS credentials at all: both send these actions
// unsigned. Like every test of a real component, a missing client skips
// them with the reason away from CI and fails them in CI (testenv.Require).

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/oidctest"
	"github.com/stscred/stscred/internal/testkit/samltest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

const python3Path = "/usr/bin/python3"

// awsCLIAnon runs /usr/bin/aws with no credentials in its environment.
func awsCLIAnon(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), awsCLIPath, append(args, "--output", "json")...)
	cmd.Env = cleanEnv(t)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

type cliCredentials struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }

func (c cliCredentials) creds() stsCreds {
	return stsCreds{c.AccessKeyId, c.SecretAccessKey, c.SessionToken}
}

func TestAWSCLIWebIdentity(t *testing.T) {
	requireAWSCLI(t)
	w := newWebWorld(t)
	out, stderr, err := awsCLIAnon(t, "sts", "assume-role-with-web-identity", "--endpoint-url", w.url,
		"--role-arn", deployARN, "--role-session-name", "cli", "--web-identity-token", w.token(deploySub), "--duration-seconds", "3600")
	if err != nil {
		t.Fatalf("aws sts assume-role-with-web-identity: %v\n%s", err, stderr)
	}
	var res struct {
		Credentials                           cliCredentials
		SubjectFromWebIdentityToken, Provider string
		Audience                              string
		AssumedRoleUser                       struct{ Arn, AssumedRoleId string }
	}
	decodeJSON(t, out, &res)
	wantARN := "arn:aws:sts::222222222222:assumed-role/Deploy/cli"
	if res.SubjectFromWebIdentityToken != deploySub || res.Provider != w.providerARN || res.Audience != stsAudience ||
		res.AssumedRoleUser.Arn != wantARN || !strings.HasPrefix(res.Credentials.AccessKeyId, "ASIA") {
		t.Errorf("result %s", out)
	}
	if r := w.srv.Requests(); len(r) != 1 || r[0].AccessKeyID != "" || r[0].Status != 200 {
		t.Errorf("the CLI's request %+v: want one unsigned success", r)
	}
	out, stderr, err = awsCLI(t, res.Credentials.creds(), "sts", "get-caller-identity", "--endpoint-url", w.url)
	if err != nil {
		t.Fatalf("aws sts get-caller-identity with the web identity session: %v\n%s", err, stderr)
	}
	var id struct{ Arn, Account string }
	decodeJSON(t, out, &id)
	if id.Arn != wantARN || id.Account != roleAccount {
		t.Errorf("identity %s", out)
	}

	_, stderr, err = awsCLIAnon(t, "sts", "assume-role-with-web-identity", "--endpoint-url", w.url,
		"--role-arn", deployARN, "--role-session-name", "cli",
		"--web-identity-token", w.idp.BadToken(oidctest.Expired, oidctest.Claims{Subject: deploySub, Audience: []string{stsAudience}}))
	if err == nil || !strings.Contains(stderr, "(ExpiredTokenException)") || !strings.Contains(stderr, "Token expired: current date/time ") {
		t.Errorf("expired token: err %v, stderr %q", err, stderr)
	}
}

func TestAWSCLISAML(t *testing.T) {
	requireAWSCLI(t)
	w := newSAMLWorld(t)
	out, stderr, err := awsCLIAnon(t, "sts", "assume-role-with-saml", "--endpoint-url", w.url,
		"--role-arn", samlRoleARN, "--principal-arn", samlProviderARN, "--saml-assertion", w.idp.Response(w.assertion()))
	if err != nil {
		t.Fatalf("aws sts assume-role-with-saml: %v\n%s", err, stderr)
	}
	var res struct {
		Credentials                                           cliCredentials
		Subject, SubjectType, Issuer, Audience, NameQualifier string
		AssumedRoleUser                                       struct{ Arn string }
	}
	decodeJSON(t, out, &res)
	if res.Subject != samlSubject || res.SubjectType != "persistent" || res.Issuer != samlEntityID || res.NameQualifier == "" ||
		res.AssumedRoleUser.Arn != "arn:aws:sts::222222222222:assumed-role/SAMLAdmin/"+samlSubject {
		t.Errorf("result %s", out)
	}
	if r := w.srv.Requests(); len(r) != 1 || r[0].AccessKeyID != "" || r[0].Status != 200 {
		t.Errorf("the CLI's request %+v: want one unsigned success", r)
	}
	if _, stderr, err := awsCLI(t, res.Credentials.creds(), "sts", "get-caller-identity", "--endpoint-url", w.url); err != nil {
		t.Fatalf("aws sts get-caller-identity with the SAML session: %v\n%s", err, stderr)
	}

	_, stderr, err = awsCLIAnon(t, "sts", "assume-role-with-saml", "--endpoint-url", w.url,
		"--role-arn", samlRoleARN, "--principal-arn", samlProviderARN, "--saml-assertion", w.idp.BadResponse(samltest.Tampered, w.assertion()))
	if err == nil || !strings.Contains(stderr, "(InvalidIdentityToken)") || !strings.Contains(stderr, "Response signature invalid") {
		t.Errorf("tampered assertion: err %v, stderr %q", err, stderr)
	}
}

// boto3FederationScript assumes both roles with no credentials, signs
// get_caller_identity with each result, and reports a refused call.
const boto3FederationScript = `
import json, os
import boto3, botocore.config, botocore.exceptions

url = os.environ["STSTEST_URL"]
anon = boto3.client("sts", endpoint_url=url, region_name="eu-west-1",
                    config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 2}))
def whoami(c):
    c = c["Credentials"]
    return boto3.client("sts", endpoint_url=url, region_name="eu-west-1", aws_access_key_id=c["AccessKeyId"],
                        aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"]).get_caller_identity()["Arn"]

web = anon.assume_role_with_web_identity(RoleArn=os.environ["WEB_ROLE"], RoleSessionName="boto3", WebIdentityToken=os.environ["TOKEN"])
saml = anon.assume_role_with_saml(RoleArn=os.environ["SAML_ROLE"], PrincipalArn=os.environ["SAML_PROVIDER"], SAMLAssertion=os.environ["ASSERTION"])
try:
    anon.assume_role_with_saml(RoleArn=os.environ["SAML_ROLE"], PrincipalArn=os.environ["SAML_PROVIDER"], SAMLAssertion=os.environ["BAD_ASSERTION"])
    bad = None
except botocore.exceptions.ClientError as e:
    bad = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps({
    "webSubject": web["SubjectFromWebIdentityToken"], "webProvider": web["Provider"], "webArn": whoami(web),
    "samlSubject": saml["Subject"], "samlQualifier": saml["NameQualifier"], "samlArn": whoami(saml),
    "bad": bad,
}))
`

func TestBoto3Federation(t *testing.T) {
	requireBoto3(t, python3Path)
	w := newWebWorld(t)
	saml := samltest.New(samltest.Options{EntityID: samlEntityID, Now: w.clock.Now})
	sw := &samlWorld{world: w.world, idp: saml}
	if _, err := w.srv.AddSAMLProviderMetadata(samlProviderARN, saml.Metadata()); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.TrustSAML(readOnlyARN, ststest.SAMLTrust{Provider: samlProviderARN}); err != nil {
		t.Fatal(err)
	}
	a := sw.assertion(func(a *samltest.Assertion) {
		a.Roles = []samltest.Role{{RoleARN: readOnlyARN, ProviderARN: samlProviderARN}}
	})
	// botocore retries IDPCommunicationError: one injected fault is
	// absorbed.
	if err := w.srv.Fail("AssumeRoleWithWebIdentity", "IDPCommunicationError", 1); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), python3Path, "-c", boto3FederationScript)
	cmd.Env = cleanEnv(t,
		"STSTEST_URL="+w.url, "WEB_ROLE="+deployARN, "TOKEN="+w.token(deploySub),
		"SAML_ROLE="+readOnlyARN, "SAML_PROVIDER="+samlProviderARN,
		"ASSERTION="+saml.Response(a), "BAD_ASSERTION="+saml.BadResponse(samltest.Expired, a))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("boto3 script: %v\n%s", err, stderr.String())
	}
	var got struct {
		WebSubject, WebProvider, WebArn, SamlSubject, SamlQualifier, SamlArn string
		Bad                                                                  []any
	}
	decodeJSON(t, stdout.String(), &got)
	if got.WebSubject != deploySub || got.WebProvider != w.providerARN || got.WebArn != "arn:aws:sts::222222222222:assumed-role/Deploy/boto3" {
		t.Errorf("web identity via boto3: %+v", got)
	}
	if got.SamlSubject != samlSubject || got.SamlQualifier == "" || got.SamlArn != "arn:aws:sts::222222222222:assumed-role/ReadOnly/"+samlSubject {
		t.Errorf("SAML via boto3: %+v", got)
	}
	if len(got.Bad) != 3 || got.Bad[0] != "ExpiredTokenException" || got.Bad[1] != "Response has expired" || got.Bad[2] != float64(400) {
		t.Errorf("expired assertion via boto3: %v", got.Bad)
	}
	if c, s := w.srv.Calls("AssumeRoleWithWebIdentity"), w.srv.Successes("AssumeRoleWithWebIdentity"); c != 2 || s != 1 {
		t.Errorf("web identity calls %d successes %d: want botocore to retry the IDPCommunicationError once", c, s)
	}
	for _, r := range w.srv.Requests() {
		if (r.Action == "AssumeRoleWithWebIdentity" || r.Action == "AssumeRoleWithSAML") && r.AccessKeyID != "" {
			t.Errorf("boto3 signed %s with %s", r.Action, r.AccessKeyID)
		}
	}
}

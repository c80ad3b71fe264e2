//go:build linux && realworld

package e2e

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/testenv"
)

// consumerWorld is a world the real consumers run in: its commands'
// environment, and the world under it (its STS server).
type consumerWorld interface {
	exec(extra []string, name string, args ...string) result
	base() *world
}

func (w *wiWorld) base() *world  { return w.world }
func (w *ssoWorld) base() *world { return w.world }

// consumer is one real consumer of credential_process: run with a
// profile, it returns the identity it got and the access key id it signed
// GetCallerIdentity with.
type consumer struct {
	name string
	run  func(t *testing.T, w consumerWorld, profile string) (arn, keyID string)
}

// consumers are the AWS CLI, boto3, the Go SDK and the JS SDK; the JS
// SDK must also get the AccountId stscred printed, account.
func consumers(account string) []consumer {
	return []consumer{
		{"aws-cli", func(t *testing.T, w consumerWorld, profile string) (string, string) {
			requireTool(t, awsCLI, "awscli")
			res := w.exec(nil, awsCLI, "sts", "get-caller-identity", "--profile", profile, "--endpoint-url", w.base().url)
			if res.code != 0 {
				t.Fatalf("aws sts get-caller-identity --profile %s: %s", profile, res)
			}
			var id callerIdentity
			if err := json.Unmarshal([]byte(res.stdout), &id); err != nil {
				t.Fatalf("aws output: %v\n%s", err, res.stdout)
			}
			return id.Arn, lastRequestKey(w.base(), "GetCallerIdentity")
		}},
		{"boto3", func(t *testing.T, w consumerWorld, profile string) (string, string) {
			requireTool(t, sysPython, "python3")
			testenv.Require(t, exec.Command(sysPython, "-c", "import boto3").Run() == nil, "boto3 is needed (Debian package python3-boto3)")
			script := `import boto3, json, os
s = boto3.Session(profile_name=os.environ["CALLER_PROFILE"])
c = s.client("sts", endpoint_url=os.environ["AWS_ENDPOINT_URL_STS"])
arn = c.get_caller_identity()["Arn"]
print(json.dumps({"Arn": arn, "Key": s.get_credentials().get_frozen_credentials().access_key}))
`
			res := w.exec([]string{"CALLER_PROFILE=" + profile}, sysPython, "-c", script)
			if res.code != 0 {
				t.Fatalf("boto3: %s", res)
			}
			var o struct{ Arn, Key string }
			if err := json.Unmarshal([]byte(res.stdout), &o); err != nil {
				t.Fatalf("boto3 output: %v\n%s", err, res.stdout)
			}
			return o.Arn, o.Key
		}},
		{"go-sdk", func(t *testing.T, w consumerWorld, profile string) (string, string) {
			res := w.exec(nil, buildSDKCaller(t), "-profile", profile)
			f := strings.Fields(res.stdout)
			if res.code != 0 || len(f) != 2 {
				t.Fatalf("Go SDK: %s", res)
			}
			return f[0], f[1]
		}},
		{"js-sdk", func(t *testing.T, w consumerWorld, profile string) (string, string) {
			node, script := jsCaller(t)
			res := w.exec(nil, node, script, profile)
			if res.code != 0 {
				t.Fatalf("node caller.mjs %s: %s", profile, res)
			}
			var o struct {
				Arn, Account, AccessKeyId string
				AccountIdFromProcess      *string
			}
			if err := json.Unmarshal([]byte(res.stdout), &o); err != nil {
				t.Fatalf("caller output: %v\n%s", err, res.stdout)
			}
			if o.AccountIdFromProcess == nil || *o.AccountIdFromProcess != account {
				t.Fatalf("the JS SDK did not get the AccountId from stscred's output: %s", res.stdout)
			}
			return o.Arn, o.AccessKeyId
		}},
	}
}

// consumerNamed finds a consumer by name.
func consumerNamed(t *testing.T, account, name string) consumer {
	t.Helper()
	for _, c := range consumers(account) {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no consumer %s", name)
	return consumer{}
}

//go:build linux

package e2e

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testenv"
)

// ssoConsumer is one real consumer of credential_process: run with a
// profile, it returns the identity it got and the access key id it signed
// GetCallerIdentity with.
type ssoConsumer struct {
	name string
	run  func(t *testing.T, w *ssoWorld, profile string) (arn, keyID string)
}

func ssoConsumers() []ssoConsumer {
	return []ssoConsumer{
		{"aws-cli", func(t *testing.T, w *ssoWorld, profile string) (string, string) {
			requireTool(t, awsCLI, "awscli")
			res := w.exec(nil, awsCLI, "sts", "get-caller-identity", "--profile", profile, "--endpoint-url", w.url)
			if res.code != 0 {
				t.Fatalf("aws sts get-caller-identity --profile %s: %s", profile, res)
			}
			var id callerIdentity
			if err := json.Unmarshal([]byte(res.stdout), &id); err != nil {
				t.Fatalf("aws output: %v\n%s", err, res.stdout)
			}
			return id.Arn, lastRequestKey(w.world, "GetCallerIdentity")
		}},
		{"boto3", func(t *testing.T, w *ssoWorld, profile string) (string, string) {
			requireTool(t, sysPython, "python3")
			testenv.Require(t, exec.Command(sysPython, "-c", "import boto3").Run() == nil, "boto3 is needed (Debian package python3-boto3)")
			script := `import boto3, json, os
s = boto3.Session(profile_name=os.environ["SSO_PROFILE"])
c = s.client("sts", endpoint_url=os.environ["AWS_ENDPOINT_URL_STS"])
arn = c.get_caller_identity()["Arn"]
print(json.dumps({"Arn": arn, "Key": s.get_credentials().get_frozen_credentials().access_key}))
`
			res := w.exec([]string{"SSO_PROFILE=" + profile}, sysPython, "-c", script)
			if res.code != 0 {
				t.Fatalf("boto3: %s", res)
			}
			var o struct{ Arn, Key string }
			if err := json.Unmarshal([]byte(res.stdout), &o); err != nil {
				t.Fatalf("boto3 output: %v\n%s", err, res.stdout)
			}
			return o.Arn, o.Key
		}},
		{"go-sdk", func(t *testing.T, w *ssoWorld, profile string) (string, string) {
			res := w.exec(nil, buildSDKCaller(t), "-profile", profile)
			f := strings.Fields(res.stdout)
			if res.code != 0 || len(f) != 2 {
				t.Fatalf("Go SDK: %s", res)
			}
			return f[0], f[1]
		}},
		{"js-sdk", func(t *testing.T, w *ssoWorld, profile string) (string, string) {
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
			if o.AccountIdFromProcess == nil || *o.AccountIdFromProcess != ssoAccount {
				t.Fatalf("the JS SDK did not get the AccountId from stscred's output: %s", res.stdout)
			}
			return o.Arn, o.AccessKeyId
		}},
	}
}

// ssoConsumer finds a consumer by name.
func ssoConsumerNamed(t *testing.T, name string) ssoConsumer {
	t.Helper()
	for _, c := range ssoConsumers() {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no consumer %s", name)
	return ssoConsumer{}
}

// runSSOConsumers has every consumer, twice, get profile's identity: it
// must be wantArn (or start with it, when prefix), signed with the key of
// one credential set, fetched by the first process start; later starts
// are served from stscred's cache. It returns the key id used.
func runSSOConsumers(t *testing.T, w *ssoWorld, profile, wantArn string, prefix bool) string {
	t.Helper()
	grc0 := w.grc()
	key := ""
	for round := 1; round <= 2; round++ {
		for _, c := range ssoConsumers() {
			arn, k := c.run(t, w, profile)
			if arn != wantArn && !(prefix && strings.HasPrefix(arn, wantArn)) {
				t.Fatalf("%s: identity %s, want %s", c.name, arn, wantArn)
			}
			if key == "" {
				key = k
			}
			// The server verified the consumer's signature: it signed
			// GetCallerIdentity with the cached credentials' key.
			if k != key || lastRequestKey(w.world, "GetCallerIdentity") != key {
				t.Fatalf("%s (round %d) signed with %s (server saw %s), the first consumer with %s: not served from the cache",
					c.name, round, k, lastRequestKey(w.world, "GetCallerIdentity"), key)
			}
			if n := w.grc() - grc0; n != 1 {
				t.Fatalf("%s (round %d): %d GetRoleCredentials calls, want exactly the first process start's", c.name, round, n)
			}
		}
	}
	for _, r := range w.srv.Requests() {
		if r.Action == "GetCallerIdentity" && r.Code != "" {
			t.Fatalf("a consumer's GetCallerIdentity failed: %s", r.Code)
		}
	}
	return key
}

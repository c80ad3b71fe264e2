//go:build linux && realworld

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stscred/stscred/internal/testkit/testenv"
)

// jsCaller is the JavaScript SDK v3 consumer (internal/e2e/jscaller), its packages
// installed by .ci/run with npm ci.
func jsCaller(t *testing.T) (node, script string) {
	t.Helper()
	node = requireTool(t, "node", "nodejs")
	dir, err := filepath.Abs("jscaller")
	if err != nil {
		t.Fatal(err)
	}
	_, err = os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", "credential-providers"))
	testenv.Require(t, err == nil, "the JavaScript SDK v3 is not installed: npm ci --prefix internal/e2e/jscaller")
	return node, filepath.Join(dir, "caller.mjs")
}

// The JavaScript SDK v3 (fromIni, which runs credential_process) gets the
// role's credentials from stscred, signs GetCallerIdentity with them (the
// test server verifies the signature), and reads the AccountId stscred
// prints; a second process start makes no STS credential call.
func TestJavaScriptSDK(t *testing.T) {
	node, script := jsCaller(t)
	w := newWorld(t)
	w.addAlice()
	type out struct {
		Arn, Account, AccessKeyId string
		AccountIdFromProcess      *string
	}
	call := func(env ...string) out {
		t.Helper()
		res := w.run("", w.env(env...), node, script, "prod")
		if res.code != 0 {
			t.Fatalf("node caller.mjs prod: %s", res)
		}
		var o out
		if err := json.Unmarshal([]byte(res.stdout), &o); err != nil {
			t.Fatalf("caller output: %v\n%s", err, res.stdout)
		}
		return o
	}
	first := call("STSCRED_MFA_TOKEN=" + w.code())
	if first.Arn != "arn:aws:sts::222222222222:assumed-role/Admin/stscred-alice" || first.Account != "222222222222" {
		t.Fatalf("identity %+v", first)
	}
	if first.AccountIdFromProcess == nil || *first.AccountIdFromProcess != "222222222222" {
		t.Fatalf("the SDK did not get AccountId from the credential_process output: %+v", first)
	}
	if k := lastRequestKey(w, "GetCallerIdentity"); k != first.AccessKeyId || k != roleSessionKey(w) {
		t.Fatalf("the SDK signed with %q, the role session is %q", k, roleSessionKey(w))
	}
	gst, ar, _ := w.counts()
	second := call()
	if g, a, _ := w.counts(); g != gst || a != ar {
		t.Fatalf("the second process start called STS for credentials: %d→%d GetSessionToken, %d→%d AssumeRole", gst, g, ar, a)
	}
	if second.AccessKeyId != first.AccessKeyId {
		t.Fatal("the second start did not get the cached role credentials")
	}
}

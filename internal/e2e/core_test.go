//go:build linux && realworld

package e2e

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type callerIdentity struct {
	UserID  string `json:"UserId"`
	Account string `json:"Account"`
	Arn     string `json:"Arn"`
}

func lastRequestKey(w *world, action string) string {
	reqs := w.srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Action == action {
			return reqs[i].AccessKeyID
		}
	}
	return ""
}

// roleSessionKey is the access key id of the newest AssumeRole session.
func roleSessionKey(w *world) string {
	id := ""
	for _, s := range w.srv.Sessions() {
		if s.Action == "AssumeRole" {
			id = s.AccessKeyID
		}
	}
	return id
}

// The user story, with the real AWS CLI v2 running stscred as
// credential_process: one MFA code, then no STS calls at all.
func TestAWSCLIEndToEnd(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.addAlice()
		if stored := w.storedKey("alice"); !strings.Contains(stored, w.key.Secret) {
			t.Fatal("the key is not in the Secret Service")
		}
		gst0, ar0, _ := w.counts()

		res := w.aws([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "sts", "get-caller-identity", "--profile", "prod")
		if res.code != 0 {
			t.Fatalf("aws: %s", res)
		}
		var id callerIdentity
		if err := json.Unmarshal([]byte(res.stdout), &id); err != nil {
			t.Fatalf("aws output: %v: %s", err, res.stdout)
		}
		if id.Arn != "arn:aws:sts::222222222222:assumed-role/Admin/stscred-alice" || id.Account != "222222222222" {
			t.Fatalf("identity %+v", id)
		}
		gst, ar, gci := w.counts()
		if gst-gst0 != 1 || ar-ar0 != 1 {
			t.Fatalf("first call: %d GetSessionToken, %d AssumeRole", gst-gst0, ar-ar0)
		}
		// The CLI signed GetCallerIdentity with the role credentials stscred
		// printed, and the server verified that signature.
		if k := lastRequestKey(w, "GetCallerIdentity"); k == "" || k != roleSessionKey(w) {
			t.Fatalf("CLI signed with %q, role session is %q", k, roleSessionKey(w))
		}
		if n := len(w.srv.AcceptedCodes(w.mfa.Serial)); n != 1 {
			t.Fatalf("%d MFA codes used", n)
		}

		// Second call: no MFA code available at all, and no STS call but the
		// CLI's own.
		res = w.aws(nil, "sts", "get-caller-identity", "--profile", "prod")
		if res.code != 0 {
			t.Fatalf("second aws call: %s", res)
		}
		gst2, ar2, gci2 := w.counts()
		if gst2 != gst || ar2 != ar || gci2 != gci+1 {
			t.Fatalf("second call made STS calls: GST %d->%d AR %d->%d GCI %d->%d", gst, gst2, ar, ar2, gci, gci2)
		}

		// A second role of the same source: no new MFA code.
		w.writeConfig(w.standardConfig() + "\n[profile ro]\nsource_profile = alice\nrole_arn = " + roRole + "\n\n[profile readonly]\ncredential_process = stscred role ro\nregion = eu-west-1\n")
		res = w.aws(nil, "sts", "get-caller-identity", "--profile", "readonly")
		if res.code != 0 || !strings.Contains(res.stdout, "assumed-role/ReadOnly/stscred-alice") {
			t.Fatalf("readonly: %s", res)
		}
		if g, _, _ := w.counts(); g != gst {
			t.Fatal("a second role of the same source asked STS for a new session")
		}

		w.assertNoPlaintext(w.home, w.tmp)
	})
}

func TestBoto3EndToEnd(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.addAlice()
		if _, err := os.Stat(sysPython); err != nil {
			t.Fatalf("boto3 tests need %s with Debian's python3-boto3", sysPython)
		}
		script := `import boto3, os, sys
s = boto3.Session(profile_name="prod")
c = s.client("sts", endpoint_url=os.environ["AWS_ENDPOINT_URL_STS"])
print(c.get_caller_identity()["Arn"])
print(c.get_caller_identity()["Arn"])
`
		res := w.run("", w.env("STSCRED_MFA_TOKEN="+w.code()), sysPython, "-c", script)
		if res.code != 0 || strings.Count(res.stdout, "assumed-role/Admin/stscred-alice") != 2 {
			t.Fatalf("boto3: %s", res)
		}
		gst, ar, _ := w.counts()
		res = w.run("", w.env(), sysPython, "-c", script)
		if res.code != 0 {
			t.Fatalf("boto3 second run: %s", res)
		}
		if g, a, _ := w.counts(); g != gst || a != ar || gst != 1 || ar != 1 {
			t.Fatalf("boto3: GetSessionToken %d->%d, AssumeRole %d->%d", gst, g, ar, a)
		}
		if k := lastRequestKey(w, "GetCallerIdentity"); k != roleSessionKey(w) {
			t.Fatalf("boto3 signed with %q", k)
		}
	})
}

func TestGoSDKEndToEnd(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.addAlice()
		caller := buildSDKCaller(t)
		res := w.run("", w.env("STSCRED_MFA_TOKEN="+w.code()), caller, "-profile", "prod", "-n", "2")
		if res.code != 0 || strings.Count(res.stdout, "assumed-role/Admin/stscred-alice") != 2 {
			t.Fatalf("Go SDK: %s", res)
		}
		res = w.run("", w.env(), caller, "-profile", "prod")
		if res.code != 0 {
			t.Fatalf("Go SDK second run: %s", res)
		}
		if g, a, _ := w.counts(); g != 1 || a != 1 {
			t.Fatalf("Go SDK: %d GetSessionToken, %d AssumeRole", g, a)
		}
		if k := lastRequestKey(w, "GetCallerIdentity"); k != roleSessionKey(w) {
			t.Fatalf("Go SDK signed with %q", k)
		}
	})
}

func buildSDKCaller(t *testing.T) string { return buildHelper(t, "sdkcaller") }

var (
	helpersMu sync.Mutex
	helpers   = map[string]string{}
)

// buildHelper builds one of the test programs under internal/e2e/ once per run.
func buildHelper(t *testing.T, name string) string {
	t.Helper()
	helpersMu.Lock()
	defer helpersMu.Unlock()
	if p, ok := helpers[name]; ok {
		return p
	}
	dir, err := os.MkdirTemp("", name+"-")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "build", "-o", dir+"/"+name, "github.com/stscred/stscred/internal/e2e/"+name).CombinedOutput()
	if err != nil {
		t.Fatalf("building %s: %v\n%s", name, err, out)
	}
	helpers[name] = dir + "/" + name
	return helpers[name]
}

func TestSessionAndInlineRole(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.addAlice()
		sess := w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "session", "alice"))
		if !strings.HasPrefix(sess.AccessKeyID, "ASIA") || sess.Expiration.Sub(time.Now()) < 11*time.Hour {
			t.Fatalf("session %s expires %s", sess.AccessKeyID, sess.Expiration)
		}
		// Same session from the cache.
		again := w.decode(w.stscred("session", "alice"))
		if again != sess {
			t.Fatal("second session call not served from cache")
		}
		// Inline role reusing the cached MFA session.
		c := w.decode(w.stscred("role", "--role-arn", roRole, "--source", "alice", "--session-name", "inline-test", "--duration", "20m"))
		if got := c.Expiration.Sub(time.Now()); got > 21*time.Minute || got < 19*time.Minute {
			t.Fatalf("inline duration: %s", got)
		}
		sessions := w.srv.Sessions()
		last := sessions[len(sessions)-1]
		if last.RoleARN != roRole || last.RoleSessionName != "inline-test" || !last.MFA {
			t.Fatalf("inline role session %+v", last)
		}
		if g := w.srv.Calls("GetSessionToken"); g != 1 {
			t.Fatalf("%d GetSessionToken", g)
		}
	})
}

func TestRoleChaining(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.addAlice()
		deep := "arn:aws:iam::333333333333:role/Deep"
		w.srv.AddRole(ststestRole(deep))
		w.writeConfig(w.standardConfig() + "\n[profile deep]\nsource_profile = prod-admin\nrole_arn = " + deep + "\nduration_seconds = 7200\n")
		c := w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "deep"))
		if got := c.Expiration.Sub(time.Now()); got > time.Hour+time.Minute {
			t.Fatalf("chained role lasts %s, STS caps chaining at 1h", got)
		}
		var chained bool
		for _, s := range w.srv.Sessions() {
			if s.RoleARN == deep {
				chained = s.Chained && s.MFA
			}
		}
		if !chained {
			t.Fatal("deep role was not assumed by chaining from prod-admin with MFA context")
		}
		// prod-admin, the middle of the chain, is cached for its own callers.
		before := w.srv.Calls("AssumeRole")
		w.decode(w.stscred("role", "prod-admin"))
		if w.srv.Calls("AssumeRole") != before {
			t.Fatal("intermediate role not cached")
		}
	})
}

func TestListClearRemove(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.addAlice()
		w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
		res := w.stscred("list")
		if res.code != 0 {
			t.Fatalf("list: %s", res)
		}
		for _, want := range []string{"alice", "user", w.key.ID[:4] + "…" + w.key.ID[len(w.key.ID)-4:], "session (MFA) 11h", "prod-admin", "role (MFA) 59m", "prod", "tool"} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("list lacks %q:\n%s", want, res.stdout)
			}
		}
		for _, s := range w.secrets() {
			if strings.Contains(res.stdout, s) {
				t.Fatal("list shows a secret")
			}
		}
		res = w.stscred("clear", "prod-admin")
		if res.code != 0 || !strings.Contains(res.stdout, "removed 1 cached session") {
			t.Fatalf("clear prod-admin: %s", res)
		}
		res = w.stscred("clear")
		if res.code != 0 || !strings.Contains(res.stdout, "removed 1 cached session") {
			t.Fatalf("clear: %s", res)
		}
		// The key survives clear.
		if !strings.Contains(w.storedKey("alice"), w.key.Secret) {
			t.Fatal("clear touched the stored key")
		}
		// remove refuses without a terminal unless --yes.
		res = w.stscred("remove", "alice")
		w.assertCleanFailure(res, "without confirmation")
		if !strings.Contains(w.storedKey("alice"), w.key.Secret) {
			t.Fatal("refused remove deleted the key")
		}
		res = w.stscred("remove", "--yes", "alice")
		if res.code != 0 {
			t.Fatalf("remove: %s", res)
		}
		if w.storedKey("alice") != "" {
			t.Fatal("key still stored after remove")
		}
		w.assertCleanFailure(w.stscred("role", "prod-admin"), "no access key is stored for profile alice")
	})
}

// A cache hit talks to no keyring: not even a probe of the session bus,
// which alone costs more than the whole hit. A listening socket stands in
// for the bus and counts connections.
func TestCacheHitTouchesNoKeyring(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
	w.decode(w.stscred("session", "alice"))
	sock := filepath.Join(t.TempDir(), "bus")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	bus := "DBUS_SESSION_BUS_ADDRESS=unix:path=" + sock
	for _, args := range [][]string{{"role", "prod-admin"}, {"session", "alice"}, {"export", "prod"}} {
		res := w.stscredEnv([]string{bus}, args...)
		if res.code != 0 {
			t.Fatalf("%v: %s", args, res)
		}
	}
	if n := conns.Load(); n != 0 {
		t.Fatalf("cache hits connected to the session bus %d times", n)
	}
	// The stand-in is a real listener: a miss does reach it.
	w.stscred("clear")
	w.stscredEnv([]string{bus, "STSCRED_MFA_TOKEN=" + w.code(), "STSCRED_KEYRING_TIMEOUT=2s"}, "role", "prod-admin")
	if conns.Load() == 0 {
		t.Fatal("the stand-in bus was never contacted, so the check above proves nothing")
	}
}

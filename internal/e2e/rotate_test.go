//go:build linux && realworld

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/keystore"
)

// The proofs for stscred rotate: after every run, whatever failed, the key
// stored for alice authenticates against the test server, and the IAM
// state stscred reported is the server's.

const pendingEntry = "v1:pending-key:alice"

// rotateEnv points IAM at the test server (STS already is).
func (w *world) rotateEnv(extra ...string) []string {
	return append([]string{"AWS_ENDPOINT_URL_IAM=" + w.url}, extra...)
}

func (w *world) rotate(extraEnv []string, args ...string) result {
	w.t.Helper()
	return w.stscredEnv(w.rotateEnv(extraEnv...), append([]string{"rotate", "alice"}, args...)...)
}

// noMFAConfig is the standard config without mfa_serial: IAM calls are
// signed with the long-term key.
func (w *world) noMFAConfig() string {
	return strings.Replace(w.standardConfig(), "mfa_serial = "+w.mfa.Serial+"\n", "", 1)
}

// stored is alice's stored key, read independently of stscred (see
// storedKey).
func (w *world) stored() keystore.Key {
	w.t.Helper()
	raw := w.storedKey("alice")
	var k keystore.Key
	if err := json.Unmarshal([]byte(raw), &k); err != nil || k.AccessKeyID == "" {
		w.t.Fatalf("no usable key stored for alice (%v)", err)
	}
	return k
}

// pending reads the pending-key entry, "" when there is none.
func (w *world) pending() string {
	w.t.Helper()
	if w.backend == "file" {
		s, err := w.fileStore().Get(pendingEntry)
		if err != nil {
			return ""
		}
		return s
	}
	out, err := exec.Command("secret-tool", "lookup", "service", w.service, "username", pendingEntry).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// authenticates calls GetCallerIdentity on the test server with k through
// the Go SDK, and checks it is alice.
func (w *world) authenticates(k keystore.Key) {
	w.t.Helper()
	client := sts.New(sts.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String(w.url),
		Credentials: credentials.NewStaticCredentialsProvider(k.AccessKeyID, k.SecretAccessKey, ""),
	})
	out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		w.t.Fatalf("the stored key %s does not authenticate: %v (IAM has %v)", k.AccessKeyID, err, w.alice.AccessKeys())
	}
	if aws.ToString(out.Arn) != w.alice.ARN() {
		w.t.Fatalf("the stored key is %s's, not alice's", aws.ToString(out.Arn))
	}
}

var reportedKey = regexp.MustCompile(`(AKIA…\w{4}) (Active|Inactive), created (\S+), (stored|not stored)`)

// assertReported checks that out reports the server's keys of alice, with
// status and creation time, and marks the stored one.
func (w *world) assertReported(out string, stored keystore.Key) {
	w.t.Helper()
	want := w.alice.AccessKeys()
	if !strings.Contains(out, fmt.Sprintf("IAM lists %d access key", len(want))) {
		w.t.Fatalf("the output does not report IAM's %d keys:\n%s", len(want), out)
	}
	got := reportedKey.FindAllStringSubmatch(out, -1)
	if len(got) != len(want) {
		w.t.Fatalf("reported %d keys, the server has %d (%v):\n%s", len(got), len(want), want, out)
	}
	for i, k := range want {
		line := []string{keystore.MaskID(k.ID), k.Status, k.Created.UTC().Format(time.RFC3339), "not stored"}
		if k.ID == stored.AccessKeyID {
			line[3] = "stored"
		}
		if fmt.Sprint(got[i][1:]) != fmt.Sprint(line) {
			w.t.Fatalf("reported %v, the server has %v:\n%s", got[i][1:], line, out)
		}
	}
}

// assertRotated checks a finished rotation: the server has the stored key
// (new) and, with keepOld, the old key inactive; nothing pending.
func (w *world) assertRotated(res result, old keystore.Key, keepOld bool) keystore.Key {
	w.t.Helper()
	if res.code != 0 {
		w.t.Fatalf("rotate failed: %s", res)
	}
	k := w.stored()
	if k.AccessKeyID == old.AccessKeyID {
		w.t.Fatal("the stored key was not replaced")
	}
	w.authenticates(k)
	keys := w.alice.AccessKeys()
	want := []string{k.AccessKeyID + " Active"}
	if keepOld {
		want = []string{old.AccessKeyID + " Inactive", k.AccessKeyID + " Active"}
	}
	var got []string
	for _, sk := range keys {
		got = append(got, sk.ID+" "+sk.Status)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		w.t.Fatalf("the server has %v, want %v", got, want)
	}
	if srvKey, ok := w.srv.AccessKey(k.AccessKeyID); !ok || srvKey.Secret != k.SecretAccessKey {
		w.t.Fatal("the stored secret is not the one the server issued")
	}
	if w.pending() != "" {
		w.t.Fatal("the pending entry was left behind")
	}
	if k.UserARN != w.alice.ARN() || time.Since(k.Added) > time.Minute {
		w.t.Fatalf("stored key metadata: arn %q, added %s", k.UserARN, k.Added)
	}
	w.assertReported(res.stdout, k)
	w.assertNoSecretsShown(res)
	return k
}

// assertUnchanged checks a failure that changed nothing.
func (w *world) assertUnchanged(old keystore.Key) {
	w.t.Helper()
	k := w.stored()
	if k.AccessKeyID != old.AccessKeyID {
		w.t.Fatalf("the stored key changed to %s", k.AccessKeyID)
	}
	w.authenticates(k)
	keys := w.alice.AccessKeys()
	if len(keys) != 1 || keys[0].ID != old.AccessKeyID || keys[0].Status != "Active" {
		w.t.Fatalf("IAM changed: %v", keys)
	}
}

// issuedSecrets are the secrets of every key alice has or had.
func (w *world) issuedSecrets(ids ...string) []string {
	s := []string{w.key.Secret}
	for _, k := range w.alice.AccessKeys() {
		if ak, ok := w.srv.AccessKey(k.ID); ok {
			s = append(s, ak.Secret)
		}
	}
	for _, id := range ids {
		if ak, ok := w.srv.AccessKey(id); ok {
			s = append(s, ak.Secret)
		}
	}
	return s
}

func (w *world) assertNoSecretsShown(res result) {
	w.t.Helper()
	for _, s := range w.issuedSecrets() {
		if strings.Contains(res.stdout+res.stderr, s) {
			w.t.Fatalf("a secret was printed:\n%s", res)
		}
	}
}

// assertNoSecretOnDisk looks for alice's secrets in every file of the
// world (config, cache, the file keystore).
func (w *world) assertNoSecretOnDisk(extra ...string) {
	w.t.Helper()
	secrets := append(w.issuedSecrets(), extra...)
	for _, dir := range []string{w.home, w.tmp} {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, _ := os.ReadFile(path)
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					w.t.Errorf("%s holds a secret in the clear", path)
				}
			}
			return nil
		})
	}
}

// start runs stscred in the background.
func (w *world) start(env []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	w.t.Helper()
	cmd := exec.Command(w.bin, args...)
	cmd.Env = w.env(env...)
	cmd.Dir = w.home
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = noTTY()
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, &out
}

// waitFor polls cond for up to 30 seconds.
func (w *world) waitFor(what string, cond func() bool) {
	w.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	w.t.Fatalf("timed out waiting for %s", what)
}

// Happy path with MFA: IAM refuses the long-term key (RequireMFAForIAM),
// so stscred signs with the cached MFA session; the cached sessions of the
// old key are dropped, and the next role call uses the new key.
func TestRotateWithMFA(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.alice.RequireMFAForIAM(true)
		w.addAlice()
		old := w.stored()
		w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
		gst := w.srv.Calls("GetSessionToken")

		res := w.rotate(nil) // no code: the cached MFA session signs
		k := w.assertRotated(res, old, false)
		if w.srv.Calls("GetSessionToken") != gst {
			t.Fatal("rotate fetched a new MFA session instead of using the cached one")
		}
		for _, action := range []string{"ListAccessKeys", "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey"} {
			if id := lastRequestKey(w, action); !strings.HasPrefix(id, "ASIA") {
				t.Fatalf("%s was signed with %q, not the MFA session", action, id)
			}
		}
		if !strings.Contains(res.stdout, "the old key "+keystore.MaskID(old.AccessKeyID)+" was deleted") {
			t.Fatalf("stdout: %s", res.stdout)
		}

		// The role's cached credentials came from the old key: gone. The
		// next call makes a session with the new key.
		w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
		if w.srv.Calls("GetSessionToken") != gst+1 || lastRequestKey(w, "GetSessionToken") != k.AccessKeyID {
			t.Fatalf("the role call after rotation did not use the new key (GetSessionToken by %s)", lastRequestKey(w, "GetSessionToken"))
		}
		w.assertNoSecretOnDisk()
	})
}

// Without mfa_serial the long-term key signs: the old one until the new
// one is stored, then the new one (the old is inactive by then).
func TestRotateWithoutMFA(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.writeConfig(w.noMFAConfig())
		w.addAlice()
		old := w.stored()
		res := w.rotate(nil)
		k := w.assertRotated(res, old, false)
		if id := lastRequestKey(w, "CreateAccessKey"); id != old.AccessKeyID {
			t.Fatalf("CreateAccessKey signed by %s", id)
		}
		if id := lastRequestKey(w, "DeleteAccessKey"); id != k.AccessKeyID {
			t.Fatalf("DeleteAccessKey signed by %s, want the new key", id)
		}
		// And again: the new key rotates itself.
		res = w.rotate(nil)
		w.assertRotated(res, k, false)
		w.assertNoSecretOnDisk()
	})
}

func TestRotateKeepOld(t *testing.T) {
	w := newWorld(t)
	w.writeConfig(w.noMFAConfig())
	w.addAlice()
	old := w.stored()
	res := w.rotate(nil, "--keep-old")
	w.assertRotated(res, old, true)
	if !strings.Contains(res.stdout, "aws iam delete-access-key --access-key-id "+old.AccessKeyID) {
		t.Fatalf("stdout does not say how to delete the kept key: %s", res.stdout)
	}
}

func TestRotateDryRun(t *testing.T) {
	w := newWorld(t)
	w.writeConfig(w.noMFAConfig())
	w.addAlice()
	old := w.stored()
	res := w.rotate(nil, "--dry-run")
	if res.code != 0 || !strings.Contains(res.stdout, "would create a new access key") {
		t.Fatalf("dry run: %s", res)
	}
	w.assertUnchanged(old)
}

// IAM takes a few seconds to make the new key usable: the check retries.
func TestRotatePropagation(t *testing.T) {
	w := newWorldOn(t, "secret-service", ststest.Options{KeyPropagation: 3 * time.Second})
	w.writeConfig(w.noMFAConfig())
	w.addAlice()
	old := w.stored()
	gci := w.srv.Calls("GetCallerIdentity")
	res := w.rotate(nil)
	w.assertRotated(res, old, false)
	if n := w.srv.Calls("GetCallerIdentity") - gci; n < 2 {
		t.Fatalf("%d GetCallerIdentity calls: the check did not retry", n)
	}
	if !strings.Contains(res.stderr, "waiting for IAM") {
		t.Fatalf("stderr does not say it waits: %s", res.stderr)
	}
}

// Two keys already: a clear error naming both, nothing changed.
func TestRotateFullUser(t *testing.T) {
	w := newWorld(t)
	w.alice.RequireMFAForIAM(true)
	w.addAlice()
	old := w.stored()
	other := w.alice.AddAccessKey()
	before := w.alice.AccessKeys()
	res := w.rotate([]string{"STSCRED_MFA_TOKEN=" + w.code()})
	w.assertCleanFailure(res, "already has 2 access keys")
	if !strings.Contains(res.stderr, "aws iam delete-access-key --access-key-id "+other.ID+" --user-name alice") {
		t.Fatalf("no exact command to delete the key that is not stored: %s", res.stderr)
	}
	if fmt.Sprint(w.alice.AccessKeys()) != fmt.Sprint(before) || w.stored().AccessKeyID != old.AccessKeyID {
		t.Fatal("something changed")
	}
	if w.srv.Calls("CreateAccessKey") != 0 {
		t.Fatal("CreateAccessKey was called")
	}
	w.authenticates(w.stored())
	w.assertReported(res.stderr, old)
}

// A server fault at each IAM and STS step of the rotation.
func TestRotateServerFaults(t *testing.T) {
	cases := []struct {
		action, code string
		count        int
		args         []string
		want         string // in the error
		// finished: the new key is stored and the old one still in IAM;
		// a rerun finishes.
		finished bool
	}{
		{"ListAccessKeys", "ServiceFailure", 3, nil, "could not list the IAM user's access keys", false},
		{"CreateAccessKey", "AccessDenied", 1, nil, "IAM did not create a new access key", false},
		{"CreateAccessKey", "LimitExceeded", 1, nil, "LimitExceeded", false},
		// One 503: CreateAccessKey is never retried (a retry after a lost
		// answer could make a second key), and the hint says so.
		{"CreateAccessKey", "ServiceUnavailable", 1, nil, "which is never retried", false},
		{"GetCallerIdentity", "InvalidClientTokenId", 1000, []string{"--verify-timeout", "3s"}, "still refused after", false},
		{"UpdateAccessKey", "ServiceFailure", 3, nil, "deactivating the old key", true},
		{"DeleteAccessKey", "AccessDenied", 1, nil, "deleting it failed", true},
	}
	for _, tc := range cases {
		t.Run(tc.action+"-"+tc.code, func(t *testing.T) {
			w := newWorld(t)
			w.alice.RequireMFAForIAM(true)
			w.addAlice()
			old := w.stored()
			if err := w.srv.Fail(tc.action, tc.code, tc.count); err != nil {
				t.Fatal(err)
			}
			res := w.rotate([]string{"STSCRED_MFA_TOKEN=" + w.code()}, tc.args...)
			w.srv.ClearFaults()
			w.assertCleanFailure(res, tc.want)
			w.assertNoSecretsShown(res)
			k := w.stored()
			w.authenticates(k)
			w.assertReported(res.stderr, k)
			if !tc.finished {
				w.assertUnchanged(old)
				if w.pending() != "" {
					t.Fatal("a pending entry was left")
				}
				return
			}
			if k.AccessKeyID == old.AccessKeyID {
				t.Fatal("the new key was not stored")
			}
			if !strings.Contains(res.stderr, "aws iam delete-access-key --access-key-id "+old.AccessKeyID+" --user-name alice") ||
				!strings.Contains(res.stderr, "run stscred rotate alice again") {
				t.Fatalf("no way to finish given: %s", res.stderr)
			}
			res = w.rotate([]string{"STSCRED_MFA_TOKEN=" + w.code()})
			if !strings.Contains(res.stdout, "finished rotating") {
				t.Fatalf("the rerun did not finish the rotation: %s", res)
			}
			if got := w.assertRotated(res, old, false); got.AccessKeyID != k.AccessKeyID {
				t.Fatal("the rerun made another key")
			}
			w.assertNoSecretOnDisk()
		})
	}
}

// lockDir makes dir unwritable, for root too (chattr +i where chmod is not
// enough), and returns the undo.
func lockDir(t *testing.T, dir string) func() {
	t.Helper()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	undo := func() { os.Chmod(dir, 0o700) }
	if writable(dir) {
		if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
			undo()
			t.Fatalf("cannot make %s unwritable (running as root, and chattr +i failed: %v %s)", dir, err, out)
		}
		undo = func() { exec.Command("chattr", "-i", dir).Run(); os.Chmod(dir, 0o700) }
	}
	if writable(dir) {
		undo()
		t.Fatalf("cannot make %s unwritable", dir)
	}
	t.Cleanup(undo)
	return undo
}

func writable(dir string) bool {
	f, err := os.CreateTemp(dir, "probe-")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

// The keystore cannot be written when the new key is to be saved: the new
// key is deleted from IAM again, and the stored key is untouched.
func TestRotateKeystoreWriteFails(t *testing.T) {
	w := newWorldOn(t, "file", ststest.Options{})
	w.alice.RequireMFAForIAM(true)
	w.addAlice()
	old := w.stored()
	lockDir(t, w.fileDir())
	res := w.rotate([]string{"STSCRED_MFA_TOKEN=" + w.code()})
	w.assertCleanFailure(res, "could not keep the new key")
	w.assertNoSecretsShown(res)
	if !strings.Contains(res.stderr, "the new key was deleted again") {
		t.Fatalf("stderr: %s", res.stderr)
	}
	w.assertUnchanged(old)
	w.assertReported(res.stderr, old)
	if w.srv.Calls("CreateAccessKey") != 1 || w.srv.Successes("DeleteAccessKey") != 1 {
		t.Fatal("the new key was not made and deleted again")
	}
}

// The keystore stops taking writes while the new key is being checked: the
// pending entry was saved, the key itself cannot be; the new key is deleted
// from IAM, and the next rotate discards the stale pending entry and
// rotates.
func TestRotateKeystoreFailsBeforeStore(t *testing.T) {
	w := newWorldOn(t, "file", ststest.Options{})
	w.writeConfig(w.noMFAConfig())
	w.addAlice()
	old := w.stored()
	w.srv.Delay("GetCallerIdentity", 2*time.Second)
	cmd, out := w.start(w.rotateEnv(), "rotate", "alice")
	w.waitFor("the pending entry", func() bool { return w.pending() != "" })
	undo := lockDir(t, w.fileDir())
	err := cmd.Wait()
	res := result{stderr: out.String(), code: cmd.ProcessState.ExitCode()}
	if err == nil || !strings.Contains(res.stderr, "could not store the new key") {
		t.Fatalf("want a failure to store the new key: %s", res)
	}
	w.assertNoSecretsShown(res)
	w.assertUnchanged(old)
	w.assertReported(res.stderr, old)
	w.srv.Delay("GetCallerIdentity", 0)
	undo()
	if w.pending() == "" {
		t.Fatal("the pending entry could not be dropped, so it should be there")
	}
	res = w.rotate(nil)
	if !strings.Contains(res.stderr, "discarding the pending key") {
		t.Fatalf("the stale pending entry was not discarded: %s", res)
	}
	w.assertRotated(res, old, false)
}

// Killed (SIGKILL) right after CreateAccessKey, while the new key is being
// checked: the old key still works, the new one is pending; the next
// rotate resumes and finishes without making another key.
func TestRotateKilled(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.alice.RequireMFAForIAM(true)
		w.addAlice()
		old := w.stored()
		w.srv.Delay("GetCallerIdentity", 10*time.Second)
		cmd, _ := w.start(w.rotateEnv("STSCRED_MFA_TOKEN="+w.code()), "rotate", "alice")
		w.waitFor("the pending entry", func() bool { return w.pending() != "" })
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		w.srv.Delay("GetCallerIdentity", 0)

		if len(w.alice.AccessKeys()) != 2 || w.stored().AccessKeyID != old.AccessKeyID {
			t.Fatalf("after the kill: IAM has %v", w.alice.AccessKeys())
		}
		w.authenticates(w.stored())
		var p keystore.Key
		if err := json.Unmarshal([]byte(w.pending()), &p); err != nil {
			t.Fatal("the pending entry is not a key")
		}

		res := w.rotate(nil) // the cached MFA session of the old key signs
		if !strings.Contains(res.stdout, "finished rotating") {
			t.Fatalf("the rerun did not resume: %s", res)
		}
		k := w.assertRotated(res, old, false)
		if k.AccessKeyID != p.AccessKeyID || w.srv.Calls("CreateAccessKey") != 1 {
			t.Fatal("the rerun did not use the pending key")
		}
		w.assertNoSecretOnDisk()
	})
}

func TestRotateBadInput(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	res := w.stscredEnv(w.rotateEnv(), "rotate", "prod-admin")
	w.assertCleanFailure(res, "only an IAM user's key can be rotated")
	if !strings.Contains(res.stderr, "stscred rotate alice") {
		t.Fatalf("stderr: %s", res.stderr)
	}
	res = w.stscredEnv(w.rotateEnv(), "rotate", "bob")
	w.assertCleanFailure(res, "no access key is stored for profile bob")
	// No MFA source: nothing is called, nothing changes.
	old := w.stored()
	w.alice.RequireMFAForIAM(true)
	res = w.rotate(nil)
	w.assertCleanFailure(res, "nothing was changed")
	w.assertUnchanged(old)
	// mfa_serial missing while IAM requires MFA: the hint says so.
	w.writeConfig(w.noMFAConfig())
	res = w.rotate(nil)
	w.assertCleanFailure(res, "AccessDenied")
	if !strings.Contains(res.stderr, "set mfa_serial in [profile alice]") {
		t.Fatalf("stderr: %s", res.stderr)
	}
	w.assertUnchanged(old)
}

// A second rotate while one runs refuses at once and changes nothing; the
// first finishes.
func TestRotateConcurrent(t *testing.T) {
	w := newWorld(t)
	w.writeConfig(w.noMFAConfig())
	w.addAlice()
	old := w.stored()
	w.srv.Delay("GetCallerIdentity", 2*time.Second)
	first, out := w.start(w.rotateEnv(), "rotate", "alice")
	w.waitFor("the pending entry", func() bool { return w.pending() != "" })
	res := w.rotate(nil)
	w.assertCleanFailure(res, fmt.Sprintf("stscred pid %d is already rotating the key of alice", first.Process.Pid))
	if err := first.Wait(); err != nil {
		t.Fatalf("the first rotate failed: %v\n%s", err, out)
	}
	w.srv.Delay("GetCallerIdentity", 0)
	if w.srv.Calls("CreateAccessKey") != 1 {
		t.Fatal("the second rotate made a key")
	}
	w.assertRotated(result{stdout: out.String()}, old, false)
}

// The new key of an interrupted rotation is a secret like the stored key:
// doctor points at it, migrate moves it, remove deletes it.
func TestPendingRotationEntry(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	pending := `{"AccessKeyId":"AKIAPENDINGPENDING01","SecretAccessKey":"pending-secret","Replaces":"` + w.key.ID + `"}`
	if err := keystore.NewKeyring(w.service, 10*time.Second).Set(pendingEntry, pending); err != nil {
		t.Fatal(err)
	}
	res := w.stscred("doctor", "--profile", "alice")
	if !strings.Contains(res.stdout, "! profile alice: a key rotation was interrupted") || !strings.Contains(res.stdout, "stscred rotate alice") {
		t.Fatalf("doctor does not point at the interrupted rotation:\n%s", res.stdout)
	}
	res = w.stscredEnv([]string{"STSCRED_FILE_PASSPHRASE=" + filePassphrase}, "migrate", "--to", "file")
	if res.code != 0 {
		t.Fatalf("migrate: %s", res)
	}
	if v, err := w.fileStore().Get(pendingEntry); err != nil || v != pending {
		t.Fatalf("the pending entry did not move: %q %v", v, err)
	}
	res = w.stscredEnv([]string{"STSCRED_FILE_PASSPHRASE=" + filePassphrase}, "remove", "--yes", "alice")
	if res.code != 0 || !strings.Contains(res.stdout, "interrupted rotation") {
		t.Fatalf("remove: %s", res)
	}
	if _, err := w.fileStore().Get(pendingEntry); err == nil {
		t.Fatal("remove left the pending key behind")
	}
}

//go:build linux && realworld

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/keystore"
)

// importSetup is a world whose ~/.aws/credentials holds static keys:
// [default] (dave), [alice] (the world's alice, source of prod-admin),
// [ghost] (a key STS does not know), [temp] (temporary credentials) and
// [carol] (only in the credentials file, not in the config).
type importSetup struct {
	*world
	credPath string
	original string
	want     string // the file after import
	dave     ststest.AccessKey
	carol    ststest.AccessKey
	ghost    ststest.AccessKey
	temp     ststest.AccessKey
	outputs  []string // stdout and stderr of every import run
}

func newImportSetup(t *testing.T, w *world) *importSetup {
	t.Helper()
	s := &importSetup{world: w, credPath: filepath.Join(w.home, ".aws", "credentials")}
	s.dave = w.srv.AddUser("111111111111", "dave").AddAccessKey()
	s.carol = w.srv.AddUser("333333333333", "carol").AddAccessKey()
	s.ghost = ststest.AccessKey{ID: "AKIAGHOSTGHOSTGHOST7", Secret: "ghost/Secret+ghostSecret/ghostSecret0000"}
	s.temp = ststest.AccessKey{ID: "ASIATEMPTEMPTEMPTEMP", Secret: "temp/Secret+tempSecret/tempSecret000000"}
	head := "# Keys for the AWS CLI, from the IAM console.\n" +
		"[default]\n" +
		"aws_access_key_id = " + s.dave.ID + "\n"
	rest := "region = eu-west-1\n" +
		"\n" +
		"; alice is the IAM user behind prod-admin\n" +
		"[alice]\n"
	tail := "\n" +
		"[ghost]   # deleted last year?\n" +
		"aws_access_key_id = " + s.ghost.ID + "\n" +
		"aws_secret_access_key = " + s.ghost.Secret + "\n" +
		"\n" +
		"[temp]\n" +
		"aws_access_key_id = " + s.temp.ID + "\n" +
		"aws_secret_access_key = " + s.temp.Secret + "\n" +
		"aws_session_token = tempTokenTempTokenTempTokenTempToken0000000\n" +
		"\n" +
		"[carol]\n" +
		"output = json\n"
	s.original = head +
		"aws_secret_access_key = " + s.dave.Secret + "\n" +
		rest +
		"aws_access_key_id=" + w.key.ID + "\n" +
		"aws_secret_access_key  =  " + w.key.Secret + "\n" +
		tail +
		"aws_access_key_id = " + s.carol.ID + "\n" +
		"aws_secret_access_key = " + s.carol.Secret
	s.want = "# Keys for the AWS CLI, from the IAM console.\n[default]\n" + rest + tail
	if err := os.WriteFile(s.credPath, []byte(s.original), 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *importSetup) allSecrets() []string {
	return append(s.secrets(), s.dave.Secret, s.carol.Secret, s.ghost.Secret, s.temp.Secret, "tempTokenTempTokenTempTokenTempToken0000000")
}

// importRun runs stscred import and checks that no secret is printed.
func (s *importSetup) importRun(env []string, args ...string) result {
	s.t.Helper()
	res := s.stscredEnv(env, append([]string{"import"}, args...)...)
	s.outputs = append(s.outputs, res.stdout, res.stderr)
	for _, out := range []string{res.stdout, res.stderr} {
		for _, sec := range s.allSecrets() {
			if sec != "" && strings.Contains(out, sec) {
				s.t.Fatalf("stscred import printed a secret:\n%s", res)
			}
		}
	}
	return res
}

// state is what must not change when import changes nothing: the bytes and
// mtimes of the two files, the backups, the stored keys.
type fileState struct {
	cred, cfg           string
	credMtime, cfgMtime time.Time
	backups             []string
	stored              map[string]string
}

func (s *importSetup) state() fileState {
	s.t.Helper()
	st := fileState{stored: map[string]string{}}
	b, err := os.ReadFile(s.credPath)
	if err != nil {
		s.t.Fatal(err)
	}
	st.cred = string(b)
	b, err = os.ReadFile(s.cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	st.cfg = string(b)
	fi, _ := os.Stat(s.credPath)
	st.credMtime = fi.ModTime()
	fi, _ = os.Stat(s.cfg)
	st.cfgMtime = fi.ModTime()
	st.backups, _ = filepath.Glob(s.credPath + ".stscred-backup-*")
	for _, p := range []string{"default", "alice", "carol", "ghost", "temp", "bob"} {
		st.stored[p] = s.storedKey(p)
	}
	return st
}

// waitMtimeTick waits until a file written now gets a later mtime than
// the two files had in before, so that rewriting either would show in its
// mtime (file systems keep mtimes at a coarse granularity).
func (s *importSetup) waitMtimeTick(before fileState) {
	s.t.Helper()
	probe := filepath.Join(filepath.Dir(s.credPath), ".mtime-probe")
	defer os.Remove(probe)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		if err := os.WriteFile(probe, nil, 0o600); err != nil {
			s.t.Fatal(err)
		}
		fi, err := os.Stat(probe)
		if err != nil {
			s.t.Fatal(err)
		}
		if fi.ModTime().After(before.credMtime) && fi.ModTime().After(before.cfgMtime) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("a file written now still gets mtime %s, not after %s and %s", fi.ModTime(), before.credMtime, before.cfgMtime)
		}
	}
}

func (s *importSetup) assertSame(before fileState, what string) {
	s.t.Helper()
	after := s.state()
	switch {
	case after.cred != before.cred:
		s.t.Fatalf("%s changed the credentials file", what)
	case !after.credMtime.Equal(before.credMtime):
		s.t.Fatalf("%s rewrote the credentials file (mtime changed)", what)
	case after.cfg != before.cfg || !after.cfgMtime.Equal(before.cfgMtime):
		s.t.Fatalf("%s changed the config file", what)
	case fmt.Sprint(after.backups) != fmt.Sprint(before.backups):
		s.t.Fatalf("%s left a backup: %v", what, after.backups)
	case fmt.Sprint(after.stored) != fmt.Sprint(before.stored):
		s.t.Fatalf("%s changed the keystore", what)
	}
}

// The proof: valid keys move into the keystore, the rejected and
// the temporary ones stay and are reported, the backup is the original,
// the rewritten file keeps every other line, the AWS CLI and stscred role
// keep working, a rerun and a dry run change nothing, and no secret is
// printed.
func TestImport(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		s := newImportSetup(t, w)

		// --dry-run verifies and reports, and changes nothing.
		before := s.state()
		res := s.importRun(nil, "--dry-run")
		if res.code != 0 {
			t.Fatalf("import --dry-run: %s", res)
		}
		t.Logf("stscred import --dry-run:\n%s", res.stdout)
		for _, want := range []string{"would import alice", "would import default", "would import carol", "left ghost in the file", "dry run: nothing was changed"} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("dry run output lacks %q:\n%s", want, res.stdout)
			}
		}
		s.assertSame(before, "--dry-run")
		_, _, gci := w.counts()
		if gci != 4 {
			t.Fatalf("dry run made %d GetCallerIdentity calls, want 4 (default, alice, ghost, carol)", gci)
		}

		res = s.importRun(nil)
		if res.code != 0 {
			t.Fatalf("import: %s", res)
		}
		t.Logf("stscred import:\n%s", res.stdout)
		for _, want := range []string{
			"import default: access key " + keystore.MaskID(s.dave.ID) + " (arn:aws:iam::111111111111:user/dave)",
			"import alice: access key " + keystore.MaskID(w.key.ID) + " (arn:aws:iam::111111111111:user/alice)",
			"import carol: access key " + keystore.MaskID(s.carol.ID),
			"left ghost in the file: STS does not know the access key AKIA…OST7",
			"left temp in the file: [temp] (line 16) holds temporary credentials (aws_session_token), nothing to import",
			"removed the keys of default, alice, carol from " + s.credPath,
			w.cfg + ": added credential_process = stscred session alice to [profile alice]",
			w.cfg + ": added [default] with credential_process = stscred session default",
			w.cfg + ": added [profile carol] with credential_process = stscred session carol",
		} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("output lacks %q", want)
			}
		}
		// The keys are in the real keystore (read with secret-tool for the
		// Secret Service), the others are not.
		for p, k := range map[string]ststest.AccessKey{"default": s.dave, "alice": w.key, "carol": s.carol} {
			var stored keystore.Key
			if err := json.Unmarshal([]byte(w.storedKey(p)), &stored); err != nil || stored.AccessKeyID != k.ID || stored.SecretAccessKey != k.Secret {
				t.Fatalf("the key of %s is not stored (%v)", p, err)
			}
		}
		if w.storedKey("ghost") != "" || w.storedKey("temp") != "" {
			t.Fatal("a rejected or temporary key was stored")
		}
		// The file: exactly the six key lines gone.
		after := s.state()
		if after.cred != s.want {
			t.Fatalf("credentials file:\n%s\nwant:\n%s", after.cred, s.want)
		}
		// The backup: the original, 0600.
		if len(after.backups) != 1 {
			t.Fatalf("backups: %v", after.backups)
		}
		backup := after.backups[0]
		if !strings.Contains(res.stdout, "backup of the original file: "+backup+" (mode 0600)") {
			t.Errorf("the backup path is not printed:\n%s", res.stdout)
		}
		b, err := os.ReadFile(backup)
		if err != nil || string(b) != s.original {
			t.Fatalf("the backup is not the original (%v)", err)
		}
		if fi, _ := os.Stat(backup); fi.Mode().Perm() != 0o600 {
			t.Fatalf("backup mode %v", fi.Mode().Perm())
		}
		if fi, _ := os.Stat(s.credPath); fi.Mode().Perm() != 0o600 {
			t.Fatalf("credentials mode %v", fi.Mode().Perm())
		}
		for _, want := range []string{"# >>> stscred import >>>\ncredential_process = stscred session alice\n# <<< stscred import <<<\nregion     = eu-west-1\n",
			"# >>> stscred import >>>\n[profile carol]\ncredential_process = stscred session carol\n# <<< stscred import <<<\n"} {
			if !strings.Contains(after.cfg, want) {
				t.Errorf("config lacks %q:\n%s", want, after.cfg)
			}
		}

		// The AWS CLI still works for every moved profile, now through
		// stscred (GetSessionToken), with the secrets no longer in the file.
		gst0, _, _ := w.counts()
		res = w.aws([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "sts", "get-caller-identity", "--profile", "alice")
		if res.code != 0 || !strings.Contains(res.stdout, "arn:aws:iam::111111111111:user/alice") {
			t.Fatalf("aws --profile alice: %s", res)
		}
		res = w.aws(nil, "sts", "get-caller-identity")
		if res.code != 0 || !strings.Contains(res.stdout, "arn:aws:iam::111111111111:user/dave") {
			t.Fatalf("aws (default): %s", res)
		}
		// carol has no region anywhere (the AWS CLI reads region from
		// the credentials file too: default's is kept there).
		res = w.aws([]string{"AWS_DEFAULT_REGION=us-east-1"}, "sts", "get-caller-identity", "--profile", "carol")
		if res.code != 0 || !strings.Contains(res.stdout, "arn:aws:iam::333333333333:user/carol") {
			t.Fatalf("aws --profile carol: %s", res)
		}
		if gst, _, _ := w.counts(); gst != gst0+3 {
			t.Fatalf("%d GetSessionToken calls, want 3: the AWS CLI did not go through stscred", gst-gst0)
		}
		// stscred itself: alice is still the source of prod-admin, and an
		// IAM user's profile for session and list.
		c := w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
		if !strings.HasPrefix(c.AccessKeyID, "ASIA") {
			t.Fatalf("role prod-admin: %+v", c.AccessKeyID)
		}
		w.decode(w.stscred("session", "alice"))
		res = w.aws(nil, "sts", "get-caller-identity", "--profile", "prod")
		if res.code != 0 || !strings.Contains(res.stdout, "assumed-role/Admin") {
			t.Fatalf("aws --profile prod: %s", res)
		}
		res = w.stscred("list")
		if res.code != 0 || !strings.Contains(res.stdout, keystore.MaskID(w.key.ID)) {
			t.Fatalf("list: %s", res)
		}

		// Again: nothing left to import, nothing touched.
		before = s.state()
		s.waitMtimeTick(before) // a rewrite would show in the mtime
		res = s.importRun(nil)
		if res.code != 0 || !strings.Contains(res.stdout, "nothing to import from "+s.credPath) || !strings.Contains(res.stdout, "left ghost in the file") {
			t.Fatalf("rerun: %s", res)
		}
		s.assertSame(before, "the rerun")
		for _, out := range s.outputs {
			if strings.Contains(out, "tempToken") {
				t.Fatal("a session token was printed")
			}
		}
	})
}

// STS unreachable: a clear error, and nothing is changed at all.
func TestImportUnreachable(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		s := newImportSetup(t, w)
		before := s.state()
		res := s.importRun([]string{"AWS_ENDPOINT_URL_STS=http://127.0.0.1:1"})
		w.assertCleanFailure(res, "could not verify the key of profile default, so nothing was changed: cannot reach STS")
		s.assertSame(before, "an import with STS unreachable")
	})
}

// A keystore that fails in the middle of the stores: the keys stored
// before are removed again, the key stored before the run is untouched,
// and the files are as they were. The failure is real: the Secret
// Service's daemon (gnome-keyring) or stscred itself (file keystore) runs
// with a file size limit that lets the first key's write through and not
// the second's, as on a full disk.
func TestImportKeystoreFailsMidway(t *testing.T) {
	t.Run("secret-service", func(t *testing.T) {
		w := newWorld(t)
		s := newImportSetup(t, w)
		bob := w.srv.AddUser("111111111111", "bob").AddAccessKey()
		// Calibration: the keyring file's size after storing bob, then
		// default, then alice, with stscred add (which stores the same
		// entries as import: the key, the index).
		cal := s.inKeyringSession(t, 0, bob, w.service+"-c", `
add bob "$BOB_ID" "$BOB_SECRET"; size
add default "$DAVE_ID" "$DAVE_SECRET"; size
add alice "$ALICE_ID" "$ALICE_SECRET"; size`)
		sizes := strings.Fields(cal["sizes"])
		if len(sizes) != 3 {
			t.Fatalf("calibration: %q", cal["sizes"])
		}
		s1, _ := strconv.Atoi(sizes[1])
		s2, _ := strconv.Atoi(sizes[2])
		limit := (s1 + s2) / 2
		t.Logf("keyring file sizes %v: limit %d bytes lets default's key in and not alice's", sizes, limit)
		got := s.inKeyringSession(t, limit, bob, w.service+"-r", `
add bob "$BOB_ID" "$BOB_SECRET"
dump > "$OUT/before"
stscred import >"$OUT/stdout" 2>"$OUT/stderr"; echo $? >"$OUT/rc"
dump > "$OUT/after"`)
		rc, _ := strconv.Atoi(strings.TrimSpace(got["rc"]))
		res := result{stdout: got["stdout"], stderr: got["stderr"], code: rc}
		t.Logf("stscred import with a keyring that fails on the second write:\n%s", res)
		w.assertCleanFailure(res, "could not store the key of profile alice")
		if !strings.Contains(res.stderr, "the keys stored before it (default) were removed again") {
			t.Fatalf("the error does not say the first store was undone:\n%s", res.stderr)
		}
		if got["before"] != got["after"] || !strings.Contains(got["before"], "v1:key:bob="+`{"AccessKeyId":"`+bob.ID) {
			t.Fatalf("the keyring changed:\nbefore %s\nafter  %s", got["before"], got["after"])
		}
		s.assertFilesAsBefore()
	})
	t.Run("file", func(t *testing.T) {
		w := newWorldOn(t, "file", ststest.Options{})
		s := newImportSetup(t, w)
		bob := w.srv.AddUser("111111111111", "bob").AddAccessKey()
		// Calibration in another directory: keys.age's size after bob,
		// default, alice.
		calDir := filepath.Join(w.tmp, "cal")
		var sizes []int
		for _, k := range []struct {
			name string
			key  ststest.AccessKey
		}{{"bob", bob}, {"default", s.dave}, {"alice", w.key}} {
			res := w.run(k.key.ID+"\n"+k.key.Secret+"\n", w.env("STSCRED_FILE_DIR="+calDir), w.bin, "add", k.name)
			if res.code != 0 {
				t.Fatalf("calibration: %s", res)
			}
			fi, err := os.Stat(filepath.Join(calDir, "keys.age"))
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, int(fi.Size()))
		}
		limit := (sizes[1] + sizes[2]) / 2
		t.Logf("keys.age sizes %v: limit %d bytes", sizes, limit)
		if res := w.run(bob.ID+"\n"+bob.Secret+"\n", w.env(), w.bin, "add", "bob"); res.code != 0 {
			t.Fatalf("add bob: %s", res)
		}
		before := s.state()
		entries := func() map[string]string {
			names, err := w.fileStore().Names()
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]string{}
			for _, n := range names {
				m[n], _ = w.fileStore().Get(n)
			}
			return m
		}
		keysBefore := entries()
		res := w.run("", w.env(), "prlimit", "--fsize="+strconv.Itoa(limit), w.bin, "import")
		t.Logf("stscred import with a file size limit:\n%s", res)
		for _, sec := range s.allSecrets() {
			if strings.Contains(res.stdout+res.stderr, sec) {
				t.Fatal("a secret was printed")
			}
		}
		w.assertCleanFailure(res, "could not store the key of profile alice")
		if !strings.Contains(res.stderr, "file too large") || !strings.Contains(res.stderr, "the keys stored before it (default) were removed again") {
			t.Fatalf("the error does not name the failure and the undo:\n%s", res.stderr)
		}
		if fmt.Sprint(entries()) != fmt.Sprint(keysBefore) || !strings.Contains(keysBefore[keystore.KeyName("bob")], bob.Secret) {
			t.Fatalf("the keystore changed: %v", entries())
		}
		s.assertSame(before, "a failed import")
	})
}

// assertFilesAsBefore checks the files (not the keystore, which lives in
// another D-Bus session) are as newImportSetup made them.
func (s *importSetup) assertFilesAsBefore() {
	s.t.Helper()
	st := s.state()
	if st.cred != s.original || len(st.backups) != 0 || st.cfg != s.standardConfig() {
		s.t.Fatalf("the files changed: backups %v, config:\n%s", st.backups, st.cfg)
	}
}

// inKeyringSession runs script in a D-Bus session of its own whose
// gnome-keyring runs with a file size limit (none when limit is 0), and
// returns the files the script wrote to $OUT. The script has: add NAME ID
// SECRET (stscred add), size (appends the keyring file's size to
// $OUT/sizes), dump (prints the stscred entries of the keyring).
func (s *importSetup) inKeyringSession(t *testing.T, limit int, bob ststest.AccessKey, service, script string) map[string]string {
	t.Helper()
	for _, tool := range []string{"dbus-run-session", "prlimit", "secret-tool", "gdbus"} {
		requireTool(t, tool, "dbus, util-linux, libsecret-tools")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	// gnome-keyring's control socket goes in XDG_RUNTIME_DIR: a short
	// path of its own (a socket path has at most 107 bytes).
	runtime, err := os.MkdirTemp("", "gk")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(runtime) })
	fsize := "unlimited"
	if limit > 0 {
		fsize = strconv.Itoa(limit)
	}
	prelude := `set -u
trap '' XFSZ  # inherited: the daemon's writes fail (EFBIG) instead of killing it
printf pw | prlimit --fsize=` + fsize + ` gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 5
add() { printf '%s\n%s\n' "$2" "$3" | stscred add "$1" >/dev/null 2>"$OUT/add.err" || { cat "$OUT/add.err" >&2; exit 3; }; }
size() { stat -c %s "$XDG_DATA_HOME/keyrings/login.keyring" >>"$OUT/sizes"; }
# stop this session's daemon (by its pid) when the script ends
stop() { pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.GetConnectionUnixProcessID org.freedesktop.secrets 2>/dev/null | tr -dc 0-9); [ -n "$pid" ] && kill "$pid"; }
trap stop EXIT
dump() { for n in v1:key:bob v1:key:default v1:key:alice v1:key:carol v1:index; do printf '%s=%s\n' "$n" "$(secret-tool lookup service "$STSCRED_KEYRING_SERVICE" username "$n")"; done; }
`
	var env []string
	for _, kv := range s.env("OUT="+dir, "XDG_DATA_HOME="+data, "XDG_RUNTIME_DIR="+runtime, "STSCRED_KEYRING_SERVICE="+service,
		"BOB_ID="+bob.ID, "BOB_SECRET="+bob.Secret, "DAVE_ID="+s.dave.ID, "DAVE_SECRET="+s.dave.Secret,
		"ALICE_ID="+s.key.ID, "ALICE_SECRET="+s.key.Secret) {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", prelude+script)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scenario: %v\n%s", err, out)
	}
	got := map[string]string{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
			got[e.Name()] = string(b)
		}
	}
	return got
}

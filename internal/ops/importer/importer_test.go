package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/credfile"
	"github.com/stscred/stscred/internal/sys/safefile"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/keystore/keystoretest"
)

const (
	idA  = "AKIAAAAAAAAAAAAAAAAA"
	secA = "secretA/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	idB  = "AKIABBBBBBBBBBBBBBBB"
	secB = "secretB/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
	idC  = "AKIACCCCCCCCCCCCCCCC"
	secC = "secretC/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"
	idX  = "AKIAXXXXXXXXXXXXXXXX" // unknown to STS
	secX = "secretX/XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
)

var allSecrets = []string{secA, secB, secC, secX, "sessiontokenSSSSSSSSSSSSSSSSSSSSSSSS"}

// The credentials file of most tests: default and alice import, carol is
// only in the credentials file, broken is unknown to STS, tmp holds
// temporary credentials, noid lacks its key id.
var credText = "# keys from the IAM console\r\n" +
	"[default]\r\n" +
	"aws_access_key_id = " + idA + "\r\n" +
	"aws_secret_access_key = " + secA + "\r\n" +
	"region = eu-west-1\r\n" +
	"\r\n" +
	"; alice, with odd spacing\r\n" +
	"[alice]\r\n" +
	"  aws_access_key_id=" + idB + "   # the 2024 key\r\n" +
	"  aws_secret_access_key   :" + secB + "\r\n" +
	"  output = json\r\n" +
	"[broken]\r\n" +
	"aws_access_key_id = " + idX + "\r\n" +
	"aws_secret_access_key = " + secX + "\r\n" +
	"[tmp]\r\n" +
	"aws_access_key_id = ASIATTTTTTTTTTTTTTTT\r\n" +
	"aws_secret_access_key = x\r\n" +
	"aws_session_token = sessiontokenSSSSSSSSSSSSSSSSSSSSSSSS\r\n" +
	"[carol]\r\n" +
	"aws_access_key_id = " + idC + "\r\n" +
	"aws_secret_access_key = " + secC + "\r\n" +
	"[noid]\r\n" +
	"aws_secret_access_key = " + secC + "\r\n" +
	"[nokeys]\r\n" +
	"region = us-east-1"

// credAfter is credText without the keys of default, alice and carol.
var credAfter = "# keys from the IAM console\r\n" +
	"[default]\r\n" +
	"region = eu-west-1\r\n" +
	"\r\n" +
	"; alice, with odd spacing\r\n" +
	"[alice]\r\n" +
	"  output = json\r\n" +
	"[broken]\r\n" +
	"aws_access_key_id = " + idX + "\r\n" +
	"aws_secret_access_key = " + secX + "\r\n" +
	"[tmp]\r\n" +
	"aws_access_key_id = ASIATTTTTTTTTTTTTTTT\r\n" +
	"aws_secret_access_key = x\r\n" +
	"aws_session_token = sessiontokenSSSSSSSSSSSSSSSSSSSSSSSS\r\n" +
	"[carol]\r\n" +
	"[noid]\r\n" +
	"aws_secret_access_key = " + secC + "\r\n" +
	"[nokeys]\r\n" +
	"region = us-east-1"

const cfgText = `[profile alice]
  region = eu-west-1
  mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin`

const cfgAfter = `[profile alice]
# >>> stscred import >>>
  credential_process = stscred session alice
# <<< stscred import <<<
  region = eu-west-1
  mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin

# >>> stscred import >>>
[default]
credential_process = stscred session default
# <<< stscred import <<<

# >>> stscred import >>>
[profile carol]
credential_process = stscred session carol
# <<< stscred import <<<
`

// fakeSTS verifies keys from a table; unknown keys are rejected.
type fakeSTS struct {
	keys  map[string]string // id -> secret
	calls []string          // profiles verified
	err   error             // returned for every call when set
}

func newFakeSTS() *fakeSTS {
	return &fakeSTS{keys: map[string]string{idA: secA, idB: secB, idC: secC}}
}

func (f *fakeSTS) verify(_ context.Context, profile, id, secret string) (string, error) {
	f.calls = append(f.calls, profile)
	if f.err != nil {
		return "", f.err
	}
	s, ok := f.keys[id]
	if !ok {
		return "", &RejectedError{Err: hint.With(fmt.Errorf("STS does not know the access key %s", keystore.MaskID(id)), "check the key id")}
	}
	if s != secret {
		return "", &RejectedError{Err: errors.New("STS rejected the secret")}
	}
	return "arn:aws:iam::111111111111:user/" + id[4:8], nil
}

// failingStore fails its Nth Set (counting from 1) and, with failDelete,
// every Delete.
type failingStore struct {
	*keystoretest.Memory
	failAt, sets int
	failDelete   bool
}

func (s *failingStore) Set(name, secret string) error {
	s.sets++
	if s.sets == s.failAt {
		return errors.New("the keyring said no")
	}
	return s.Memory.Set(name, secret)
}

func (s *failingStore) Delete(name string) error {
	if s.failDelete {
		return errors.New("the keyring is gone")
	}
	return s.Memory.Delete(name)
}

type setup struct {
	dir, cred, cfg string
	keys           keystore.Store
	sts            *fakeSTS
	now            time.Time
}

func newSetup(t *testing.T, cred, cfg string) *setup {
	t.Helper()
	s := &setup{dir: t.TempDir(), keys: keystoretest.NewMemory(), sts: newFakeSTS(), now: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)}
	s.cred = filepath.Join(s.dir, "credentials")
	s.cfg = filepath.Join(s.dir, "config")
	if err := os.WriteFile(s.cred, []byte(cred), 0o640); err != nil {
		t.Fatal(err)
	}
	if cfg != "" {
		if err := os.WriteFile(s.cfg, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func (s *setup) importer(dry bool) *Importer {
	return &Importer{
		Keys: s.keys, KeysDesc: "the memory keystore", Verify: s.sts.verify,
		CredentialsPath: s.cred, ConfigPath: s.cfg, Command: "stscred",
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return s.now }, DryRun: dry,
	}
}

func (s *setup) run(t *testing.T, dry bool) (*Result, string, error) {
	t.Helper()
	res, err := s.importer(dry).Run(context.Background())
	var out bytes.Buffer
	if err == nil {
		if perr := Print(&out, res); perr != nil {
			t.Fatal(perr)
		}
	}
	text := out.String()
	if err != nil {
		text += err.Error() + "\n" + strings.Join(hint.Of(err), "\n")
	}
	for _, sec := range allSecrets {
		if strings.Contains(text, sec) {
			t.Fatalf("the output shows a secret:\n%s", text)
		}
	}
	return res, text, err
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// files lists the directory's files (the backup, leftover temp files).
func files(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func storedID(t *testing.T, s keystore.Store, profile string) string {
	t.Helper()
	k, err := keystore.GetKey(s, profile)
	if errors.Is(err, keystore.ErrNotFound) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return k.AccessKeyID
}

func status(res *Result) map[string]Status {
	m := map[string]Status{}
	for _, p := range res.Profiles {
		m[p.Name] = p.Status
	}
	return m
}

func TestImport(t *testing.T) {
	s := newSetup(t, credText, cfgText)
	res, out, err := s.run(t, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out)
	want := map[string]Status{"default": Imported, "alice": Imported, "broken": Skipped, "tmp": Skipped, "carol": Imported, "noid": Skipped}
	if got := status(res); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	for profile, id := range map[string]string{"default": idA, "alice": idB, "carol": idC, "broken": "", "tmp": "", "noid": ""} {
		if got := storedID(t, s.keys, profile); got != id {
			t.Errorf("stored key of %s: %q, want %q", profile, got, id)
		}
	}
	k, _ := keystore.GetKey(s.keys, "alice")
	if k.SecretAccessKey != secB || k.UserARN != "arn:aws:iam::111111111111:user/BBBB" || !k.Added.Equal(s.now) {
		t.Errorf("alice's stored key: %+v", k)
	}
	if got := read(t, s.cred); got != credAfter {
		t.Errorf("credentials file:\n%q\nwant\n%q", got, credAfter)
	}
	if got := read(t, s.cfg); got != cfgAfter {
		t.Errorf("config file:\n%s\nwant\n%s", got, cfgAfter)
	}
	backup := s.cred + ".stscred-backup-20261124T120000Z"
	if res.Backup != backup || read(t, backup) != credText {
		t.Fatalf("backup %q is not the original", res.Backup)
	}
	for path, mode := range map[string]fs.FileMode{s.cred: 0o640, s.cfg: 0o644, backup: 0o600} {
		checkMode(t, path, mode)
	}
	if got := files(t, s.dir); len(got) != 3 {
		t.Errorf("files left: %v", got)
	}
	for _, want := range []string{
		"import alice: access key AKIA…BBBB (arn:aws:iam::111111111111:user/BBBB), into the memory keystore",
		"left broken in the file: STS does not know the access key AKIA…XXXX",
		"  hint: check the key id",
		"left tmp in the file: [tmp] (line 15) holds temporary credentials (aws_session_token)",
		"left noid in the file: [noid] (line 22) has aws_secret_access_key but no aws_access_key_id",
		"backup of the original file: " + backup + " (mode 0600)",
		"removed the keys of default, alice, carol from " + s.cred,
		s.cfg + ": added credential_process = stscred session alice to [profile alice]",
		s.cfg + ": added [profile carol] with credential_process = stscred session carol",
		"delete it: rm '" + backup + "'",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// The edited config reads as intended.
	cfg, err := awsconfig.Load(s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alice", "default", "carol"} {
		p, err := cfg.Resolve(name)
		if err != nil || p.CredentialProcess != "stscred session "+name {
			t.Errorf("%s: credential_process %q, %v", name, p.CredentialProcess, err)
		}
	}
	if p, _ := cfg.Resolve("alice"); p.Region != "eu-west-1" || p.MFASerial == "" {
		t.Errorf("alice lost her keys: %+v", p)
	}

	// Again: nothing left to move, no file touched, no STS call for
	// nothing.
	before := files(t, s.dir)
	st1, _ := os.Stat(s.cred)
	s.sts.calls = nil
	s.now = s.now.Add(time.Hour)
	res, out, err = s.run(t, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed || res.Backup != "" || len(res.Moved()) != 0 || !strings.Contains(out, "nothing to import from") {
		t.Fatalf("rerun: %+v\n%s", res, out)
	}
	if fmt.Sprint(files(t, s.dir)) != fmt.Sprint(before) || read(t, s.cred) != credAfter || read(t, s.cfg) != cfgAfter {
		t.Fatal("the rerun changed files")
	}
	if st2, _ := os.Stat(s.cred); !st2.ModTime().Equal(st1.ModTime()) {
		t.Fatal("the rerun rewrote the credentials file")
	}
	if fmt.Sprint(s.sts.calls) != "[broken]" {
		t.Fatalf("rerun verified %v", s.sts.calls)
	}
}

// A failure of the Nth store: the stores before it are undone, an entry
// that existed before gets its old value back, the files are not touched
// and no backup is left.
func TestStoreFailureRollsBack(t *testing.T) {
	for n := 1; n <= 5; n++ {
		t.Run(fmt.Sprint("set ", n), func(t *testing.T) {
			s := newSetup(t, credText, cfgText)
			mem := keystoretest.NewMemory()
			// bob's key and the index were there before.
			if err := keystore.PutKey(mem, "bob", keystore.Key{AccessKeyID: "AKIABOBBOBBOBBOBBOBB", SecretAccessKey: "bobsecret"}); err != nil {
				t.Fatal(err)
			}
			index, _ := mem.Get(keystore.IndexName)
			before := dump(mem)
			// Sets per import: key, then the index. 1: default's key, 2:
			// its index update (best effort, not a failure), 3: alice's
			// key, 5: carol's key.
			s.keys = &failingStore{Memory: mem, failAt: n}
			res, out, err := s.run(t, false)
			if n == 2 || n == 4 {
				if err != nil {
					t.Fatalf("a failed index update must not stop the import: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want an error, got %+v", res)
			}
			t.Logf("%s", out)
			if !strings.Contains(out, "the keyring said no") || !strings.Contains(out, "nothing was changed") {
				t.Fatalf("error: %s", out)
			}
			if n > 1 && !strings.Contains(out, "were removed again") {
				t.Fatalf("error does not say the earlier stores were undone: %s", out)
			}
			if after := dump(mem); after != before {
				t.Fatalf("keystore not restored:\nbefore %s\nafter  %s", before, after)
			}
			if got, _ := mem.Get(keystore.IndexName); got != index {
				t.Fatalf("index %q, was %q", got, index)
			}
			if read(t, s.cred) != credText || read(t, s.cfg) != cfgText {
				t.Fatal("a file changed")
			}
			if got := files(t, s.dir); fmt.Sprint(got) != "[config credentials]" {
				t.Fatalf("files left: %v", got)
			}
		})
	}
}

// When undoing fails too, the error says what is left.
func TestStoreFailureUndoFails(t *testing.T) {
	s := newSetup(t, credText, cfgText)
	s.keys = &failingStore{Memory: keystoretest.NewMemory(), failAt: 3, failDelete: true}
	_, out, err := s.run(t, false)
	if err == nil || !strings.Contains(out, "undoing the stores before it failed") || !strings.Contains(out, "stscred remove default --yes") {
		t.Fatalf("error: %v\n%s", err, out)
	}
	if read(t, s.cred) != credText || read(t, s.cfg) != cfgText {
		t.Fatal("a file changed")
	}
}

func dump(m *keystoretest.Memory) string {
	var out []string
	for _, n := range []string{"v1:key:default", "v1:key:alice", "v1:key:carol", "v1:key:bob", keystore.IndexName} {
		v, err := m.Get(n)
		out = append(out, fmt.Sprintf("%s=%q/%v", n, v, err != nil))
	}
	return strings.Join(out, " ") + fmt.Sprint(" n=", m.Len())
}

// A write failing after the stores (the credentials file's directory is
// read-only, or the config file cannot be replaced): the keystore is
// restored and the files are as before.
func TestLaterFailuresRollBack(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Log("running as root: permissions do not stop root, so the failures are made with a directory in the way")
	}
	t.Run("config cannot be written", func(t *testing.T) {
		s := newSetup(t, credText, "")
		// The config path is a file inside a regular file: cannot exist.
		blocker := filepath.Join(s.dir, "blocker")
		if err := os.WriteFile(blocker, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		s.cfg = filepath.Join(blocker, "config")
		_, out, err := s.run(t, false)
		if err == nil {
			t.Fatalf("want an error:\n%s", out)
		}
		t.Log(out)
		if s.keys.(*keystoretest.Memory).Len() != 0 {
			t.Fatal("keys left in the keystore")
		}
		if read(t, s.cred) != credText {
			t.Fatal("the credentials file was not written back")
		}
		if got := files(t, s.dir); fmt.Sprint(got) != "[blocker credentials]" {
			t.Fatalf("files left: %v", got)
		}
	})
	t.Run("backup cannot be written", func(t *testing.T) {
		s := newSetup(t, credText, cfgText)
		// Every backup name is taken by a directory.
		base := s.cred + BackupSuffix + "20261124T120000Z"
		if err := os.Mkdir(base, 0o700); err != nil {
			t.Fatal(err)
		}
		for i := 2; i < 1000; i++ {
			if err := os.Mkdir(fmt.Sprintf("%s-%d", base, i), 0o700); err != nil {
				t.Fatal(err)
			}
		}
		_, out, err := s.run(t, false)
		if err == nil || !strings.Contains(out, "writing the backup") {
			t.Fatalf("want a backup error:\n%s", out)
		}
		if s.keys.(*keystoretest.Memory).Len() != 0 || read(t, s.cred) != credText || read(t, s.cfg) != cfgText {
			t.Fatal("not rolled back")
		}
	})
}

// A file changed by someone else between reading and writing is not
// overwritten.
func TestConcurrentChange(t *testing.T) {
	for _, which := range []string{"credentials", "config"} {
		t.Run(which, func(t *testing.T) {
			s := newSetup(t, credText, cfgText)
			im := s.importer(false)
			verify := im.Verify
			path, text := s.cred, credText
			if which == "config" {
				path, text = s.cfg, cfgText
			}
			im.Verify = func(ctx context.Context, p, id, sec string) (string, error) {
				if p == "carol" {
					os.WriteFile(path, []byte(text+"\n[new]\n"), 0o644)
				}
				return verify(ctx, p, id, sec)
			}
			_, err := im.Run(context.Background())
			if err == nil || !strings.Contains(err.Error(), path+" changed while stscred import ran") {
				t.Fatalf("err = %v", err)
			}
			if s.keys.(*keystoretest.Memory).Len() != 0 || read(t, path) != text+"\n[new]\n" {
				t.Fatal("not rolled back, or the other program's change was lost")
			}
			if got := files(t, s.dir); fmt.Sprint(got) != "[config credentials]" {
				t.Fatalf("files left: %v", got)
			}
		})
	}
}

// A failing write of the credentials file (or of the config file, or of
// both the config and the undo) after the stores.
func TestWriteFailures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fail  func(s *setup, path string, data []byte) bool
		check func(t *testing.T, s *setup, out string)
	}{
		{"credentials", func(s *setup, path string, _ []byte) bool { return path == s.cred }, nil},
		{"config", func(s *setup, path string, _ []byte) bool { return path == s.cfg }, nil},
		{"config and the undo", func(s *setup, path string, data []byte) bool {
			return path == s.cfg || path == s.cred && string(data) == credText
		}, func(t *testing.T, s *setup, out string) {
			backup := s.cred + BackupSuffix + "20261124T120000Z"
			if !strings.Contains(out, "could not write "+s.cred+" back (the original is in "+backup+")") || read(t, backup) != credText {
				t.Fatalf("the error must point at the backup, which must stay:\n%s", out)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSetup(t, credText, cfgText)
			im := s.importer(false)
			im.writeFile = func(path string, data []byte, mode fs.FileMode) error {
				if tc.fail(s, path, data) {
					return errors.New("disk full")
				}
				return safefile.Replace(path, data, mode)
			}
			_, err := im.Run(context.Background())
			if err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Fatalf("err = %v", err)
			}
			out := err.Error()
			t.Log(out)
			if s.keys.(*keystoretest.Memory).Len() != 0 || read(t, s.cfg) != cfgText {
				t.Fatal("not rolled back")
			}
			if tc.check != nil {
				tc.check(t, s, out)
				return
			}
			if !strings.Contains(out, "nothing was changed") || read(t, s.cred) != credText {
				t.Fatalf("the credentials file is not as before: %s", out)
			}
			if got := files(t, s.dir); fmt.Sprint(got) != "[config credentials]" {
				t.Fatalf("files left: %v", got)
			}
		})
	}
}

func TestDryRun(t *testing.T) {
	s := newSetup(t, credText, cfgText)
	st1, _ := os.Stat(s.cred)
	res, out, err := s.run(t, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Moved()) != 3 || res.Changed || res.Backup != "" {
		t.Fatalf("dry run: %+v", res)
	}
	if s.keys.(*keystoretest.Memory).Len() != 0 || read(t, s.cred) != credText || read(t, s.cfg) != cfgText || len(files(t, s.dir)) != 2 {
		t.Fatal("the dry run changed something")
	}
	if st2, _ := os.Stat(s.cred); !st2.ModTime().Equal(st1.ModTime()) {
		t.Fatal("the dry run rewrote the file")
	}
	for _, want := range []string{"would import alice", "would back up", s.cfg + ": would add credential_process = stscred session alice to [profile alice]",
		s.cfg + ": would add [profile carol] with credential_process = stscred session carol", "dry run: nothing was changed"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry-run output lacks %q:\n%s", want, out)
		}
	}
	if fmt.Sprint(s.sts.calls) != "[default alice broken carol]" {
		t.Fatalf("dry run verified %v", s.sts.calls)
	}
}

// A verification that fails for another reason than a rejected key (STS
// unreachable) stops everything before any change.
func TestVerifyErrorStopsEverything(t *testing.T) {
	s := newSetup(t, credText, cfgText)
	s.sts.err = hint.With(errors.New("cannot reach STS at https://sts.example"), "check the network")
	_, out, err := s.run(t, false)
	if err == nil || !strings.Contains(out, "could not verify the key of profile default, so nothing was changed: cannot reach STS") || !strings.Contains(out, "check the network") {
		t.Fatalf("err: %s", out)
	}
	if s.keys.(*keystoretest.Memory).Len() != 0 || read(t, s.cred) != credText || read(t, s.cfg) != cfgText || len(files(t, s.dir)) != 2 {
		t.Fatal("something changed")
	}
}

// Per profile: a wrong secret is reported like an unknown key, and the
// others are imported.
func TestVerifierRejectsOne(t *testing.T) {
	s := newSetup(t, credText, cfgText)
	s.sts.keys[idB] = "another secret"
	res, out, err := s.run(t, false)
	if err != nil {
		t.Fatal(err)
	}
	if st := status(res); st["alice"] != Skipped || st["default"] != Imported || st["carol"] != Imported {
		t.Fatalf("statuses %v", st)
	}
	if !strings.Contains(out, "left alice in the file: STS rejected the secret") || storedID(t, s.keys, "alice") != "" {
		t.Fatalf("alice:\n%s", out)
	}
	if !strings.Contains(read(t, s.cred), "  aws_secret_access_key   :"+secB+"\r\n") {
		t.Fatal("alice's key left the file")
	}
}

// A key already in the keystore: the same key id is only removed from the
// file (after verification); another key id is a conflict that leaves the
// profile alone.
func TestAlreadyStored(t *testing.T) {
	s := newSetup(t, credText, cfgText)
	mem := s.keys.(*keystoretest.Memory)
	keystore.PutKey(mem, "default", keystore.Key{AccessKeyID: idA, SecretAccessKey: secA, UserARN: "old"})
	keystore.PutKey(mem, "alice", keystore.Key{AccessKeyID: idC, SecretAccessKey: secC})
	res, out, err := s.run(t, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out)
	if st := status(res); st["default"] != AlreadyStored || st["alice"] != Skipped || st["carol"] != Imported {
		t.Fatalf("statuses %v", st)
	}
	if !strings.Contains(out, "import default: access key AKIA…AAAA (arn:aws:iam::111111111111:user/AAAA) was already stored in the memory keystore; it only leaves the file") {
		t.Fatalf("already stored not said:\n%s", out)
	}
	if !strings.Contains(out, "left alice in the file: the memory keystore already holds another key for profile alice (AKIA…CCCC; the file has AKIA…BBBB)") ||
		!strings.Contains(out, "hint: to use the file's key, replace the stored one: stscred add alice") {
		t.Fatalf("conflict not explained:\n%s", out)
	}
	if k, _ := keystore.GetKey(mem, "default"); k.UserARN != "old" {
		t.Fatal("the stored key of default was rewritten")
	}
	if k, _ := keystore.GetKey(mem, "alice"); k.AccessKeyID != idC {
		t.Fatal("alice's stored key was replaced")
	}
	if !strings.Contains(s.sts.String(), "default") {
		t.Fatal("an already stored key must still be verified")
	}
	cred := read(t, s.cred)
	if strings.Contains(cred, secA) || !strings.Contains(cred, secB) {
		t.Fatalf("credentials file:\n%s", cred)
	}
}

func (f *fakeSTS) String() string { return fmt.Sprint(f.calls) }

// What the config says decides whether a profile can move.
func TestConfigCases(t *testing.T) {
	cred := "[self]\naws_access_key_id = " + idA + "\naws_secret_access_key = " + secA + "\n" +
		"[other]\naws_access_key_id = " + idB + "\naws_secret_access_key = " + secB + "\n" +
		"[role]\naws_access_key_id = " + idC + "\naws_secret_access_key = " + secC + "\n" +
		"[sso]\naws_access_key_id = " + idC + "\naws_secret_access_key = " + secC + "\n" +
		"[profile p]\naws_access_key_id = " + idC + "\naws_secret_access_key = " + secC + "\n" +
		"[bad name]\naws_access_key_id = " + idC + "\naws_secret_access_key = " + secC + "\n" +
		"[short]\naws_access_key_id = AKIA12\naws_secret_access_key = " + secC + "\n" +
		"[swapped]\naws_access_key_id = " + secC + "\naws_secret_access_key = " + idC + "\n" +
		"[asia]\naws_access_key_id = ASIAAAAAAAAAAAAAAAAA\naws_secret_access_key = " + secC + "\n"
	cfg := "[profile self]\ncredential_process = stscred session self\n" +
		"[profile other]\ncredential_process = aws-vault export --format=json other\n" +
		"[profile role]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = role\n" +
		"[profile sso]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
	s := newSetup(t, cred, cfg)
	res, out, err := s.run(t, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out)
	want := map[string]Status{"self": Imported, "other": Skipped, "role": Skipped, "sso": Skipped, "profile p": Skipped, "bad name": Skipped, "short": Skipped, "swapped": Skipped, "asia": Skipped}
	if got := status(res); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	for _, w := range []string{
		"[profile self] already runs stscred session self",
		"left other in the file: profile other in " + s.cfg + " has a credential_process of its own",
		"left role in the file: profile role in " + s.cfg + " is a role (role_arn)",
		"left sso in the file: profile sso in " + s.cfg + " is an SSO profile",
		`left profile p in the file: [profile p]: credentials-file sections have no "profile " prefix`,
		"hint: rename the section to [p]",
		`left bad name in the file: profile name "bad name" cannot be used`,
		`left short in the file: [short] (line 19): aws_access_key_id (line 20) does not look like an access key id`,
		`left swapped in the file: [swapped] (line 22): aws_access_key_id (line 23) does not look like an access key id`,
		`left asia in the file: [asia] (line 25): invalid access key: ASIA…AAAA is a temporary (ASIA) key id`,
	} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	if read(t, s.cfg) != cfg {
		t.Fatal("the config changed although self already runs stscred")
	}
	if fmt.Sprint(s.sts.calls) != "[self]" {
		t.Fatalf("verified %v: skipped profiles need no STS call", s.sts.calls)
	}
}

func TestNoFileAndNoConfig(t *testing.T) {
	s := newSetup(t, "", "")
	os.Remove(s.cred)
	res, out, err := s.run(t, false)
	if err != nil || !res.NoFile || !strings.Contains(out, "nothing to import: there is no "+s.cred) {
		t.Fatalf("%v %s", err, out)
	}
	// No config file: it is made, mode 0600, in a directory made 0700.
	s = newSetup(t, "[default]\naws_access_key_id = "+idA+"\naws_secret_access_key = "+secA+"\n", "")
	s.cfg = filepath.Join(s.dir, "sub", "config")
	if _, out, err := s.run(t, false); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := read(t, s.cfg); got != BeginMarker+"\n[default]\ncredential_process = stscred session default\n"+EndMarker+"\n" {
		t.Fatalf("config %q", got)
	}
	checkMode(t, s.cfg, 0o600)
	if got := read(t, s.cred); got != "[default]\n" {
		t.Fatalf("credentials %q", got)
	}
}

func TestParseErrorsChangeNothing(t *testing.T) {
	s := newSetup(t, "[a]\naws_access_key_id = "+idA+"\n"+secA+"\n", cfgText)
	_, out, err := s.run(t, false)
	if err == nil || !strings.Contains(out, "line 3: expected") || !strings.Contains(out, "fix line 3 of "+s.cred) {
		t.Fatalf("%s", out)
	}
	s = newSetup(t, credText, "[profile x]\ngarbage\n")
	_, out, err = s.run(t, false)
	if err == nil || !strings.Contains(out, "line 2") || len(s.sts.calls) != 0 {
		t.Fatalf("%s", out)
	}
}

// credfile counts lines as awsconfig does, so that the config section
// awsconfig resolves is the one import edits, whatever the line breaks.
func TestLineNumbersAgreeWithAwsconfig(t *testing.T) {
	for _, nl := range []string{"\n", "\r\n", "\r"} {
		text := "\ufeff# c" + nl + "[default]" + nl + "region = x" + nl + "  more" + nl + nl +
			"[profile a]" + nl + "s3 =" + nl + "  k = v" + nl + "[profile \"b\"]" + nl + "[sso-session a]" + nl
		cfg, err := awsconfig.Parse("c", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := credfile.Parse("c", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		for name, header := range map[string]string{"default": "default", "a": "profile a", "b": `profile "b"`} {
			p, err := cfg.Resolve(name)
			if err != nil {
				t.Fatal(err)
			}
			if s := doc.SectionAt(p.Line); s == nil || s.Name != header {
				t.Errorf("%q: profile %s at line %d, credfile finds %+v", nl, name, p.Line, s)
			}
		}
	}
}

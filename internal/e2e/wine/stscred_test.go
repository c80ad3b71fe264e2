//go:build linux && realworld

package wine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/wine"
)

// winWorld is one Windows user of the demo world: stscred.exe under Wine,
// the STS test server native on loopback, the AWS config and the session
// cache in directories of the test (named as Windows names them), keys in
// Wine's Credential Manager under a service of the test's own.
type winWorld struct {
	t       *testing.T
	prefix  *wine.Prefix
	srv     *ststest.Server
	demo    demo.World
	dir     string // the test's directory (Unix path)
	service string
	extra   []string // more variables for the Windows programs
	outputs []string // everything stscred printed, to check for secrets
}

func newWinWorld(t *testing.T) *winWorld {
	t.Helper()
	prefix := requireWine(t)
	w := &winWorld{t: t, prefix: prefix, dir: t.TempDir(), service: fmt.Sprintf("stscred-wine-%d", time.Now().UnixNano())}
	w.srv = ststest.New(ststest.Options{})
	w.srv.Start()
	t.Cleanup(w.srv.Close)
	w.demo = demo.Setup(w.srv, demo.Options{})
	if err := os.WriteFile(filepath.Join(w.dir, "config"), []byte(w.demo.Config()), 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

// env is what the Windows programs see besides the prefix's own
// variables (Wine passes the Unix environment on).
func (w *winWorld) env() []string {
	return append([]string{
		"AWS_CONFIG_FILE=" + wine.WinPath(filepath.Join(w.dir, "config")),
		"AWS_SHARED_CREDENTIALS_FILE=" + wine.WinPath(filepath.Join(w.dir, "credentials")),
		"AWS_ENDPOINT_URL_STS=" + w.srv.URL(),
		"AWS_PAGER=",
		"STSCRED_CACHE_DIR=" + wine.WinPath(filepath.Join(w.dir, "cache")),
		"STSCRED_KEYRING_SERVICE=" + w.service,
	}, w.extra...)
}

type winResult struct {
	stdout, stderr string
	code           int
}

func (r winResult) String() string {
	return fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
}

// run runs the Windows program exe (a Unix path) under Wine.
func (w *winWorld) run(stdin string, exe string, args ...string) winResult {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := w.prefix.Command(ctx, exe, args...)
	cmd.Env = append(cmd.Env, w.env()...)
	cmd.Dir = w.dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := winResult{stdout: out.String(), stderr: errb.String()}
	if err != nil {
		if cmd.ProcessState == nil || ctx.Err() != nil {
			w.t.Fatalf("running %s under Wine: %v", filepath.Base(exe), err)
		}
		r.code = cmd.ProcessState.ExitCode()
	}
	w.outputs = append(w.outputs, r.stdout, r.stderr)
	return r
}

func (w *winWorld) stscred(args ...string) winResult {
	w.t.Helper()
	return w.run("", filepath.Join(the.bin, "stscred.exe"), args...)
}

// credentials are the Credential Manager's generic credentials of this
// world's service, as wintool lists them (target, user, blob size).
func (w *winWorld) credentials() []string {
	w.t.Helper()
	r := w.run("", filepath.Join(the.bin, "wintool.exe"), "creds")
	if r.code != 0 {
		w.t.Fatalf("wintool creds: %s", r)
	}
	var mine []string
	for _, l := range strings.Split(strings.ReplaceAll(r.stdout, "\r\n", "\n"), "\n") {
		if strings.HasPrefix(l, w.service+":") {
			mine = append(mine, l)
		}
	}
	return mine
}

// holdsKey reports whether the Credential Manager holds profile's key
// entry (target SERVICE:v1:key:PROFILE), not empty.
func (w *winWorld) holdsKey(profile string) bool {
	w.t.Helper()
	for _, c := range w.credentials() {
		f := strings.Split(c, "\t")
		if len(f) == 3 && f[0] == w.service+":v1:key:"+profile && f[2] != "0" {
			return true
		}
	}
	return false
}

// The README's walk-through on Windows: stscred.exe stores alice's key in
// the Credential Manager, assumes the MFA role, serves it again from the
// cache without calling STS, says who it is, exports for PowerShell, runs
// a Windows command with the credentials endpoint (an AWS SDK for Go
// program, built for Windows, gets its credentials there) and passes its
// exit status back, opens the console in a browser given by a Windows
// path, checks the setup with doctor, and removes the key.
func TestWindowsWalkThrough(t *testing.T) {
	w := newWinWorld(t)
	key := w.demo.Key

	if r := w.run(key.ID+"\n"+key.Secret+"\n", filepath.Join(the.bin, "stscred.exe"), "add", "alice"); r.code != 0 {
		t.Fatalf("stscred add alice: %s", r)
	}
	if !w.holdsKey("alice") {
		t.Fatalf("alice's key is not in the Credential Manager: %q", w.credentials())
	}
	if _, err := os.Stat(filepath.Join(w.dir, "credentials")); err == nil {
		t.Error("add wrote a credentials file")
	}

	r := w.stscred("--mfa-token", w.srv.FreshCode(w.demo.MFA.Serial), "role", "prod-admin")
	if r.code != 0 || !strings.Contains(r.stdout, `"AccessKeyId"`) || !strings.Contains(r.stdout, `"Version":1`) {
		t.Fatalf("stscred role prod-admin with an MFA code: %s", r)
	}
	assumed := w.srv.Successes("AssumeRole")
	if assumed != 1 {
		t.Fatalf("AssumeRole succeeded %d times, want 1", assumed)
	}
	calls, _ := w.srv.Counts()
	if r := w.stscred("role", "prod-admin"); r.code != 0 || !strings.Contains(r.stdout, `"AccessKeyId"`) {
		t.Fatalf("stscred role prod-admin from the cache: %s", r)
	}
	if again, _ := w.srv.Counts(); fmt.Sprint(again) != fmt.Sprint(calls) {
		t.Errorf("the cache hit called STS: %v, then %v", calls, again)
	}

	if r := w.stscred("whoami", "prod"); r.code != 0 || !strings.Contains(r.stdout, "arn:aws:sts::222222222222:assumed-role/Admin/") {
		t.Errorf("stscred whoami prod: %s", r)
	}
	if r := w.stscred("export", "--format", "powershell", "prod"); r.code != 0 || !strings.Contains(r.stdout, "$Env:AWS_ACCESS_KEY_ID = 'ASIA") {
		t.Errorf("stscred export --format powershell prod: %s", r)
	}

	sdk := w.stscred("exec", "prod-admin", "--", wine.WinPath(filepath.Join(the.bin, "sdkcaller.exe")))
	if sdk.code != 0 || !strings.Contains(sdk.stdout, "arn:aws:sts::222222222222:assumed-role/Admin/") {
		t.Errorf("stscred exec prod-admin -- sdkcaller.exe: %s", sdk)
	}
	if r := w.stscred("exec", "prod-admin", "--", wine.WinPath(filepath.Join(the.bin, "wintool.exe")), "exit", "7"); r.code != 7 {
		t.Errorf("stscred exec prod-admin -- wintool exit 7: %s, want exit 7", r)
	}

	// console with a --browser whose path holds backslashes and a blank,
	// quoted as on Windows: the stand-in browser follows the one-time link
	// to the federation endpoint's sign-in URL.
	browserDir := filepath.Join(w.dir, "Program Files", "Stand In")
	if err := os.MkdirAll(browserDir, 0o700); err != nil {
		t.Fatal(err)
	}
	browser := filepath.Join(browserDir, "browser.exe")
	if err := os.Link(filepath.Join(the.bin, "wintool.exe"), browser); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(w.dir, "opened")
	w.extra = []string{"STSCRED_FEDERATION_URL=" + w.srv.URL() + "/federation"}
	con := w.stscred("console", "prod-admin", "--browser", `"`+wine.WinPath(browser)+`" browser `+wine.WinPath(record))
	if con.code != 0 {
		t.Fatalf("stscred console --browser with a Windows path: %s", con)
	}
	opened, err := os.ReadFile(record)
	if err != nil || !strings.HasPrefix(string(opened), w.srv.URL()+"/federation?") || !strings.Contains(string(opened), "SigninToken=") {
		t.Errorf("the browser at %s was not sent to the sign-in URL: %q %v", wine.WinPath(browser), opened, err)
	}
	w.extra = nil

	doc := w.stscred("doctor")
	for _, want := range []string{"windows-credential-manager", "profile prod-admin assumes " + demo.AdminRole} {
		if !strings.Contains(doc.stdout+doc.stderr, want) {
			t.Errorf("stscred doctor does not say %q: %s", want, doc)
		}
	}
	for _, unix := range []string{"install.sh", "~/.local/bin", "HOME is not set"} {
		if strings.Contains(doc.stdout+doc.stderr, unix) {
			t.Errorf("stscred doctor on Windows says %q: %s", unix, doc)
		}
	}

	if r := w.stscred("remove", "--yes", "alice"); r.code != 0 {
		t.Fatalf("stscred remove --yes alice: %s", r)
	}
	if w.holdsKey("alice") {
		t.Errorf("alice's key is still in the Credential Manager: %q", w.credentials())
	}
	for _, out := range w.outputs {
		if strings.Contains(out, key.Secret) {
			t.Fatalf("alice's secret key was printed: %q", out)
		}
	}
}

// The file keystore on Windows: with STSCRED_BACKEND=file the key goes to
// age-encrypted files in %APPDATA%\stscred (the prefix's own AppData, as
// Windows names it), nothing of it in the clear and nothing in the
// Credential Manager, and a role is assumed from it.
func TestWindowsFileKeystore(t *testing.T) {
	w := newWinWorld(t)
	profile, err := w.prefix.UserProfile()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(profile, "AppData", "Roaming", "stscred")
	if _, err := os.Stat(dir); err == nil {
		t.Fatalf("%s exists before the test", dir)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	w.extra = []string{"STSCRED_BACKEND=file", "STSCRED_FILE_PASSPHRASE=correct horse battery staple"}
	key := w.demo.Key

	if r := w.run(key.ID+"\n"+key.Secret+"\n", filepath.Join(the.bin, "stscred.exe"), "add", "alice"); r.code != 0 {
		t.Fatalf("stscred add alice with the file keystore: %s", r)
	}
	for _, name := range []string{"identity.age", "keys.age"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("the file keystore in %%APPDATA%%\\stscred: %v", err)
		}
		if bytes.Contains(b, []byte(key.Secret)) || bytes.Contains(b, []byte(key.ID)) {
			t.Errorf("%s holds alice's key in the clear", name)
		}
	}
	if w.holdsKey("alice") {
		t.Error("the file keystore's key went to the Credential Manager too")
	}
	r := w.stscred("--mfa-token", w.srv.FreshCode(w.demo.MFA.Serial), "role", "prod-admin")
	if r.code != 0 || !strings.Contains(r.stdout, `"AccessKeyId":"ASIA`) {
		t.Fatalf("stscred role prod-admin from the file keystore: %s", r)
	}
	if r := w.stscred("remove", "--yes", "alice"); r.code != 0 {
		t.Fatalf("stscred remove --yes alice: %s", r)
	}
	if r := w.stscred("remove", "--yes", "alice"); r.code == 0 {
		t.Errorf("a second remove found alice's key still there: %s", r)
	}
	for _, out := range w.outputs {
		if strings.Contains(out, key.Secret) {
			t.Fatalf("alice's secret key was printed: %q", out)
		}
	}
}

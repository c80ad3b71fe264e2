//go:build linux && realworld

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// What a newcomer meets around stscred add, with the real gnome-keyring
// and the real AWS CLI: a mistyped profile is refused with what was
// meant; add says how the AWS tools use the key, and the line it shows
// makes `aws --profile alice` work; a key stored under a name the config
// lacks is shown by list and doctor; list --json holds no null.
func TestNewcomerAdd(t *testing.T) {
	w := newWorld(t)
	before := w.srv.Calls(ststest.AnyAction)

	typo := w.run(w.key.ID+"\n"+w.key.Secret+"\n", w.env(), w.bin, "add", "alcie")
	w.assertCleanFailure(typo, `did you mean "alice"?`)
	if !strings.Contains(typo.stderr, "if alcie is another IAM user, add [profile alcie] to "+w.cfg+" first") {
		t.Errorf("no way to add another user: %s", typo.stderr)
	}
	if w.storedKey("alcie") != "" || w.storedKey("alice") != "" {
		t.Fatal("a key was stored")
	}
	if n := w.srv.Calls(ststest.AnyAction); n != before {
		t.Errorf("%d STS calls for a refused name", n-before)
	}

	add := w.run(w.key.ID+"\n"+w.key.Secret+"\n", w.env(), w.bin, "add", "alice")
	if add.code != 0 {
		t.Fatalf("add alice: %s", add)
	}
	if !strings.HasPrefix(add.stdout, "stscred: stored access key ") || strings.Count(add.stdout, "\n") != 1 {
		t.Errorf("stdout is more than what was done: %q", add.stdout)
	}
	session := profile.SessionProcess("", "alice")
	for _, want := range []string{
		"stscred: the AWS tools use it through [profile prod] (role prod-admin): aws sts get-caller-identity --profile prod\n",
		"add to [profile alice] in " + w.cfg + ":\n    " + session + "\n",
	} {
		if !strings.Contains(add.stderr, want) {
			t.Errorf("add's stderr lacks %q:\n%s", want, add.stderr)
		}
	}
	// Before the line, the AWS CLI finds no credentials for alice; with
	// the line add showed, it gets alice's session from stscred.
	mfa := []string{"STSCRED_MFA_TOKEN=" + w.code()}
	if res := w.aws(nil, "sts", "get-caller-identity", "--profile", "alice"); res.code == 0 {
		t.Fatalf("the AWS CLI found credentials for alice before the line: %s", res)
	}
	cfg, err := os.ReadFile(w.cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.writeConfig(strings.Replace(string(cfg), "[profile alice]\n", "[profile alice]\n"+session+"\n", 1))
	if res := w.aws(mfa, "sts", "get-caller-identity", "--profile", "alice"); res.code != 0 || !strings.Contains(res.stdout, "arn:aws:iam::111111111111:user/alice") {
		t.Fatalf("aws --profile alice with add's line: %s", res)
	}

	// A key for a name the config lacks and nearly nothing like it.
	bob := w.srv.AddUser("111111111111", "bob").AddAccessKey()
	res := w.run(bob.ID+"\n"+bob.Secret+"\n", w.env(), w.bin, "add", "bob")
	if res.code != 0 || !strings.Contains(res.stderr, "stscred: note: "+w.cfg+" has no [profile bob] yet") ||
		!strings.Contains(res.stderr, "    [profile bob]\n    region = <region, e.g. eu-west-1>\n") || strings.Contains(res.stdout, "note") {
		t.Fatalf("add bob: %s", res)
	}
	list := w.stscred("list")
	if list.code != 0 || !regexp.MustCompile(`(?m)^bob +not in config +AKIA…`).MatchString(list.stdout) {
		t.Fatalf("list does not show bob's key:\n%s", list)
	}
	if !strings.Contains(list.stderr, "stscred: note: the key stored for bob belongs to no profile of "+w.cfg) {
		t.Errorf("list's stderr: %s", list.stderr)
	}
	doc := w.stscred("doctor")
	if !strings.Contains(doc.stdout, "! a key is stored for bob, which ") {
		t.Errorf("doctor does not show bob's key:\n%s", doc)
	}

	js := w.stscred("list", "--json")
	var rows []any
	if js.code != 0 || json.Unmarshal([]byte(js.stdout), &rows) != nil {
		t.Fatalf("list --json: %s", js)
	}
	if nulls := nullsIn(rows, "$"); len(nulls) > 0 {
		t.Errorf("list --json has null at %v:\n%s", nulls, js.stdout)
	}
	for _, r := range rows {
		if _, ok := r.(map[string]any)["sessions"].([]any); !ok {
			t.Errorf("sessions is not a list in %v", r)
		}
	}
}

// nullsIn is where a decoded JSON document holds null.
func nullsIn(v any, path string) []string {
	var out []string
	switch v := v.(type) {
	case nil:
		out = append(out, path)
	case []any:
		for i, e := range v {
			out = append(out, nullsIn(e, fmt.Sprintf("%s[%d]", path, i))...)
		}
	case map[string]any:
		for k, e := range v {
			out = append(out, nullsIn(e, path+"."+k)...)
		}
	}
	return out
}

// One add in a shell without a session bus makes a file keystore: its
// passphrase must be long enough, and add says that the file keystore
// takes precedence from now on and how to go back. Back where the
// keyring answers, list, the runtime's error and doctor say that the OS
// keyring holds alice's key; following the way back (migrate --to
// keyring) makes alice's key used again.
func TestNewcomerFileKeystoreTakesPrecedence(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	carol := w.srv.AddUser("111111111111", "carol").AddAccessKey()
	cfg, _ := os.ReadFile(w.cfg)
	w.writeConfig(string(cfg) + "\n[profile carol]\nregion = eu-west-1\n")

	noBus := withoutVar(w.env(), "DBUS_SESSION_BUS_ADDRESS")
	add := startPTY(t, noBus, w.bin, "add", "carol")
	add.expect("Access key ID for carol: ", 1)
	add.typeLine(carol.ID)
	add.expect("Secret access key (not shown): ", 1)
	add.typeLine(carol.Secret)
	add.expect("stscred: choose a passphrase: ", 1)
	add.typeLine("abc")
	add.expect("stscred: 3 characters is too short", 1)
	add.expect("stscred: choose a passphrase: ", 2)
	add.typeLine(filePassphrase)
	add.expect("stscred: repeat it: ", 1)
	add.typeLine(filePassphrase)
	add.wait()
	out := strings.ReplaceAll(add.output(), "\r\n", "\n")
	for _, want := range []string{
		"stscred: note: this made the file keystore (" + w.fileDir() + "); from now on stscred uses it in every session where STSCRED_BACKEND is unset or auto, also where an OS keyring answers",
		"stscred: note: to go back to the OS keyring: in a session where it answers (a desktop login), run stscred migrate --to keyring",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("add does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, filePassphrase) || strings.Contains(out, carol.Secret) {
		t.Fatal("a secret was echoed")
	}

	// Back in the desktop session (the bus, no passphrase in the
	// environment: the session keyring remembers it).
	env := w.env()
	list := w.run("", env, w.bin, "list")
	if list.code != 0 || !strings.Contains(list.stderr, "stscred: note: stscred uses the file keystore ("+w.fileDir()+") because it exists, but the OS keyring (secret-service) also holds keys of alice") {
		t.Errorf("list does not say where alice's key is:\n%s", list)
	}
	res := w.run("", append(env, "STSCRED_MFA_TOKEN="+w.code()), w.bin, "session", "alice")
	w.assertCleanFailure(res, "no access key is stored for profile alice (file backend): stscred uses the file keystore ("+w.fileDir()+") because it exists, and the OS keyring (secret-service) holds the key of alice")
	if strings.Contains(res.stderr, "stscred add alice") || !strings.Contains(res.stderr, "stscred: hint: move the file keystore's keys to the OS keyring, which auto then uses again: stscred migrate --to keyring") {
		t.Errorf("the hints are not the ways back: %s", res.stderr)
	}
	doc := w.run("", env, w.bin, "doctor")
	if !strings.Contains(doc.stdout, "✗ profile alice: no access key stored in the file keystore (needed by prod, prod-admin); the OS keyring (secret-service) holds it") {
		t.Errorf("doctor:\n%s", doc)
	}

	// The way back add named.
	if res := w.run("", env, w.bin, "migrate", "--to", "keyring"); res.code != 0 {
		t.Fatalf("migrate --to keyring: %s", res)
	}
	if _, err := os.Stat(w.fileDir()); err == nil {
		t.Error("the file keystore is still there")
	}
	if !strings.Contains(w.storedKey("carol"), carol.Secret) || !strings.Contains(w.storedKey("alice"), w.key.Secret) {
		t.Fatal("a key is missing from the OS keyring")
	}
	w.decode(w.run("", append(env, "STSCRED_MFA_TOKEN="+w.code()), w.bin, "session", "alice"))
	if list := w.run("", env, w.bin, "list"); strings.Contains(list.stderr, "note:") || !strings.Contains(list.stdout, "keys are kept in the OS keyring") {
		t.Errorf("list after the way back:\n%s", list)
	}
}

// A passphrase too short is refused from STSCRED_FILE_PASSPHRASE too when
// it would make a keystore: nothing is stored anywhere.
func TestNewcomerShortPassphraseFromTheEnvironment(t *testing.T) {
	w := newWorldOn(t, "file", ststest.Options{})
	env := append(withoutVar(w.env(), "STSCRED_FILE_PASSPHRASE"), "STSCRED_FILE_PASSPHRASE=pw")
	res := w.run(w.key.ID+"\n"+w.key.Secret+"\n", env, w.bin, "add", "alice")
	w.assertCleanFailure(res, "STSCRED_FILE_PASSPHRASE has 2 characters, and a new file keystore needs at least 12")
	if _, err := os.Stat(w.fileDir() + "/identity.age"); err == nil {
		t.Fatal("a keystore was made")
	}
}

// doctor and a role that requires MFA, assumed from a user whose profile
// has no mfa_serial: before any call doctor says the role is assumed
// without MFA; once STS refused it (the AWS CLI's call), doctor fails it
// with the runtime's hint; with mfa_serial set it works, and doctor has
// nothing to say about MFA.
func TestNewcomerDoctorRoleNeedsMFA(t *testing.T) {
	w := newWorld(t)
	noSerial := strings.Replace(w.standardConfig(), "mfa_serial = "+w.mfa.Serial+"\n", "", 1)
	w.writeConfig(noSerial)
	w.addAlice()

	doc := w.stscred("doctor")
	if !strings.Contains(doc.stdout, "– [profile alice] has no mfa_serial: prod-admin is assumed without MFA") {
		t.Errorf("doctor before any call:\n%s", doc)
	}
	res := w.aws(nil, "sts", "get-caller-identity", "--profile", "prod")
	if res.code == 0 || !strings.Contains(res.stderr, "if the role requires MFA, set mfa_serial in [profile alice]") {
		t.Fatalf("the role was not refused as expected: %s", res)
	}
	doc = w.stscred("doctor")
	if doc.code == 0 || !strings.Contains(doc.stdout, "✗ profile prod-admin: STS refused to let alice assume "+adminRole) ||
		!strings.Contains(doc.stdout, "hint: if the role requires MFA, set mfa_serial in [profile alice]") {
		t.Errorf("doctor after the refusal:\n%s", doc)
	}

	w.writeConfig(w.standardConfig())
	if res := w.aws([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "sts", "get-caller-identity", "--profile", "prod"); res.code != 0 {
		t.Fatalf("with mfa_serial: %s", res)
	}
	if doc := w.stscred("doctor"); doc.code != 0 || strings.Contains(doc.stdout, "has no mfa_serial") || strings.Contains(doc.stdout, "STS refused") {
		t.Errorf("doctor with mfa_serial set:\n%s", doc)
	}
}

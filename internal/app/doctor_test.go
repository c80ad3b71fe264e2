package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/ops/doctor"
	"github.com/stscred/stscred/keystore"
)

// doctor over the Services: every line marked, the STS check against the
// test server with the stored key, no failure, no error; the config it
// loaded kept for the rest of the run.
func TestDoctorAllWell(t *testing.T) {
	l := newLive(t, "")
	s := l.services()
	if err := app.Doctor(l.p, s, "", false); err != nil {
		t.Fatalf("doctor: %v\n%s", err, l.stdout)
	}
	out := l.stdout.String()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if lines[0] != "✓ config file ~/.aws/config parses (3 profiles)" {
		t.Errorf("first line %q", lines[0])
	}
	for _, line := range lines {
		if !strings.HasPrefix(line, "✓ ") && !strings.HasPrefix(line, "– ") && !strings.HasPrefix(line, "    hint: ") {
			t.Errorf("line %q", line)
		}
	}
	for _, want := range []string{
		"✓ STS at " + l.url + " accepts the access key " + keystore.MaskID(l.key.ID) + " stored for alice (arn:aws:iam::111111111111:user/alice)",
		"✓ clock: this machine agrees with STS at " + l.url,
		"✓ profile prod: credential_process runs stscred role prod-admin",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no line %q in\n%s", want, out)
		}
	}
	if s.ConfigFile == nil || !s.ConfigFile.Has("prod-admin") {
		t.Error("the config doctor loaded is not kept")
	}
	l.noSecret(l.key.Secret)
}

// Failures: marked ✗ with their hints under them, and an error that
// counts them and says what to do.
func TestDoctorFailures(t *testing.T) {
	l := newLive(t, "[profile gone]\ncredential_process = stscred role nosuch\n")
	if err := keystore.DeleteKey(l.keys, "alice"); err != nil {
		t.Fatal(err)
	}
	err := app.Doctor(l.p, l.services(), "", false)
	if err == nil || err.Error() != "2 checks failed" || hint.Of(err)[0] != "fix what the lines marked ✗ say, then run stscred doctor again" {
		t.Fatalf("doctor: %v", err)
	}
	out := l.stdout.String()
	if !strings.Contains(out, "✗ profile alice: no access key stored in the memory backend (needed by prod, prod-admin)\n    hint: store the IAM user's access key: stscred add alice\n") {
		t.Errorf("no key line with its hint in\n%s", out)
	}
	if !strings.Contains(out, "✗ profile gone: credential_process runs stscred role nosuch") {
		t.Errorf("no credential_process line in\n%s", out)
	}

	// One failure is "1 check".
	l.reset()
	err = app.Doctor(l.p, l.services(), "gone", false)
	if err == nil || err.Error() != "1 check failed" {
		t.Errorf("doctor --profile gone: %v\n%s", err, l.stdout)
	}
	if strings.Contains(l.stdout.String(), "alice") {
		t.Errorf("--profile gone checked alice:\n%s", l.stdout)
	}
}

// --output json: the checks as an array, the same error when one failed.
func TestDoctorJSON(t *testing.T) {
	l := newLive(t, "")
	if err := app.Doctor(l.p, l.services(), "prod", true); err != nil {
		t.Fatalf("doctor: %v", err)
	}
	var checks []doctor.Check
	if err := json.Unmarshal([]byte(l.stdout.String()), &checks); err != nil {
		t.Fatalf("json: %v\n%s", err, l.stdout)
	}
	ids := map[string]bool{}
	for _, c := range checks {
		ids[c.ID] = true
		if c.Profile != "" && c.Profile != "prod" && c.Profile != "prod-admin" && c.Profile != "alice" {
			t.Errorf("--profile prod: a check of %s", c.Profile)
		}
	}
	for _, id := range []string{doctor.IDConfig, doctor.IDKeyring, doctor.IDSourceChain, doctor.IDCredProcess, doctor.IDKey, doctor.IDCache, doctor.IDSTS, doctor.IDClock, doctor.IDShellHook} {
		if !ids[id] {
			t.Errorf("no %s check in\n%s", id, l.stdout)
		}
	}
	if strings.Contains(l.stdout.String(), "✓") {
		t.Error("marks in the JSON")
	}

	l.reset()
	err := app.Doctor(l.p, l.services(), "nosuch", true)
	if err == nil || err.Error() != "1 check failed" || !json.Valid([]byte(l.stdout.String())) {
		t.Errorf("doctor --profile nosuch: %v\n%s", err, l.stdout)
	}
}

// Text from the config is shown escaped: no control character reaches
// the terminal from doctor's lines.
func TestDoctorEscapes(t *testing.T) {
	l := newLive(t, "[profile evil]\ncredential_process = stscred role \"x\x1b]0;owned\x07\"\n")
	_ = app.Doctor(l.p, l.services(), "", false)
	out := l.stdout.String()
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("a control character was printed:\n%q", out)
	}
	if !strings.Contains(out, `\x1b]0;owned\x07`) {
		t.Errorf("the name is not shown escaped:\n%q", out)
	}
}

// The Identity Center check asks the Identity Center client of the
// Services whether the session is signed in (the keystore, no network).
func TestDoctorSSOStatus(t *testing.T) {
	l := newLive(t, ssoExportConfig)
	err := app.Doctor(l.p, l.services(), "dev", false)
	if err != nil {
		t.Fatalf("doctor: %v\n%s", err, l.stdout)
	}
	want := "! profile dev: role ReadOnly in account 333333333333 through IAM Identity Center session corp: not signed in\n    hint: run: stscred sso login corp\n"
	if !strings.Contains(l.stdout.String(), want) {
		t.Errorf("no line %q in\n%s", want, l.stdout)
	}
}

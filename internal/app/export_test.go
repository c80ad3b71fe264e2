package app_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/session/mfa"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/keystore"
)

// exportOnce fetches prod's credentials (with an MFA code) so that the
// exports after it are cache hits, and returns the exported variables.
func exportOnce(t *testing.T, l *live) map[string]any {
	t.Helper()
	l.p.Flags.MFAToken = l.code()
	if err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "prod", Format: "json"}); err != nil {
		t.Fatalf("export: %v\n%s", err, l.stderr)
	}
	l.p.Flags.MFAToken = ""
	var vars map[string]any
	if err := json.Unmarshal([]byte(l.stdout.String()), &vars); err != nil {
		t.Fatalf("export --format json: %v\n%s", err, l.stdout)
	}
	l.reset()
	return vars
}

// Each format writes the same credentials in its shell's syntax, after
// unsetting what would shadow them; auto is the syntax of the shell that
// reads the output (the parent), else of the OS.
func TestExportFormats(t *testing.T) {
	l := newLive(t, "")
	vars := exportOnce(t, l)
	id, _ := vars["AWS_ACCESS_KEY_ID"].(string)
	secret, _ := vars["AWS_SECRET_ACCESS_KEY"].(string)
	if !strings.HasPrefix(id, "ASIA") || secret == "" || vars["AWS_SESSION_TOKEN"] == "" || vars["AWS_REGION"] != "eu-west-1" {
		t.Fatalf("json export: %v", vars)
	}
	for _, name := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN"} {
		if v, ok := vars[name]; !ok || v != nil {
			t.Errorf("json: %s is %v, want null", name, v)
		}
	}
	for _, tc := range []struct {
		format, parent, shell, goos string
		first, line                 string
	}{
		{"sh", "", "", "linux", "unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN\n", "export AWS_ACCESS_KEY_ID='" + id + "'\n"},
		{"bash", "", "", "linux", "unset AWS_PROFILE", "export AWS_ACCESS_KEY_ID='" + id + "'\n"},
		{"zsh", "", "", "linux", "unset AWS_PROFILE", "export AWS_SECRET_ACCESS_KEY='" + secret + "'\n"},
		{"fish", "", "", "linux", "set -e AWS_PROFILE; or true\n", "set -gx AWS_ACCESS_KEY_ID '" + id + "'\n"},
		{"powershell", "", "", "linux", "Remove-Item -Path Env:AWS_PROFILE -ErrorAction SilentlyContinue\n", "$Env:AWS_ACCESS_KEY_ID = '" + id + "'\n"},
		{"pwsh", "", "", "linux", "Remove-Item", "$Env:AWS_REGION = 'eu-west-1'\n"},
		{"dotenv", "", "", "linux", "AWS_ACCESS_KEY_ID='" + id + "'\n", "AWS_REGION='eu-west-1'\n"},
		{"auto", "fish", "/bin/bash", "linux", "set -e AWS_PROFILE", "set -gx AWS_ACCESS_KEY_ID"},
		{"", "/usr/bin/zsh", "", "linux", "unset AWS_PROFILE", "export AWS_ACCESS_KEY_ID="},
		{"", "pwsh.exe", "", "windows", "Remove-Item", "$Env:AWS_ACCESS_KEY_ID = "},
		{"", "", "", "windows", "Remove-Item", "$Env:AWS_ACCESS_KEY_ID = "},
		{"", "", "/bin/bash", "windows", "unset AWS_PROFILE", "export AWS_ACCESS_KEY_ID="},
		{"auto", "", "", "linux", "unset AWS_PROFILE", "export AWS_ACCESS_KEY_ID="},
	} {
		l.reset()
		l.p.ParentName = func() string { return tc.parent }
		l.p.GOOS = tc.goos
		l.vars["SHELL"] = tc.shell
		calls := l.srv.Calls(ststest.AnyAction)
		if err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "prod", Format: tc.format}); err != nil {
			t.Errorf("%q (parent %q): %v", tc.format, tc.parent, err)
			continue
		}
		out := l.stdout.String()
		if !strings.HasPrefix(out, tc.first) || !strings.Contains(out, tc.line) || l.stderr.String() != "" {
			t.Errorf("%q (parent %q, SHELL %q, %s):\n%s\nwant it to start %q and hold %q; stderr %q", tc.format, tc.parent, tc.shell, tc.goos, out, tc.first, tc.line, l.stderr)
		}
		if l.srv.Calls(ststest.AnyAction) != calls {
			t.Errorf("%q: STS was called again", tc.format)
		}
	}
	l.p.GOOS = "linux"

	// An unknown format: an error, nothing on stdout.
	l.reset()
	err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "prod", Format: "csh"})
	if err == nil || !strings.Contains(err.Error(), `unknown format "csh"`) || l.stdout.String() != "" {
		t.Errorf("csh: %v, stdout %q", err, l.stdout)
	}
}

// Without a name, the profile the AWS tools would use in this shell.
func TestExportDefaultProfile(t *testing.T) {
	l := newLive(t, "[profile plain]\nsource_profile = alice\nrole_arn = arn:aws:iam::222222222222:role/Admin\n")
	exportOnce(t, l)
	l.vars["AWS_PROFILE"] = "prod"
	if err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "", Format: "dotenv"}); err != nil {
		t.Fatal(err)
	}
	if out := l.stdout.String(); !strings.Contains(out, "STSCRED_PROFILE='prod'") || !strings.Contains(out, "AWS_REGION='eu-west-1'") {
		t.Errorf("stdout %q", l.stdout)
	}
	// STSCRED_PROFILE comes first; the role profile's region is its
	// source's.
	l.reset()
	l.p.Flags.MFAToken = l.code()
	l.vars["STSCRED_PROFILE"] = "plain"
	if err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "", Format: "dotenv"}); err != nil {
		t.Fatal(err)
	}
	if out := l.stdout.String(); !strings.Contains(out, "STSCRED_PROFILE='plain'") || !strings.Contains(out, "AWS_REGION='eu-west-1'") || !strings.Contains(out, "AWS_ACCESS_KEY_ID='ASIA") {
		t.Errorf("stdout %q", l.stdout)
	}
}

// A prompt hook's renewal never asks: without a code it ends with
// NeedsYou (exit 3), calls no STS, prints nothing on stdout; and it
// forbids prompting for the rest of the run.
func TestExportHookNeedsMFA(t *testing.T) {
	l := newLive(t, "")
	l.p.StdinTerminal = true
	err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "prod", Format: "sh", Hook: true})
	var ny app.NeedsYou
	if !errors.As(err, &ny) || ny.Status != app.ExitNeedsMFA || ny.Profile != "prod" || app.ExitNeedsMFA != 3 {
		t.Fatalf("hook: %#v", err)
	}
	if err.Error() != "prod needs an MFA code to renew its credentials: run stscred use prod" {
		t.Errorf("message %q", err)
	}
	if l.p.Flags.Prompt != mfa.ModeNone || l.p.Flags.SignIn {
		t.Errorf("flags after a hook: %+v", l.p.Flags)
	}
	if l.stdout.String() != "" || l.srv.Calls(ststest.AnyAction) != 0 {
		t.Errorf("stdout %q, %d STS calls", l.stdout, l.srv.Calls(ststest.AnyAction))
	}

	// Not a hook: the same need is the resolver's error, not a NeedsYou.
	l.p.Flags.Prompt = ""
	l.p.StdinTerminal = false
	err = app.Export(l.p, l.services(), app.ExportRequest{Profile: "prod", Format: "sh"})
	if err == nil || errors.As(err, &ny) || !errors.Is(err, mfa.ErrNoSource) {
		t.Errorf("not a hook: %#v", err)
	}
	// With the cache filled, the hook renews without asking.
	exportOnce(t, l)
	if err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "prod", Format: "sh", Hook: true}); err != nil || !strings.Contains(l.stdout.String(), "export AWS_SESSION_TOKEN=") {
		t.Errorf("hook after a fetch: %v %q", err, l.stdout)
	}
}

// The file keystore's passphrase cannot be asked by a hook: exit 5.
func TestExportHookNeedsPassphrase(t *testing.T) {
	l := newLive(t, "")
	l.keys.Err = hint.With(fmt.Errorf("%w: the file keystore needs its passphrase, and --prompt=none forbids asking", keystore.ErrNoPassphrase), "set STSCRED_FILE_PASSPHRASE")
	err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "prod", Format: "sh", Hook: true})
	var ny app.NeedsYou
	if !errors.As(err, &ny) || ny.Status != app.ExitNeedsPassphrase || app.ExitNeedsPassphrase != 5 {
		t.Fatalf("hook: %#v", err)
	}
	if err.Error() != "prod needs the file keystore's passphrase to renew its credentials: run stscred use prod" {
		t.Errorf("message %q", err)
	}
	if l.stdout.String() != "" {
		t.Errorf("stdout %q", l.stdout)
	}
}

const ssoExportConfig = `
[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = 333333333333
sso_role_name = ReadOnly
region = eu-west-1
`

// An Identity Center profile without a sign-in: the hook says what to run
// (exit 6) and signs in to nothing.
func TestExportHookNeedsSignIn(t *testing.T) {
	l := newLive(t, ssoExportConfig)
	err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "dev", Format: "sh", Hook: true})
	var ny app.NeedsYou
	if !errors.As(err, &ny) || ny.Status != app.ExitNeedsSignIn || app.ExitNeedsSignIn != 6 || ny.Run != "run stscred sso login corp" {
		t.Fatalf("hook: %#v", err)
	}
	if err.Error() != "dev needs a sign-in to IAM Identity Center to renew its credentials: run stscred sso login corp" {
		t.Errorf("message %q", err)
	}
	// Not a hook, no terminal: the sign-in error itself.
	err = app.Export(l.p, l.services(), app.ExportRequest{Profile: "dev", Format: "sh"})
	if _, ok := identitycenter.NeedsSignIn(err); !ok || errors.As(err, &ny) {
		t.Errorf("not a hook: %#v", err)
	}
	if l.stdout.String() != "" {
		t.Errorf("stdout %q", l.stdout)
	}
}

// A profile whose credentials are an IAM user's long-term key (a foreign
// credential_process that prints one) is not exported: long-term keys
// are not handed to a shell.
func TestExportRefusesLongTermKeys(t *testing.T) {
	const secret = "LongTermSecretKeyLongTermSecretKey000001"
	l := newLive(t, `
[profile static]
credential_process = printf '{"Version":1,"AccessKeyId":"AKIASTATICKEY0000001","SecretAccessKey":"`+secret+`"}'
region = eu-west-1
`)
	l.p.LookPath = exec.LookPath
	err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "static", Format: "sh"})
	if err == nil || err.Error() != "profile static yields long-term keys, which stscred does not export" {
		t.Fatalf("export: %v", err)
	}
	if h := hint.Of(err); len(h) != 1 || !strings.Contains(h[0], "stscred export <role profile>") {
		t.Errorf("hints %q", h)
	}
	if l.stdout.String() != "" {
		t.Errorf("stdout %q", l.stdout)
	}
	l.noSecret(secret)

	// The IAM user's own profile gives a session, which is exported.
	l.p.Flags.MFAToken = l.code()
	if err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "alice", Format: "sh"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l.stdout.String(), "export AWS_SESSION_TOKEN=") {
		t.Errorf("alice: %q", l.stdout)
	}
	l.noSecret(l.key.Secret)
}

func TestNeedsYouMessage(t *testing.T) {
	for _, tc := range []struct {
		n    app.NeedsYou
		want string
	}{
		{app.NeedsYou{Profile: "p", What: "an MFA code", Status: app.ExitNeedsMFA}, "p needs an MFA code to renew its credentials: run stscred use p"},
		{app.NeedsYou{Profile: "p", What: "x", Run: "run y"}, "p needs x to renew its credentials: run y"},
	} {
		if got := tc.n.Error(); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
	if app.ExitNeedsMFA == app.ExitNeedsPassphrase || app.ExitNeedsPassphrase == app.ExitNeedsSignIn || app.ExitNeedsMFA == app.ExitNeedsSignIn {
		t.Error("the hook cannot tell the statuses apart")
	}
}

// stscred use's export (--use) says on stderr what is now in use, stdout
// being the shell's to eval: the account, the role or session, MFA, and
// the time left as stscred says durations everywhere (hours past an
// hour). A plain export says nothing.
func TestExportForUseSaysWhatIsInUse(t *testing.T) {
	l := newLive(t, "")
	l.p.Flags.MFAToken = l.code()
	if err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "prod", Format: "sh", Use: true}); err != nil {
		t.Fatal(err)
	}
	if want := "stscred: using prod (account 222222222222, role Admin, MFA, 59m left)\n"; l.stderr.String() != want {
		t.Errorf("stderr %q, want %q", l.stderr, want)
	}
	if !strings.Contains(l.stdout.String(), "export AWS_SESSION_TOKEN=") || strings.Contains(l.stdout.String(), "using") {
		t.Errorf("stdout %q", l.stdout)
	}
	l.reset()
	if err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "alice", Format: "sh", Use: true}); err != nil {
		t.Fatal(err)
	}
	if want := "stscred: using alice (the session of alice's access key, MFA, 11h59m left)\n"; l.stderr.String() != want {
		t.Errorf("stderr %q, want %q", l.stderr, want)
	}
	l.reset()
	if err := app.Export(l.p, l.services(), app.ExportRequest{Profile: "prod", Format: "sh"}); err != nil {
		t.Fatal(err)
	}
	if l.stderr.String() != "" {
		t.Errorf("a plain export said %q", l.stderr)
	}
}

package shell

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
)

// hostileExport has every value a shell might misread.
func hostileExport(marker string) Export {
	evil := `it's "q" $(touch ` + marker + `) ` + "`touch " + marker + "`" + " \\ $HOME\nsecond line ${PATH}"
	return Export{
		Profile: "prof " + evil,
		Region:  "eu-west-1 " + evil,
		Creds: creds.Credentials{
			AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "sec/ret+" + evil, SessionToken: "tok" + evil,
			Expiration: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC),
		},
	}
}

// Each shell evals the export, then a child process (printenv) reports
// what it inherited: exactly the values, and the marker file never made.
func TestExportRoundTripInRealShells(t *testing.T) {
	for _, tc := range []struct {
		shell, format string
		run           func(script string) *exec.Cmd
	}{
		{"sh", "sh", func(s string) *exec.Cmd { return exec.Command("sh", "-c", s) }},
		{"bash", "sh", func(s string) *exec.Cmd { return exec.Command("bash", "--norc", "--noprofile", "-c", s) }},
		{"zsh", "sh", func(s string) *exec.Cmd { return exec.Command("zsh", "-f", "-c", s) }},
		{"fish", "fish", func(s string) *exec.Cmd { return exec.Command("fish", "--no-config", "-c", s) }},
	} {
		t.Run(tc.shell, func(t *testing.T) {
			if _, err := exec.LookPath(tc.shell); err != nil {
				t.Fatalf("%s is required for this test (Debian package %s)", tc.shell, tc.shell)
			}
			dir := t.TempDir()
			marker := filepath.Join(dir, "pwned")
			e := hostileExport(marker)
			var out bytes.Buffer
			if err := Write(&out, tc.format, e); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "export")
			os.WriteFile(file, out.Bytes(), 0o600)
			var script string
			if tc.shell == "fish" {
				script = "source " + file + "; and env -0"
			} else {
				script = ". " + file + " && env -0"
			}
			cmd := tc.run(script)
			// AWS_DEFAULT_PROFILE is left unset: unsetting an unset
			// variable must not fail the export.
			cmd.Env = append(os.Environ(), "AWS_PROFILE=shadow", "AWS_SECURITY_TOKEN=stale")
			got, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v", tc.shell, err)
			}
			env := map[string]string{}
			for _, kv := range strings.Split(string(got), "\x00") {
				if k, v, ok := strings.Cut(kv, "="); ok {
					env[k] = v
				}
			}
			for _, kv := range e.Vars() {
				if env[kv[0]] != kv[1] {
					t.Errorf("%s: %s = %q, want %q", tc.shell, kv[0], env[kv[0]], kv[1])
				}
			}
			if env["STSCRED_EXPIRES"] != "1795521600" || env["AWS_CREDENTIAL_EXPIRATION"] != "2026-11-24T12:00:00Z" {
				t.Errorf("expiry vars: %q %q", env["STSCRED_EXPIRES"], env["AWS_CREDENTIAL_EXPIRATION"])
			}
			for _, name := range Shadowing() {
				if _, ok := env[name]; ok {
					t.Errorf("%s: %s still set", tc.shell, name)
				}
			}
			if _, err := os.Stat(marker); err == nil {
				t.Fatalf("%s executed code from a value", tc.shell)
			}
		})
	}
}

func TestExportPowerShellFormat(t *testing.T) {
	var out bytes.Buffer
	e := hostileExport("/tmp/x")
	if err := Write(&out, "powershell", e); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "Remove-Item -Path Env:AWS_PROFILE -ErrorAction SilentlyContinue\n") {
		t.Fatalf("no unset of AWS_PROFILE:\n%s", s)
	}
	// Every assignment is a verbatim single-quoted string whose embedded
	// quotes are doubled: parse each back the way PowerShell does.
	for _, kv := range e.Vars() {
		prefix := "$Env:" + kv[0] + " = '"
		i := strings.Index(s, prefix)
		if i < 0 {
			t.Fatalf("%s not assigned", kv[0])
		}
		rest := s[i+len(prefix):]
		var val strings.Builder
		for j := 0; ; j++ {
			if rest[j] == '\'' {
				if j+1 < len(rest) && rest[j+1] == '\'' {
					val.WriteByte('\'')
					j++
					continue
				}
				if rest[j+1] != '\n' {
					t.Fatalf("%s: quote not followed by end of line", kv[0])
				}
				break
			}
			val.WriteByte(rest[j])
		}
		if val.String() != kv[1] {
			t.Errorf("%s = %q, want %q", kv[0], val.String(), kv[1])
		}
	}
}

func TestExportJSONAndDotenv(t *testing.T) {
	e := hostileExport("/tmp/x")
	var out bytes.Buffer
	if err := Write(&out, "json", e); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["AWS_SESSION_TOKEN"] != e.Creds.SessionToken || m["AWS_PROFILE"] != nil {
		t.Fatalf("json: %v", m)
	}
	if _, ok := m["AWS_PROFILE"]; !ok {
		t.Fatal("json must list AWS_PROFILE as null (to unset)")
	}
	out.Reset()
	Write(&out, "dotenv", Export{Profile: "p", Creds: creds.Credentials{AccessKeyID: "A", SecretAccessKey: "s$x", SessionToken: "it's\nx"}})
	want := "AWS_ACCESS_KEY_ID='A'\nAWS_SECRET_ACCESS_KEY='s$x'\nAWS_SESSION_TOKEN=\"it's\\nx\"\nSTSCRED_PROFILE='p'\n"
	if out.String() != want {
		t.Fatalf("dotenv:\n%s\nwant\n%s", out.String(), want)
	}
	if err := Write(&out, "csh", e); err == nil {
		t.Fatal("unknown format accepted")
	}
}

// The hooks are valid scripts in their shells.
func TestHooksParse(t *testing.T) {
	for shell, check := range map[string][]string{
		"bash": {"bash", "-n"}, "zsh": {"zsh", "-n"}, "fish": {"fish", "--no-execute"},
	} {
		s, err := Hook(shell)
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(t.TempDir(), "hook")
		os.WriteFile(f, []byte(s), 0o600)
		if out, err := exec.Command(check[0], append(check[1:], f)...).CombinedOutput(); err != nil {
			t.Errorf("%s hook: %v\n%s", shell, err, out)
		}
	}
	if _, err := Hook("tcsh"); err == nil {
		t.Fatal("unknown shell accepted")
	}
	if s, _ := Hook("powershell"); !strings.Contains(s, "function global:prompt") {
		t.Fatal("powershell hook lacks its prompt wrapper")
	}
}

// A .env file is also sourced by POSIX shells (set -a; . ./.env): a value
// holding a single quote goes in double quotes, where a backtick, $( ),
// $VAR, \ and " must be escaped. sh, bash and zsh source the dotenv
// export of hostile values: nothing runs, and each value without a
// newline is read back exactly (a newline is dotenv's \n, which a shell
// reads as two characters) (audit finding 9).
func TestExportDotenvSourcedByShells(t *testing.T) {
	for _, sh := range []struct {
		name string
		args []string
	}{{"sh", nil}, {"bash", []string{"--norc", "--noprofile"}}, {"zsh", []string{"-f"}}} {
		t.Run(sh.name, func(t *testing.T) {
			if _, err := exec.LookPath(sh.name); err != nil {
				t.Fatalf("%s is required for this test (Debian package %s)", sh.name, sh.name)
			}
			dir := t.TempDir()
			marker := filepath.Join(dir, "pwned")
			evil := "it's \"q\" $(touch " + marker + ") `touch " + marker + "` \\ \\` \\$HOME $HOME ${PATH}"
			e := Export{Profile: "prof`touch " + marker + "`" + evil, Region: "eu-west-1 " + evil,
				Creds: creds.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "sec/ret+" + evil, SessionToken: "tok" + evil,
					Expiration: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)}}
			withNewline := e
			withNewline.Profile += "\nsecond line `touch " + marker + "`"
			for _, ex := range []Export{e, withNewline} {
				var out bytes.Buffer
				if err := Write(&out, "dotenv", ex); err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(dir, ".env")
				if err := os.WriteFile(file, out.Bytes(), 0o600); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(sh.name, append(sh.args, "-c", "set -a; . "+file+" && env -0")...)
				got, err := cmd.Output()
				if _, err := os.Stat(marker); err == nil {
					t.Fatalf("%s ran a command from a value in:\n%s", sh.name, out.String())
				}
				if err != nil {
					t.Fatalf("%s: %v\n%s", sh.name, err, out.String())
				}
				env := map[string]string{}
				for _, kv := range strings.Split(string(got), "\x00") {
					if k, v, ok := strings.Cut(kv, "="); ok {
						env[k] = v
					}
				}
				for _, kv := range ex.Vars() {
					if !strings.Contains(kv[1], "\n") && env[kv[0]] != kv[1] {
						t.Errorf("%s: %s = %q, want %q", sh.name, kv[0], env[kv[0]], kv[1])
					}
				}
			}
		})
	}
}

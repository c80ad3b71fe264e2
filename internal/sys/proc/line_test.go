package proc

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/base/hint"
)

const seed = "JBSWY3DPEHPK3PXPSEEDSEEDSEED"

func TestProgram(t *testing.T) {
	cases := map[string]string{
		"oathtool --totp -b " + seed:        "oathtool",
		"/usr/bin/ykman oath accounts code": "ykman",
		`"get-token SE/CRET"`:               "get-token…", // cut short at a blank: it could be a whole line quoted
		"TOKEN=" + seed + " mytool --go":    "mytool",
		"A=1 B=" + seed + " env":            "env",
		`C:\tools\code.exe /a`:              "code.exe",
		"":                                  "",
		"   ":                               "",
		"FOO=" + seed:                       "",
		"sh -c 'oathtool --totp -b " + seed + "'":  "sh",
		`"C:\Program Files\Yubico\ykman.exe" oath`: "ykman.exe", // a program's path is shown by its name
		`"C:\tools\otp.exe -b ` + seed + `"`:       "otp.exe…",
		`"/opt/otp -b ` + seed + `"`:               "otp…",
	}
	for line, want := range programCases {
		cases[line] = want
	}
	for line, want := range cases {
		if got := Program(line); got != want {
			t.Errorf("Program(%q) = %q, want %q", line, got, want)
		}
		if strings.Contains(Program(line), seed) {
			t.Errorf("Program(%q) shows the seed", line)
		}
	}
}

func TestSecretsCoverArguments(t *testing.T) {
	line := "TOKEN=tok-" + seed + " oathtool --totp -b " + seed + " --key=" + seed + "X"
	secrets := Secrets(line)
	for _, s := range []string{"tok-" + seed, seed, seed + "X", "--key=" + seed + "X"} {
		if !slices.Contains(secrets, s) {
			t.Errorf("Secrets misses %q: %q", s, secrets)
		}
	}
	if slices.Contains(secrets, "oathtool") {
		t.Error("the program name is not a secret")
	}
	got := Redact("oathtool: bad seed "+seed+"X and "+seed, secrets)
	if strings.Contains(got, seed) {
		t.Fatalf("Redact left the seed: %q", got)
	}
}

func line(text string) Line { return Line{Text: text, Profile: "alice", Key: "mfa_process"} }

// assertClean fails if the error, its hints or the captured stderr show
// any part of the seed.
func assertClean(t *testing.T, err error, stderr string) {
	t.Helper()
	all := stderr
	if err != nil {
		all += err.Error() + strings.Join(hint.Of(err), "\n")
	}
	if strings.Contains(all, seed[:12]) {
		t.Fatalf("the command line's argument leaked: %q", all)
	}
}

func TestRunFailuresNameTheProgramOnly(t *testing.T) {
	for name, tc := range map[string]struct {
		text string
		want string
	}{
		"not installed":       {"no-such-tool-xyz --totp -b " + seed, "program no-such-tool-xyz not found"},
		"not installed, path": {lines.missingPath, "not found"},
		"exits non-zero":      {lines.exits3, "exit status 3"},
		"echoes on stderr":    {lines.echoesSeed, "exit status 1"},
	} {
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := (&Runner{Environ: os.Environ(), LookPath: exec.LookPath}).Line(context.Background(), line(tc.text), LineOptions{Stdout: &out, Stderr: &errb})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), "mfa_process of profile alice") || len(hint.Of(err)) == 0 {
				t.Fatalf("err %q must name key and profile and carry a hint", err)
			}
			assertClean(t, err, errb.String())
		})
	}
}

func TestRunPassesOutputAndRedactedStderr(t *testing.T) {
	t.Setenv("PROC_TEST_MESSAGE", "touch your key") // for cmd's echo
	var out, errb bytes.Buffer
	err := (&Runner{Environ: os.Environ()}).Line(context.Background(), line(lines.output), LineOptions{Stdout: &out, Stderr: &errb})
	if err != nil || strings.TrimSpace(out.String()) != "123456" || !strings.Contains(errb.String(), "touch your key") {
		t.Fatalf("err %v out %q stderr %q", err, out.String(), errb.String())
	}
}

// Whatever environment the runner is handed, no child gets stscred's
// private variables.
func TestRunEnvironmentDropsPrivateVariables(t *testing.T) {
	var out bytes.Buffer
	r := &Runner{Environ: []string{"PATH=" + os.Getenv("PATH"), "STSCRED_FILE_PASSPHRASE=pp", "STSCRED_MFA_TOKEN=123456", "KEEP=1"}}
	err := r.Line(context.Background(), line(lines.env), LineOptions{Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, "STSCRED_FILE_PASSPHRASE") || strings.Contains(got, "STSCRED_MFA_TOKEN") || !strings.Contains(got, "KEEP=1") {
		t.Fatalf("child environment: %s", got)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := (&Runner{Environ: os.Environ()}).Line(ctx, line(lines.sleep), LineOptions{Stdout: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err = %v", err)
	}
}

func TestExecutable(t *testing.T) {
	cases := map[string]string{
		"ykman oath accounts code -s aws":         "ykman",
		"oathtool --totp -b SECRETSECRET":         "oathtool",
		"env YKMAN_X=1 /usr/local/bin/ykman oath": "/usr/local/bin/ykman",
		"exec op item get aws --otp":              "op",
		"$(cat ~/.mfa-cmd)":                       "",
		"FOO=bar":                                 "",
	}
	for line, want := range executableCases {
		cases[line] = want
	}
	for line, want := range cases {
		if got := Executable(line); got != want {
			t.Errorf("%q: got %q, want %q", line, got, want)
		}
	}
}

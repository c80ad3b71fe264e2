//go:build linux && realworld

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stscred export, eval'd by real shells, hands a child process exactly the
// credentials, region and profile name, whatever characters they hold, and
// never runs any of them.
func TestExportEvalInRealShells(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	marker := filepath.Join(t.TempDir(), "pwned")
	evil := `it's "q" $(touch ` + marker + `) ` + "`touch " + marker + "`"
	hostileName := "prod " + evil
	// A region whose second line is a continuation line: a newline in it.
	hostileRegion := "eu-west-1 " + evil + "\n  next $(touch " + marker + ")"
	base := w.standardConfig() + "\n[profile benign]\nsource_profile = alice\nrole_arn = " + adminRole + "\n"
	w.writeConfig(base)
	// The role's cache entry does not depend on the profile's name or
	// region, so the hostile profile is served from the cache (such a
	// region could not sign an STS request).
	creds := w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "benign"))
	w.writeConfig(base + "\n[profile " + hostileName + "]\nsource_profile = alice\nrole_arn = " + adminRole + "\nregion = " + hostileRegion + "\n")
	wantRegion := strings.Replace(hostileRegion, "\n  ", "\n", 1)

	for _, sh := range []struct{ name, format, eval string }{
		{"bash", "sh", `eval "$(cat "$1")" && env -0`},
		{"zsh", "sh", `eval "$(cat "$1")" && env -0`},
		{"fish", "fish", `cat $argv[1] | source; and env -0`},
	} {
		t.Run(sh.name, func(t *testing.T) {
			res := w.stscred("export", "--format", sh.format, hostileName)
			if res.code != 0 {
				t.Fatalf("export: %s", res)
			}
			file := filepath.Join(t.TempDir(), "export")
			os.WriteFile(file, []byte(res.stdout), 0o600)
			var cmd *exec.Cmd
			switch sh.name {
			case "fish":
				cmd = exec.Command("fish", "--no-config", "-c", sh.eval, file)
			case "zsh":
				cmd = exec.Command("zsh", "-f", "-c", sh.eval, "zsh", file)
			default:
				cmd = exec.Command("bash", "--norc", "-c", sh.eval, "bash", file)
			}
			cmd.Env = append(w.env(), "AWS_PROFILE=shadowing")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v", sh.name, err)
			}
			env := map[string]string{}
			for _, kv := range strings.Split(string(out), "\x00") {
				if k, v, ok := strings.Cut(kv, "="); ok {
					env[k] = v
				}
			}
			for k, want := range map[string]string{
				"AWS_ACCESS_KEY_ID": creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY": creds.SecretAccessKey,
				"AWS_SESSION_TOKEN": creds.SessionToken, "AWS_REGION": wantRegion, "AWS_DEFAULT_REGION": wantRegion,
				"STSCRED_PROFILE": hostileName,
			} {
				if env[k] != want {
					t.Errorf("%s = %q, want %q", k, env[k], want)
				}
			}
			if _, ok := env["AWS_PROFILE"]; ok {
				t.Error("AWS_PROFILE still set: it would shadow the exported credentials in botocore")
			}
			if _, err := os.Stat(marker); err == nil {
				t.Fatal("a value was executed")
			}
		})
	}
	// The default profile comes from STSCRED_PROFILE, then AWS_PROFILE;
	// the default format from the shell that runs stscred, whatever SHELL
	// says: fish under a bash SHELL reads fish syntax, bash under a fish
	// SHELL reads sh syntax, and a program that is no shell gets sh.
	res := w.run("", w.env("AWS_PROFILE=benign", "SHELL=/bin/bash"), "fish", "--no-config", "-c", "stscred export | source; and echo profile=$STSCRED_PROFILE region=$AWS_REGION")
	if res.code != 0 || !strings.Contains(res.stdout, "profile=benign") {
		t.Fatalf("stscred export | source in fish with SHELL=bash: %s", res)
	}
	res = w.run("", w.env("AWS_PROFILE=benign", "SHELL=/usr/bin/fish"), "bash", "--norc", "-c", `eval "$(stscred export)" && echo "profile=$STSCRED_PROFILE"`)
	if res.code != 0 || !strings.Contains(res.stdout, "profile=benign") {
		t.Fatalf("eval in bash with SHELL=fish: %s", res)
	}
	res = w.stscredEnv([]string{"AWS_PROFILE=benign", "SHELL=/usr/bin/fish"}, "export")
	if res.code != 0 || !strings.Contains(res.stdout, "export STSCRED_PROFILE='benign'") {
		t.Fatalf("export from a program that is no shell: %s", res)
	}
	for _, f := range []string{"bash", "zsh"} {
		if res := w.stscred("export", "--format", f, "benign"); res.code != 0 || !strings.Contains(res.stdout, "export STSCRED_PROFILE='benign'") {
			t.Fatalf("--format %s: %s", f, res)
		}
	}
	res = w.stscredEnv([]string{"STSCRED_PROFILE=prod", "AWS_PROFILE=benign"}, "export")
	if res.code != 0 || !strings.Contains(res.stdout, "export STSCRED_PROFILE='prod'") || !strings.Contains(res.stdout, "export AWS_REGION='eu-west-1'") {
		t.Fatalf("export with STSCRED_PROFILE: %s", res)
	}
	w.assertCleanFailure(w.stscred("export", "nosuch"), `profile "nosuch" not found`)
	// Without the shell integration, `stscred use` explains itself.
	w.assertCleanFailure(w.stscred("use", "prod"), "needs the shell integration")
}

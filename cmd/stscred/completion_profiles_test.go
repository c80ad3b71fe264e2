package main

import (
	"strings"
	"testing"
)

// stscred completion --profiles KIND: one name a line, in the config's
// order, of the kind asked for.
func TestCompletionProfiles(t *testing.T) {
	config := cfg + `[default]
region = us-east-1
[profile selfsess]
credential_process = stscred session selfsess
[profile foreign]
credential_process = aws-vault exec x --json
[profile broken]
source_profile = nowhere
role_arn = arn:aws:iam::222222222222:role/X
[profile with space $(x)]
region = x
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Developer
`
	for kind, want := range map[string]string{
		"any":       "alice prod-admin prod default selfsess foreign broken with space $(x) dev",
		"role":      "prod-admin dev",
		"sso":       "corp dev",
		"keyholder": "alice default selfsess with space $(x)",
	} {
		env, out, errb := testEnv(t, config)
		if code := runFake([]string{"completion", "--profiles", kind}, env); code != 0 {
			t.Fatalf("%s: exit %d: %s", kind, code, errb)
		}
		if got := strings.Join(strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"), " "); got != want {
			t.Errorf("--profiles %s:\n%s\nwant %s", kind, out, want)
		}
	}
	env, out, errb := testEnv(t, config)
	if code := runFake([]string{"completion", "--profiles", "roles"}, env); code == 0 || out.Len() != 0 || !strings.Contains(errb.String(), "any, role, keyholder, sso or login") {
		t.Errorf("a wrong kind: %d %q %q", code, out, errb)
	}
}

// The spec that completion scripts are made of, read from kong's model.
func TestCompletionSpec(t *testing.T) {
	env, out, errb := testEnv(t, "")
	if code := runFake([]string{"completion", "bash"}, env); code != 0 {
		t.Fatal(errb)
	}
	script := out.String()
	for _, want := range []string{
		"'role:0') __stscred_prof='role'",
		"'rotate:0') __stscred_prof='keyholder'",
		"'use:0') __stscred_vals='--off' __stscred_prof='any' __stscred_dash='--off'",
		"'--source') __stscred_t=1 __stscred_prof='keyholder'",
		"'--profile') __stscred_t=1 __stscred_prof='any'",
		"'--output') __stscred_t=1 __stscred_vals='json\ntext\ntable\nyaml\nyaml-stream'",
		"'--to') __stscred_t=1 __stscred_vals='keyring\nfile'",
		"'--from') __stscred_t=1 __stscred_files=1",
		"'--mfa-token') __stscred_t=1 ;;",
		"'exec:1'|'exec':*) __stscred_t=r",
		"'shell-init:0') __stscred_vals='bash\nzsh\nfish\npowershell'",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("the bash script lacks %q", want)
		}
	}
	for _, not := range []string{"'--hook'", "'completion'", "'--rc-file'", "'--install-block'", "'--profiles'", "'--shells'", "'--bin'"} {
		if strings.Contains(script, not) {
			t.Errorf("the bash script offers the hidden %s", not)
		}
	}
}

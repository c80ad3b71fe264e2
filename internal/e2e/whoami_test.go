//go:build linux && realworld

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
)

// outputCombos are the --query/--output pairs compared with the AWS CLI.
var outputCombos = []struct{ query, output string }{
	{"", ""},
	{"", "json"},
	{"", "text"},
	{"", "table"},
	{"", "yaml"},
	{"", "yaml-stream"},
	{"Account", "text"},
	{"Account", "json"},
	{"Account", "yaml"},
	{"Arn", "table"},
	{"UserId", "text"},
	{"[Account, Arn]", "text"},
	{"[Account, Arn]", "json"},
	{"[Account, Arn]", "table"},
	{"{Who: Arn, Acct: Account}", "json"},
	{"{Who: Arn, Acct: Account}", "text"},
	{"{Who: Arn, Acct: Account}", "table"},
	{"{Who: Arn, Acct: Account}", "yaml"},
	{"Nope", "json"},
	{"length(Arn)", "text"},
}

// fewCombos are enough where the credentials, not the formatting, vary.
var fewCombos = []struct{ query, output string }{
	{"", ""}, {"", "text"}, {"", "table"}, {"", "yaml"}, {"Account", "text"},
}

func outputArgs(query, output string) []string {
	var a []string
	if output != "" {
		a = append(a, "--output", output)
	}
	if query != "" {
		a = append(a, "--query", query)
	}
	return a
}

// sameAsCLI runs stscred whoami (whoamiArgs) and aws sts
// get-caller-identity (awsArgs) with each --query/--output combination and
// the same credentials, and requires the same bytes on stdout.
func sameAsCLI(t *testing.T, w *world, env []string, whoamiArgs, awsArgs []string, combos ...struct{ query, output string }) {
	t.Helper()
	if len(combos) == 0 {
		combos = outputCombos
	}
	for _, c := range combos {
		extra := outputArgs(c.query, c.output)
		s := w.stscredEnv(env, append(append([]string{"whoami"}, whoamiArgs...), extra...)...)
		a := w.aws(env, append(append([]string{"sts", "get-caller-identity"}, awsArgs...), extra...)...)
		if s.code != 0 || a.code != 0 {
			t.Fatalf("%v: stscred %s\naws %s", extra, s, a)
		}
		if s.stdout != a.stdout {
			t.Errorf("%v: stscred and aws differ\nstscred: %q\n    aws: %q", extra, s.stdout, a.stdout)
		}
		if s.stderr != "" {
			t.Errorf("%v: stscred wrote to stderr: %s", extra, s.stderr)
		}
	}
}

func identityOf(t *testing.T, res result) callerIdentity {
	t.Helper()
	if res.code != 0 {
		t.Fatalf("whoami: %s", res)
	}
	var id callerIdentity
	if err := json.Unmarshal([]byte(res.stdout), &id); err != nil {
		t.Fatalf("whoami output: %v: %q", err, res.stdout)
	}
	return id
}

// Through a role profile, and through the profile tools use (whose
// credential_process runs stscred role): the same identity, the same bytes
// as the AWS CLI prints for the same profile, whatever --output/--query.
func TestWhoamiRoleProfileMatchesAWSCLI(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	id := identityOf(t, w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "whoami", "prod-admin"))
	if id.Arn != "arn:aws:sts::222222222222:assumed-role/Admin/stscred-alice" || id.Account != "222222222222" || !strings.HasPrefix(id.UserID, "AROA") {
		t.Fatalf("identity %+v", id)
	}
	if k := lastRequestKey(w, "GetCallerIdentity"); k != roleSessionKey(w) {
		t.Fatalf("whoami signed with %q, the role session is %q", k, roleSessionKey(w))
	}
	gst, ar, _ := w.counts()
	// From here on everything is served from the cache: aws --profile prod
	// runs stscred role prod-admin, whoami prod resolves prod-admin itself.
	sameAsCLI(t, w, nil, []string{"prod"}, []string{"--profile", "prod"})
	sameAsCLI(t, w, nil, []string{"prod-admin"}, []string{"--profile", "prod"}, fewCombos...)
	if g, a, _ := w.counts(); g != gst || a != ar {
		t.Fatalf("cached credentials were fetched again: GetSessionToken %d->%d AssumeRole %d->%d", gst, g, ar, a)
	}
	// AWS_DEFAULT_OUTPUT and the profile's own output setting, as the CLI.
	for _, env := range [][]string{{"AWS_DEFAULT_OUTPUT=text"}, {"AWS_DEFAULT_OUTPUT=table"}} {
		s := w.stscredEnv(env, "whoami", "prod")
		a := w.aws(env, "sts", "get-caller-identity", "--profile", "prod")
		if s.code != 0 || s.stdout != a.stdout {
			t.Errorf("%v: stscred %q aws %q (%s)", env, s.stdout, a.stdout, s.stderr)
		}
	}
	w.writeConfig(w.standardConfig() + "output = yaml\n")
	if s, a := w.stscred("whoami", "prod"), w.aws(nil, "sts", "get-caller-identity", "--profile", "prod"); s.code != 0 || s.stdout != a.stdout || !strings.HasPrefix(s.stdout, "Account: '222222222222'\n") {
		t.Errorf("output = yaml in the profile: stscred %q aws %q (%s)", s.stdout, a.stdout, s.stderr)
	}

	// --verbose: where the credentials came from, for how long, with MFA.
	w.writeConfig(w.standardConfig())
	res := w.stscred("whoami", "prod", "--verbose")
	var v map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &v); err != nil || res.code != 0 {
		t.Fatalf("--verbose: %v %s", err, res)
	}
	if v["Profile"] != "prod" || v["Source"] != "cache" || v["MFAAuthenticated"] != true || v["Arn"] != id.Arn {
		t.Errorf("--verbose: %v", v)
	}
	if m, ok := v["MinutesLeft"].(float64); !ok || m < 55 || m > 60 {
		t.Errorf("MinutesLeft %v", v["MinutesLeft"])
	}
	if exp, err := time.Parse(time.RFC3339, v["Expiration"].(string)); err != nil || time.Until(exp) < 55*time.Minute {
		t.Errorf("Expiration %v (%v)", v["Expiration"], err)
	}
	res = w.stscred("whoami", "prod", "--verbose", "--query", "[Source, MFAAuthenticated]", "--output", "text")
	if res.stdout != "cache\tTrue\n" {
		t.Errorf("--verbose --query: %s", res)
	}
	res = w.stscred("whoami", "prod", "--verbose", "--output", "table")
	for _, want := range []string{"|  Source          |  cache ", "|  Profile         |  prod ", "|  MFAAuthenticated|  True "} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("--verbose table lacks %q:\n%s", want, res.stdout)
		}
	}
	w.assertNoSecretIn(res.stdout)
}

// With the credentials exported into the environment (as after
// eval "$(stscred export prod)"), whoami signs with them, as aws does.
func TestWhoamiEnvironmentMatchesAWSCLI(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	cr := w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
	env := append(exported(cr), "AWS_REGION=eu-west-1", "STSCRED_PROFILE=prod")
	sameAsCLI(t, w, env, nil, nil)
	if k := lastRequestKey(w, "GetCallerIdentity"); k != cr.AccessKeyID {
		t.Fatalf("signed with %q, exported %q", k, cr.AccessKeyID)
	}
	res := w.stscredEnv(env, "whoami", "-v", "--output", "json")
	var v map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &v); err != nil {
		t.Fatalf("%v: %s", err, res)
	}
	// The credentials stscred exported for prod say MFAAuthenticated as
	// whoami prod -v does (issue 25): prod-admin's session had MFA.
	if v["Source"] != "environment" || v["Profile"] != "prod" || v["MFAAuthenticated"] != true ||
		v["Expiration"] != cr.Expiration.UTC().Format(time.RFC3339) {
		t.Errorf("--verbose with exported credentials: %v", v)
	}

	// What `stscred export` prints, evaluated by a real shell.
	script := `eval "$(stscred export prod)" && stscred whoami --query Arn --output text && aws sts get-caller-identity --query Arn --output text --endpoint-url "$AWS_ENDPOINT_URL_STS"`
	res = w.run("", w.env("SHELL=/bin/bash"), "/bin/bash", "-c", strings.Replace(script, "aws ", awsCLI+" ", 1))
	want := "arn:aws:sts::222222222222:assumed-role/Admin/stscred-alice\n"
	if res.code != 0 || res.stdout != want+want {
		t.Errorf("after eval export: %s", res)
	}
}

func exported(c creds.Credentials) []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + c.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + c.SessionToken, "AWS_CREDENTIAL_EXPIRATION=" + c.Expiration.UTC().Format(time.RFC3339),
	}
}

// The IAM user's own profile gives its MFA session; a profile whose
// credential_process is some other program is run as the SDKs run it.
func TestWhoamiUserSessionAndForeignProcess(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	res := w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "whoami", "alice", "-v")
	var v map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &v); err != nil || res.code != 0 {
		t.Fatalf("%v: %s", err, res)
	}
	if v["Arn"] != "arn:aws:iam::111111111111:user/alice" || v["Source"] != "sts" || v["MFAAuthenticated"] != true || v["Profile"] != "alice" {
		t.Errorf("whoami alice: %v", v)
	}
	if k := lastRequestKey(w, "GetCallerIdentity"); !strings.HasPrefix(k, "ASIA") {
		t.Errorf("whoami alice signed with %q, want the session's ASIA key", k)
	}
	// The session's credentials in the environment: aws agrees.
	session := w.decode(w.stscred("session", "alice"))
	sameAsCLI(t, w, append(exported(session), "AWS_REGION=eu-west-1"), []string{"alice"}, nil, fewCombos...)

	// Some other credential_process: run through the shell, its JSON used.
	file := filepath.Join(w.tmp, "cr.json")
	b, _ := creds.EncodeProcess(session)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	w.writeConfig(w.standardConfig() + "\n[profile ext]\ncredential_process = cat " + file + "\nregion = eu-west-1\n")
	sameAsCLI(t, w, nil, []string{"ext"}, []string{"--profile", "ext"}, fewCombos...)
	res = w.stscred("whoami", "ext", "-v", "--query", "[Source, Profile]", "--output", "text")
	if res.stdout != "credential_process\text\n" {
		t.Errorf("foreign credential_process: %s", res)
	}
}

// No profile named: STSCRED_PROFILE, then AWS_PROFILE, as the AWS tools.
func TestWhoamiDefaultProfile(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	code := w.code()
	for _, env := range [][]string{{"AWS_PROFILE=prod"}, {"STSCRED_PROFILE=prod", "AWS_PROFILE=alice"}} {
		res := w.stscredEnv(append(env, "STSCRED_MFA_TOKEN="+code), "whoami", "--query", "Arn", "--output", "text")
		if res.code != 0 || res.stdout != "arn:aws:sts::222222222222:assumed-role/Admin/stscred-alice\n" {
			t.Errorf("%v: %s", env, res)
		}
	}
}

// Failures keep the contract: non-zero exit, nothing on stdout, an error
// and a hint on stderr, no secret.
func TestWhoamiFailures(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	cr := w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
	bogus := cr
	// A different first character: always a wrong secret (replacing it
	// with a fixed "x" gave back the real secret when it began with x).
	first := "x"
	if cr.SecretAccessKey[0] == 'x' {
		first = "y"
	}
	bogus.SecretAccessKey = first + cr.SecretAccessKey[1:]
	if bogus.SecretAccessKey == cr.SecretAccessKey {
		t.Fatal("the bogus secret is the real one")
	}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"unknown profile", nil, []string{"whoami", "nosuch"}, `profile "nosuch" not found`},
		{"no default profile", nil, []string{"whoami"}, "has no default profile"},
		{"bad query", nil, []string{"whoami", "prod", "--query", "Foo["}, `--query "Foo[" is not a valid JMESPath expression`},
		{"bad output", nil, []string{"whoami", "prod", "--output", "xml"}, `unknown output format "xml"`},
		{"half a key in the environment", []string{"AWS_ACCESS_KEY_ID=" + cr.AccessKeyID}, []string{"whoami"}, "AWS_SECRET_ACCESS_KEY is not set"},
		{"unknown key in the environment", exported(creds.Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN00", SecretAccessKey: "s"}), []string{"whoami"}, "STS does not accept the credentials in AWS_ACCESS_KEY_ID"},
		{"wrong secret in the environment", exported(bogus), []string{"whoami"}, "STS rejected the signature"},
		{"STS unreachable", append(exported(cr), "AWS_ENDPOINT_URL_STS=http://127.0.0.1:1"), []string{"whoami"}, "cannot reach STS at http://127.0.0.1:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.t = t
			res := w.stscredEnv(tc.env, tc.args...)
			w.assertCleanFailure(res, tc.want)
			if strings.Contains(res.stderr, bogus.SecretAccessKey) {
				t.Fatal("stderr shows the secret")
			}
		})
	}
	// The CLI fails too on a bad query: neither prints anything.
	if a := w.aws(nil, "sts", "get-caller-identity", "--profile", "prod", "--query", "Foo["); a.code == 0 || a.stdout != "" {
		t.Errorf("aws with a bad query: %s", a)
	}
}

// assertNoSecretIn fails if out holds any secret the world knows.
func (w *world) assertNoSecretIn(out string) {
	w.t.Helper()
	for _, s := range append(w.secrets(), w.mfa.Secret) {
		if s != "" && strings.Contains(out, s) {
			w.t.Fatalf("output holds a secret: %s", out)
		}
	}
}

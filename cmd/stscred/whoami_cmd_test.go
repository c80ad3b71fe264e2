package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/ops/whoami"
	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/keystore"
)

// live is an in-process Env (memory keystore, temp cache) talking to an
// STS test server.
type live struct {
	env            *fakeEnv
	stdout, stderr *bytes.Buffer
	srv            *ststest.Server
	url            string
	key            ststest.AccessKey
	mfa            ststest.MFADevice
	vars           map[string]string
}

const liveConfig = `[profile alice]
region = eu-west-1
mfa_serial = SERIAL

[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin

[profile prod]
credential_process = stscred role prod-admin
region = eu-west-1
`

func newLive(t *testing.T, opts ststest.Options, extraConfig string) *live {
	t.Helper()
	l := &live{srv: ststest.New(opts), vars: map[string]string{}}
	l.url = l.srv.Start()
	t.Cleanup(l.srv.Close)
	world := demo.Setup(l.srv, demo.Options{AdminMaxSession: time.Hour})
	l.key, l.mfa = world.Key, world.MFA
	l.env, l.stdout, l.stderr = testEnv(t, strings.Replace(liveConfig, "SERIAL", l.mfa.Serial, 1)+extraConfig)
	base := l.env.Getenv
	l.vars["AWS_ENDPOINT_URL_STS"] = l.url
	l.env.Getenv = func(k string) string {
		if v, ok := l.vars[k]; ok {
			return v
		}
		return base(k)
	}
	if err := keystore.PutKey(l.env.KeyStore, "alice", keystore.Key{AccessKeyID: l.key.ID, SecretAccessKey: l.key.Secret, Added: time.Now().Add(-3 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return l
}

func (l *live) run(args ...string) int {
	l.stdout.Reset()
	l.stderr.Reset()
	return runFake(args, l.env)
}

// code is an MFA code the server has not accepted yet, at once (the
// device's clock moves to its next code when needed).
func (l *live) code() string { return l.srv.FreshCode(l.mfa.Serial) }

func TestWhoamiInProcess(t *testing.T) {
	l := newLive(t, ststest.Options{}, "")
	if code := l.run("--mfa-token", l.code(), "whoami", "prod", "--query", "Arn", "--output", "text"); code != 0 {
		t.Fatalf("whoami prod: %d %s", code, l.stderr)
	}
	if l.stdout.String() != "arn:aws:sts::222222222222:assumed-role/Admin/stscred-alice\n" {
		t.Fatalf("stdout %q", l.stdout)
	}
	// Second call: from the cache, with the details.
	if code := l.run("whoami", "prod-admin", "-v"); code != 0 {
		t.Fatalf("whoami -v: %s", l.stderr)
	}
	var v map[string]any
	if err := json.Unmarshal(l.stdout.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if v["Source"] != "cache" || v["Profile"] != "prod-admin" || v["MFAAuthenticated"] != true || v["MinutesLeft"].(float64) < 58 {
		t.Errorf("--verbose: %v", v)
	}
	// json keeps the response's order, then the details.
	keys := []string{`"UserId"`, `"Account"`, `"Arn"`, `"Profile"`, `"Source"`, `"Expiration"`, `"MinutesLeft"`, `"MFAAuthenticated"`}
	last := -1
	for _, k := range keys {
		i := strings.Index(l.stdout.String(), k)
		if i < last {
			t.Errorf("%s out of order in %s", k, l.stdout)
		}
		last = i
	}
	if l.srv.Calls("GetSessionToken") != 1 || l.srv.Calls("AssumeRole") != 1 {
		t.Errorf("calls: %d GetSessionToken, %d AssumeRole", l.srv.Calls("GetSessionToken"), l.srv.Calls("AssumeRole"))
	}
}

func TestWhoamiEnvironmentInProcess(t *testing.T) {
	l := newLive(t, ststest.Options{}, "")
	exp := time.Now().Add(42*time.Minute + 30*time.Second).UTC().Truncate(time.Second)
	l.vars["AWS_ACCESS_KEY_ID"] = l.key.ID
	l.vars["AWS_SECRET_ACCESS_KEY"] = l.key.Secret
	l.vars["AWS_CREDENTIAL_EXPIRATION"] = exp.Format(time.RFC3339)
	l.vars["STSCRED_PROFILE"] = "alice"
	if code := l.run("whoami", "-v", "--query", "[Source, Profile, MinutesLeft, Expiration, MFAAuthenticated]", "--output", "text"); code != 0 {
		t.Fatalf("%s", l.stderr)
	}
	want := "environment\talice\t42\t" + exp.Format(time.RFC3339) + "\tNone\n"
	if l.stdout.String() != want {
		t.Errorf("got %q, want %q", l.stdout, want)
	}
	if strings.Contains(l.stdout.String()+l.stderr.String(), l.key.Secret) {
		t.Fatal("secret in output")
	}
}

// A refusal for clock skew says so, from the Date of the error response.
func TestWhoamiExplainsSkew(t *testing.T) {
	l := newLive(t, ststest.Options{}, "")
	l.env.Now = func() time.Time { return time.Now().Add(-20 * time.Minute) }
	wc := whoami.Creds{Source: "environment", Cr: creds.Credentials{AccessKeyID: l.key.ID}}
	err := whoami.Failed(&awsapi.APIError{Op: "GetCallerIdentity", Code: "SignatureDoesNotMatch", Message: "Signature expired", ServerTime: time.Now()}, wc, l.env.Now())
	var b bytes.Buffer
	printError(&b, err)
	if !strings.Contains(b.String(), "clock is 20m00s off STS's") {
		t.Errorf("%s", b.String())
	}
}

// Audit finding 5: a query the JMESPath library panics on is an error
// about the query, and stdout stays empty.
func TestWhoamiQueryLibraryPanic(t *testing.T) {
	l := newLive(t, ststest.Options{}, "")
	for _, q := range []string{"@()", "merge(Account)", "Account\u0080"} {
		code := l.run("--mfa-token", l.code(), "whoami", "prod", "--query", q)
		if code == 0 || l.stdout.Len() != 0 {
			t.Errorf("%s: exit %d, stdout %q", q, code, l.stdout)
		}
		if !strings.HasPrefix(l.stderr.String(), "stscred: error: --query") || !strings.Contains(l.stderr.String(), "stscred: hint: write it another way") {
			t.Errorf("%s: stderr %q", q, l.stderr)
		}
	}
}

// After `stscred use prod` (export's variables in the environment),
// whoami -v says what whoami prod -v says of MFA: the environment holds
// the credentials stscred's cache holds for prod. Keys stscred did not
// hand out stay unknown.
func TestWhoamiEnvironmentFromExportKnowsMFA(t *testing.T) {
	l := newLive(t, ststest.Options{}, "")
	mfaOf := func(args ...string) any {
		t.Helper()
		if code := l.run(append(args, "-v")...); code != 0 {
			t.Fatalf("%v: %s", args, l.stderr)
		}
		var v map[string]any
		if err := json.Unmarshal(l.stdout.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		return v["MFAAuthenticated"]
	}
	if code := l.run("--mfa-token", l.code(), "export", "--format", "json", "prod"); code != 0 {
		t.Fatalf("export: %s", l.stderr)
	}
	var exported map[string]string
	if err := json.Unmarshal(l.stdout.Bytes(), &exported); err != nil {
		t.Fatalf("export output %q: %v", l.stdout, err)
	}
	for k, v := range exported {
		l.vars[k] = v
	}
	if exported["STSCRED_PROFILE"] != "prod" || exported["AWS_ACCESS_KEY_ID"] == "" {
		t.Fatalf("export set %v", exported)
	}
	if got, want := mfaOf("whoami"), mfaOf("whoami", "prod"); got != true || want != true {
		t.Errorf("MFAAuthenticated: whoami -v says %v, whoami prod -v %v", got, want)
	}
	// The same profile named, other keys: not what stscred cached.
	l.vars["AWS_ACCESS_KEY_ID"], l.vars["AWS_SECRET_ACCESS_KEY"], l.vars["AWS_SESSION_TOKEN"] = l.key.ID, l.key.Secret, ""
	if got := mfaOf("whoami"); got != nil {
		t.Errorf("keys stscred did not hand out: MFAAuthenticated %v, want null", got)
	}
}

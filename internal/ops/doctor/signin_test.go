package doctor_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/ops/doctor"
)

const loginARN = "arn:aws:iam::111111111111:user/lina"

// loginConfig has lina, signed in with AWS Sign-In (login_session), a
// role whose source she is, and a tool profile for her own credentials.
const loginConfig = `[profile lina]
login_session = ` + loginARN + `
region = eu-west-1

[profile lina-admin]
source_profile = lina
role_arn = arn:aws:iam::222222222222:role/Admin

[profile lina-tools]
credential_process = stscred session lina
`

// A login profile: whether its session is signed in and until when, as
// LoginStatus says from the keystore (no network call), at the region and
// endpoint the profile names; the command that signs in when it is
// needed. A role whose source it is has a good chain.
func TestLoginProfile(t *testing.T) {
	const what = "profile lina: AWS Sign-In session of " + loginARN
	until := t0.Add(9*time.Hour + 30*time.Minute)
	at := until.Local().Format("15:04")
	for _, tc := range []struct {
		name   string
		status *signin.Status // nil: LoginStatus is nil
		err    error
		want   doctor.Status
		msg    string
		hint   string
	}{
		{"no status", nil, nil, doctor.Info, what + ", at eu-west-1", ""},
		{"signed in", &signin.Status{SignedIn: true, ARN: loginARN, Since: t0.Add(-150 * time.Minute), Ends: until, Region: "eu-west-1"}, nil, doctor.Pass,
			what + ": signed in until " + at + " (9h30m left), renewed at eu-west-1 without a browser until then", ""},
		{"ended", &signin.Status{ARN: loginARN, Ends: t0.Add(-time.Hour), Region: "eu-west-1"}, nil, doctor.Warn,
			what + ": the sign-in ended at " + t0.Add(-time.Hour).Local().Format("15:04"), "run: stscred login lina"},
		{"not signed in", &signin.Status{}, nil, doctor.Warn, what + ": not signed in", "run: stscred login lina"},
		{"elsewhere", &signin.Status{SignedIn: true, ARN: loginARN, Ends: until, Region: "us-east-1", Endpoint: "http://127.0.0.1:9"}, nil, doctor.Warn,
			what + ": signed in at us-east-1 (http://127.0.0.1:9), but the profile now signs in at eu-west-1, where the session cannot be renewed", "run: stscred login lina"},
		{"keystore error", nil, hint.With(errors.New("the keyring is locked"), "unlock it"), doctor.Fail, what + ": the keyring is locked", "unlock it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, loginConfig)
			if tc.status != nil {
				w.loginStatus = map[string]signin.Status{"lina": *tc.status}
			}
			w.loginErr = tc.err
			res := w.run("")
			c := one(t, res, doctor.IDLogin, "lina")
			if c.Status != tc.want || c.Message != tc.msg || !strings.Contains(c.Hint, tc.hint) {
				t.Errorf("got %s %q (hint %q)\nwant %s %q (hint %q)", c.Status, c.Message, c.Hint, tc.want, tc.msg, tc.hint)
			}
			want(t, one(t, res, doctor.IDSourceChain, "lina-admin"), doctor.Pass,
				"profile lina-admin assumes arn:aws:iam::222222222222:role/Admin (source chain lina-admin → lina, from the AWS Sign-In session of lina)", "")
			want(t, one(t, res, doctor.IDCredProcess, "lina-tools"), doctor.Pass, "profile lina-tools: credential_process runs stscred session lina", "")
			if len(of(res, doctor.IDKey, "*")) != 0 {
				t.Errorf("a login profile needs no stored key:\n%s", dump(res))
			}
		})
	}
}

// The session's region and endpoint are the environment's over the
// profile's, as the resolver takes them; a profile with no region at all
// fails (nothing can renew it), without asking the keystore.
func TestLoginProfileRegionAndEndpoint(t *testing.T) {
	w := newWorld(t, loginConfig)
	w.loginStatus = map[string]signin.Status{}
	w.settings.Region, w.settings.EndpointURLSignin = "eu-central-1", "http://127.0.0.1:9"
	want(t, one(t, w.run(""), doctor.IDLogin, "lina"), doctor.Warn, "not signed in", "")
	if len(w.loginAsked) != 1 || w.loginAsked[0].Region != "eu-central-1" || w.loginAsked[0].Endpoint != "http://127.0.0.1:9" || w.loginAsked[0].ARN != loginARN {
		t.Fatalf("asked about %+v", w.loginAsked)
	}

	w = newWorld(t, strings.Replace(loginConfig, "region = eu-west-1\n", "", 1))
	w.loginStatus = map[string]signin.Status{}
	want(t, one(t, w.run(""), doctor.IDLogin, "lina"), doctor.Fail, "profile lina: AWS Sign-In session of "+loginARN+": no region to sign in to",
		"add region to [profile lina] (or set AWS_REGION), then: stscred login lina")
	if len(w.loginAsked) != 0 {
		t.Errorf("the keystore was asked about a session that cannot renew: %+v", w.loginAsked)
	}
}

// The AWS CLI's plaintext sign-ins are counted (regular *.json files
// only; AWS_LOGIN_CACHE_DIRECTORY moves them), never read into a
// message: those a login_session profile is for are pointed at stscred
// import, the others named as nobody's.
func TestLoginPlaintextCache(t *testing.T) {
	const refresh = "aorAAAAAGPLAINTEXTREFRESHTOKEN"
	w := newWorld(t, loginConfig)
	if got := of(w.run(""), doctor.IDLogin, ""); len(got) != 0 {
		t.Errorf("no files, yet: %+v", got)
	}
	file := `{"refreshToken":"` + refresh + `","dpopKey":"-----BEGIN EC PRIVATE KEY-----"}`
	w.write(".aws/login/cache/"+signin.CLIFileName(loginARN), file)
	res := w.run("")
	want(t, one(t, res, doctor.IDLogin, ""), doctor.Warn,
		"~/.aws/login/cache holds 1 file of aws login sessions in plaintext (a refresh token and the proof key it is bound to)",
		"move it into the keystore: stscred import (the proof key goes along")
	noSecret(t, res, refresh)

	w.write(".aws/login/cache/"+signin.CLIFileName("arn:aws:iam::111111111111:user/nobody"), file)
	w.write(".aws/login/cache/notes.txt", "x")
	if err := os.Mkdir(filepath.Join(w.home, ".aws/login/cache/dir.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(w.home, ".aws/login/cache", signin.CLIFileName(loginARN)), filepath.Join(w.home, ".aws/login/cache/link.json")); err != nil {
		t.Fatal(err)
	}
	res = w.run("")
	c := one(t, res, doctor.IDLogin, "")
	want(t, c, doctor.Warn, "holds 2 files of aws login sessions", "move the one a login_session profile of the config is for into the keystore: stscred import")
	want(t, c, doctor.Warn, "", "1 is for no login_session profile of the config (stscred import names whose): add login_session to a profile and run stscred import, or remove it (aws logout, or rm)")
	noSecret(t, res, refresh)

	// AWS_LOGIN_CACHE_DIRECTORY is where the AWS CLI keeps them then.
	dir := t.TempDir()
	w.vars["AWS_LOGIN_CACHE_DIRECTORY"] = dir
	if got := of(w.run(""), doctor.IDLogin, ""); len(got) != 0 {
		t.Errorf("an empty AWS_LOGIN_CACHE_DIRECTORY: %+v", got)
	}
	if err := os.WriteFile(filepath.Join(dir, signin.CLIFileName(loginARN)), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, one(t, w.run(""), doctor.IDLogin, ""), doctor.Warn, dir+" holds 1 file of aws login sessions", "stscred import")
}

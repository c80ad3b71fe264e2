package app_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

const prodARN = "arn:aws:sts::222222222222:assumed-role/Admin/stscred-alice"

// whoami prints GetCallerIdentity's answer as `aws sts
// get-caller-identity` does: JSON indented by four spaces in the
// response's order; text and YAML sorted by key; --query.
func TestWhoamiPrintsAsTheAWSCLI(t *testing.T) {
	l := newLive(t, "")
	l.p.Flags.MFAToken = l.code()
	if err := app.Whoami(l.p, l.services(), app.WhoamiRequest{Profile: "prod"}); err != nil {
		t.Fatalf("whoami: %v\n%s", err, l.stderr)
	}
	l.p.Flags.MFAToken = ""
	var id struct{ UserId, Account, Arn string }
	if err := json.Unmarshal([]byte(l.stdout.String()), &id); err != nil {
		t.Fatal(err)
	}
	if id.Account != "222222222222" || id.Arn != prodARN || !strings.HasSuffix(id.UserId, ":stscred-alice") {
		t.Errorf("identity %+v", id)
	}
	want := "{\n    \"UserId\": \"" + id.UserId + "\",\n    \"Account\": \"222222222222\",\n    \"Arn\": \"" + prodARN + "\"\n}\n"
	if l.stdout.String() != want {
		t.Errorf("got\n%s\nwant\n%s", l.stdout, want)
	}

	for _, tc := range []struct {
		req  app.WhoamiRequest
		env  string // AWS_DEFAULT_OUTPUT
		want string
	}{
		{app.WhoamiRequest{Profile: "prod", Output: "text"}, "", "222222222222\t" + prodARN + "\t" + id.UserId + "\n"},
		{app.WhoamiRequest{Profile: "prod"}, "text", "222222222222\t" + prodARN + "\t" + id.UserId + "\n"},
		{app.WhoamiRequest{Profile: "prod", Output: "json"}, "text", want},
		{app.WhoamiRequest{Profile: "prod-admin", Query: "Arn", Output: "text"}, "", prodARN + "\n"},
		{app.WhoamiRequest{Profile: "prod", Query: "Account"}, "", "\"222222222222\"\n"},
		{app.WhoamiRequest{Profile: "prod", Output: "yaml"}, "", "Account: '222222222222'\nArn: " + prodARN + "\nUserId: " + id.UserId + "\n"},
	} {
		l.reset()
		l.vars["AWS_DEFAULT_OUTPUT"] = tc.env
		if err := app.Whoami(l.p, l.services(), tc.req); err != nil {
			t.Errorf("%+v: %v", tc.req, err)
			continue
		}
		if l.stdout.String() != tc.want {
			t.Errorf("%+v (AWS_DEFAULT_OUTPUT %q):\ngot  %q\nwant %q", tc.req, tc.env, l.stdout, tc.want)
		}
	}
	l.vars["AWS_DEFAULT_OUTPUT"] = ""

	// --verbose: the details after the answer, from the cache.
	l.reset()
	if err := app.Whoami(l.p, l.services(), app.WhoamiRequest{Profile: "prod", Verbose: true}); err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(l.stdout.String()), &v); err != nil {
		t.Fatal(err)
	}
	if v["Source"] != "cache" || v["MFAAuthenticated"] != true || v["Arn"] != prodARN {
		t.Errorf("--verbose: %v", v)
	}
	if l.srv.Calls("AssumeRole") != 1 || l.srv.Calls("GetSessionToken") != 1 {
		t.Errorf("fetched again: %d AssumeRole, %d GetSessionToken", l.srv.Calls("AssumeRole"), l.srv.Calls("GetSessionToken"))
	}
	l.noSecret(l.key.Secret)
}

// The profile's output setting is used when neither the flag nor the
// environment names one; AWS_DEFAULT_OUTPUT comes before it, as in the
// AWS CLI.
func TestWhoamiProfileOutput(t *testing.T) {
	l := newLive(t, "[profile textual]\nsource_profile = alice\nrole_arn = arn:aws:iam::222222222222:role/Admin\noutput = text\n")
	l.p.Flags.MFAToken = l.code()
	if err := app.Whoami(l.p, l.services(), app.WhoamiRequest{Profile: "textual", Query: "Account"}); err != nil {
		t.Fatal(err)
	}
	if l.stdout.String() != "222222222222\n" {
		t.Errorf("stdout %q", l.stdout)
	}
	l.reset()
	l.vars["AWS_DEFAULT_OUTPUT"] = "json"
	if err := app.Whoami(l.p, l.services(), app.WhoamiRequest{Profile: "textual", Query: "Account"}); err != nil {
		t.Fatal(err)
	}
	if l.stdout.String() != "\"222222222222\"\n" {
		t.Errorf("with AWS_DEFAULT_OUTPUT=json: stdout %q", l.stdout)
	}
}

// A bad --output or --query is refused before anything can prompt or
// call STS.
func TestWhoamiBadOutputFirst(t *testing.T) {
	l := newLive(t, "")
	for _, req := range []app.WhoamiRequest{
		{Profile: "prod", Output: "xml"},
		{Profile: "prod", Query: "Arn[[["},
	} {
		if err := app.Whoami(l.p, l.services(), req); err == nil {
			t.Errorf("%+v: no error", req)
		}
	}
	if l.srv.Calls(ststest.AnyAction) != 0 || l.stdout.String() != "" {
		t.Errorf("%d STS calls, stdout %q", l.srv.Calls(ststest.AnyAction), l.stdout)
	}
}

// The credentials of the environment, and STS's refusal of a wrong
// secret explained without the secret.
func TestWhoamiEnvironment(t *testing.T) {
	l := newLive(t, "")
	l.vars["AWS_ACCESS_KEY_ID"] = l.key.ID
	l.vars["AWS_SECRET_ACCESS_KEY"] = l.key.Secret
	if err := app.Whoami(l.p, l.services(), app.WhoamiRequest{Query: "Arn", Output: "text"}); err != nil {
		t.Fatal(err)
	}
	if l.stdout.String() != "arn:aws:iam::111111111111:user/alice\n" {
		t.Errorf("stdout %q", l.stdout)
	}

	l.reset()
	wrong := strings.Repeat("W", 40)
	l.vars["AWS_SECRET_ACCESS_KEY"] = wrong
	err := app.Whoami(l.p, l.services(), app.WhoamiRequest{})
	if err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID (AKIA…") {
		t.Fatalf("a wrong secret: %v", err)
	}
	if h := strings.Join(hint.Of(err), "\n"); !regexp.MustCompile(`stscred export PROFILE`).MatchString(h) {
		t.Errorf("hints %q", h)
	}
	if strings.Contains(err.Error(), wrong) || l.stdout.String() != "" {
		t.Errorf("error %q, stdout %q", err, l.stdout)
	}

	// Half a key is a mistake said at once.
	l.vars["AWS_SECRET_ACCESS_KEY"] = ""
	calls := l.srv.Calls(ststest.AnyAction)
	if err := app.Whoami(l.p, l.services(), app.WhoamiRequest{}); err == nil || !strings.Contains(err.Error(), "AWS_SECRET_ACCESS_KEY is not set") || l.srv.Calls(ststest.AnyAction) != calls {
		t.Errorf("half a key: %v", err)
	}
}

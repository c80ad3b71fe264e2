package profile

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
)

// parse is a stand-in for cmd/stscred's kong parser: `role NAME`,
// `session NAME [--duration D]`, and anything else as an error.
func parse(args []string) Call {
	switch {
	case len(args) >= 2 && args[0] == "role":
		return Call{Request: Request{Command: "role", Profile: args[1]}}
	case len(args) >= 2 && args[0] == "session":
		c := Call{Request: Request{Command: "session", Profile: args[1]}}
		if len(args) == 4 && args[2] == "--duration" {
			c.Duration, _ = time.ParseDuration(args[3])
		}
		return c
	case len(args) == 2 && args[0] == "export":
		return Call{Request: Request{Command: "export", Profile: args[1]}}
	}
	return Call{Err: errors.New("unexpected argument")}
}

const config = `
[profile alice]
mfa_serial = arn:aws:iam::111111111111:mfa/alice
[profile imported]
credential_process = stscred session imported --duration 1h
[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin
[profile prod]
credential_process = /home/u/.local/bin/stscred role prod-admin
[profile other]
credential_process = aws-vault export other --format=json
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
[profile sso]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev
[profile weird]
credential_process = stscred frobnicate
`

func model(t *testing.T) *Model {
	t.Helper()
	f, err := awsconfig.Parse("config", []byte(config))
	if err != nil {
		t.Fatal(err)
	}
	return &Model{File: f, Parse: parse}
}

func TestKinds(t *testing.T) {
	m := model(t)
	for name, want := range map[string]Kind{
		"alice": KeyHolder, "imported": KeyHolder, "prod-admin": Role, "prod": Tool,
		"other": Foreign, "sso": SSO, "weird": Tool,
	} {
		p, err := m.Get(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Kind != want {
			t.Errorf("%s: %s, want %s", name, p.Kind, want)
		}
	}
	if got := strings.Join(m.Names(KeyHolder), ","); got != "alice,imported" {
		t.Errorf("key holders: %s", got)
	}
	if got := strings.Join(m.Names(Role, SSO), ","); got != "prod-admin,sso" {
		t.Errorf("roles: %s", got)
	}
}

func TestResolve(t *testing.T) {
	m := model(t)
	for _, tc := range []struct {
		req  Request
		want string // "" when it resolves
	}{
		{Request{Command: "role", Profile: "prod-admin"}, ""},
		{Request{Command: "role", Profile: "alice"}, "has no role_arn"},
		{Request{Command: "role", Profile: "prod"}, "it is a profile tools use (its credential_process runs stscred)"},
		{Request{Command: "role", RoleARN: "arn:aws:iam::222222222222:role/X", Source: "alice"}, ""},
		{Request{Command: "role", RoleARN: "arn:aws:iam::222222222222:role/X"}, "needs --source"},
		{Request{Command: "role", RoleARN: "nope", Source: "alice"}, "is not a role ARN"},
		{Request{Command: "role", RoleARN: "arn:aws:iam::222222222222:role/X", Source: "other"}, "gets its credentials from credential_process"},
		{Request{Command: "role", Profile: "prod-admin", SessionName: "a b"}, "is not one STS takes"},
		{Request{Command: "role", Profile: "prod-admin", Duration: 13 * time.Hour}, "outside what AssumeRole allows"},
		{Request{Command: "session", Profile: "alice"}, ""},
		{Request{Command: "session", Profile: "imported"}, ""},
		{Request{Command: "session", Profile: "prod-admin"}, "is a role"},
		{Request{Command: "session", Profile: "alice", Duration: 10 * time.Minute}, "outside what GetSessionToken allows"},
		{Request{Command: "export", Profile: "prod"}, "prints shell variables"},
		{Request{Command: "frobnicate"}, "not a stscred command that prints credentials"},
	} {
		_, err := m.Resolve(tc.req)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v", tc.req, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: %v, want %q", tc.req, err, tc.want)
		case err != nil && len(hint.Of(err)) == 0:
			t.Errorf("%+v: no hint: %v", tc.req, err)
		}
	}
	// A tool profile's call resolves through the same Resolve.
	p, _ := m.Get("prod")
	if target, err := m.ToolTarget(p); err != nil || target.Profile.Name != "prod-admin" {
		t.Fatalf("prod: %+v %v", target, err)
	}
	p, _ = m.Get("weird")
	if _, err := m.ToolTarget(p); err == nil || !strings.Contains(err.Error(), "do not parse") {
		t.Fatalf("weird: %v", err)
	}
}

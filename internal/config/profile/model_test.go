package profile

import (
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/credline"
)

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
	return &Model{File: f}
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
		req  credline.Request
		want string // "" when it resolves
	}{
		{credline.Request{Command: "role", Profile: "prod-admin"}, ""},
		{credline.Request{Command: "role", Profile: "alice"}, "has no role_arn"},
		{credline.Request{Command: "role", Profile: "prod"}, "it is a profile tools use (its credential_process runs stscred)"},
		{credline.Request{Command: "role", RoleARN: "arn:aws:iam::222222222222:role/X", Source: "alice"}, ""},
		{credline.Request{Command: "role", RoleARN: "arn:aws:iam::222222222222:role/X"}, "needs --source"},
		{credline.Request{Command: "role", RoleARN: "nope", Source: "alice"}, "is not a role ARN"},
		{credline.Request{Command: "role", RoleARN: "arn:aws:iam::222222222222:role/X", Source: "other"}, "gets its credentials from credential_process"},
		{credline.Request{Command: "role", Profile: "prod-admin", SessionName: "a b"}, "is not one STS takes"},
		{credline.Request{Command: "role", Profile: "prod-admin", Duration: 13 * time.Hour}, "outside what AssumeRole allows"},
		{credline.Request{Command: "session", Profile: "alice"}, ""},
		{credline.Request{Command: "session", Profile: "imported"}, ""},
		{credline.Request{Command: "session", Profile: "prod-admin"}, "is a role"},
		{credline.Request{Command: "session", Profile: "alice", Duration: 10 * time.Minute}, "outside what GetSessionToken allows"},
		{credline.Request{Command: "export", Profile: "prod"}, "prints shell variables"},
		{credline.Request{Command: "frobnicate"}, "not a stscred command that prints credentials"},
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

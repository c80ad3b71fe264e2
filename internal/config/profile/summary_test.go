package profile

import (
	"testing"

	"github.com/stscred/stscred/internal/config/awsconfig"
)

func TestSummarize(t *testing.T) {
	f, err := awsconfig.Parse("config", []byte(config+`
[profile team-admin]
source_profile = alice
role_arn = arn:aws:iam::333333333333:role/team/Admin
[profile prod-session]
credential_process = stscred session alice
[profile web]
role_arn = arn:aws:iam::444444444444:role/CI
web_identity_token_file = /tmp/token
[profile dev-login]
login_session = arn:aws:iam::555555555555:user/dev
region = eu-west-1
[profile nomfa]
region = eu-west-1
[profile broken]
source_profile = nowhere
role_arn = arn:aws:iam::222222222222:role/X
`))
	if err != nil {
		t.Fatal(err)
	}
	m := &Model{File: f}
	for name, want := range map[string]Summary{
		"alice":        {Kind: KeyHolder, Account: "111111111111", Session: "session", Target: "alice"},
		"imported":     {Kind: KeyHolder, Session: "session", Target: "imported"},
		"nomfa":        {Kind: KeyHolder, Session: "session", Target: "nomfa"},
		"prod-admin":   {Kind: Role, Account: "222222222222", Role: "Admin", Target: "prod-admin"},
		"team-admin":   {Kind: Role, Account: "333333333333", Role: "Admin", Target: "team-admin"},
		"prod":         {Kind: Tool, Account: "222222222222", Role: "Admin", Target: "prod-admin"},
		"prod-session": {Kind: Tool, Account: "111111111111", Session: "session", Target: "alice"},
		"other":        {Kind: Foreign, Target: "other"},
		"sso":          {Kind: SSO, Account: "111111111111", Role: "Dev", Target: "sso"},
		"web":          {Kind: WebIdentity, Account: "444444444444", Role: "CI", Target: "web"},
		"dev-login":    {Kind: Login, Account: "555555555555", Session: "login", Target: "dev-login"},
		"weird":        {Kind: Tool, Target: "weird"},
		"broken":       {Kind: Invalid, Target: "broken"},
		"missing":      {Kind: Invalid, Target: "missing"},
	} {
		if got := m.Summarize(name); got != want {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
	}
}

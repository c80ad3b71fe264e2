package awsconfig

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const ssoConfig = `
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access, sso:other

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Developer
region = us-east-2

[profile dev-admin]
role_arn = arn:aws:iam::111111111111:role/Admin
source_profile = dev

[profile legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = us-west-2
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile shared]
sso_session = corp
[profile included]
include_profile = shared
sso_account_id = 333333333333
sso_role_name = Ops

[profile repeats]
sso_session = corp
sso_start_url = https://corp.awsapps.com/start/
sso_region = eu-west-1
sso_account_id = 111111111111
sso_role_name = Developer

[profile typo]
sso_session = crop
[profile mismatch]
sso_session = corp
sso_region = us-east-1
[profile noregion]
sso_start_url = https://old.awsapps.com/start
sso_account_id = 1
[sso-session broken]
sso_region = eu-west-1
[profile usesbroken]
sso_session = broken
`

func TestSSOProfiles(t *testing.T) {
	f := mustParse(t, ssoConfig)
	corp := SSO{Session: "corp", StartURL: "https://corp.awsapps.com/start", Region: "eu-west-1", Scopes: []string{"sso:account:access", "sso:other"}}
	for name, want := range map[string]SSO{
		"dev":      withRole(corp, "111111111111", "Developer"),
		"legacy":   {StartURL: "https://old.awsapps.com/start", Region: "us-west-2", AccountID: "222222222222", RoleName: "ReadOnly"},
		"included": withRole(corp, "333333333333", "Ops"),
		"repeats":  withRole(corp, "111111111111", "Developer"),
		"shared":   corp,
	} {
		p, err := f.Resolve(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.SSO == nil || !reflect.DeepEqual(*p.SSO, want) {
			t.Errorf("%s: SSO = %+v, want %+v", name, p.SSO, want)
		}
		if !p.IsSSO() {
			t.Errorf("%s: not IsSSO", name)
		}
	}
	dev, _ := f.Resolve("dev")
	if dev.Region != "us-east-2" {
		t.Errorf("dev region = %q: sso_region must not replace the profile's region", dev.Region)
	}
	admin, err := f.Resolve("dev-admin")
	if err != nil {
		t.Fatal(err)
	}
	if admin.IsSSO() || admin.SSO != nil || admin.Source == nil || !admin.Source.IsSSO() {
		t.Errorf("dev-admin: a role from an SSO source; got IsSSO=%v source=%+v", admin.IsSSO(), admin.Source)
	}
	if got := f.SSOSessionNames(); !reflect.DeepEqual(got, []string{"corp", "broken"}) {
		t.Errorf("SSOSessionNames = %v", got)
	}
	s, err := f.SSOSession("corp")
	if err != nil || s.StartURL != corp.StartURL {
		t.Errorf("SSOSession(corp) = %+v, %v", s, err)
	}
}

func withRole(s SSO, account, role string) SSO {
	s.AccountID, s.RoleName = account, role
	return s
}

func TestSSOProfileErrors(t *testing.T) {
	f := mustParse(t, ssoConfig)
	for name, want := range map[string]struct{ msg, hint string }{
		"typo":       {`has sso_session = "crop" (line 38), but /home/u/.aws/config has no [sso-session crop]`, "did you mean corp?"},
		"mismatch":   {"differs from the sso_region of [sso-session corp]", "fix sso_region on line 41"},
		"noregion":   {"needs sso_session (or sso_region)", "add sso_session = <name>"},
		"usesbroken": {"[sso-session broken] has no sso_start_url", "add sso_start_url to [sso-session broken]"},
	} {
		_, err := f.Resolve(name)
		if err == nil {
			t.Errorf("%s: resolved", name)
			continue
		}
		if !strings.Contains(err.Error(), want.msg) {
			t.Errorf("%s: error %q, want it to contain %q", name, err, want.msg)
		}
		if !hintsContain(err, want.hint) {
			t.Errorf("%s: hints %q, want one containing %q", name, hintsOf(err), want.hint)
		}
	}
	if _, err := f.SSOSession("nope"); err == nil || !errors.Is(err, ErrBadReference) || !hintsContain(err, "the sessions there are: corp, broken") {
		t.Errorf("SSOSession(nope) = %v (hints %q)", err, hintsOf(err))
	}
}

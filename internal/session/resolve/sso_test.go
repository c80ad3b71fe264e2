package resolve

import (
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
)

const ssoConfig = `
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Developer
[profile dev-admin]
role_arn = arn:aws:iam::111111111111:role/Admin
source_profile = dev
[profile legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = us-west-2
sso_account_id = 222222222222
sso_role_name = ReadOnly
[profile alice]
mfa_serial = arn:aws:iam::111111111111:mfa/alice
`

func TestSSOSessionNamed(t *testing.T) {
	f, err := awsconfig.Parse("config", []byte(ssoConfig))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"corp": "corp", "dev": "corp", "dev-admin": "corp", "": "corp",
		"legacy": "https://old.awsapps.com/start", "https://old.awsapps.com/start/": "https://old.awsapps.com/start",
	} {
		s, err := SSOSessionNamed(f, name)
		if err != nil {
			t.Errorf("%q: %v", name, err)
			continue
		}
		if s.Label() != want {
			t.Errorf("%q: session %s, want %s", name, s.Label(), want)
		}
	}
	corp, _ := SSOSessionNamed(f, "corp")
	if corp.Region != "eu-west-1" || corp.StartURL != "https://corp.awsapps.com/start" || len(corp.Scopes) != 1 {
		t.Errorf("corp = %+v", corp)
	}
	for name, want := range map[string]string{
		"alice":                             "does not sign in through IAM Identity Center",
		"crop":                              "has no [sso-session crop]",
		"https://nowhere.awsapps.com/start": "no profile of config signs in at",
	} {
		_, err := SSOSessionNamed(f, name)
		if err == nil || !strings.Contains(err.Error(), want) || len(hint.Of(err)) == 0 {
			t.Errorf("%q: error %v (hints %q), want %q and a hint", name, err, hint.Of(err), want)
		}
	}
	two, _ := awsconfig.Parse("config", []byte(ssoConfig+"[sso-session other]\nsso_start_url = https://o.awsapps.com/start\nsso_region = eu-west-1\n"))
	if _, err := SSOSessionNamed(two, ""); err == nil || !strings.Contains(strings.Join(hint.Of(err), " "), "corp, other") {
		t.Errorf("two sessions, none named: %v (hints %q)", err, hint.Of(err))
	}
}

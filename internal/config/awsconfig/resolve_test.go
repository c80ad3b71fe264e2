package awsconfig

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// designExample is the config of DESIGN.md section 1.
const designExample = `# ~/.aws/config
[profile alice]                      # the IAM user: key lives in the OS keyring (stscred add alice)
region     = eu-west-1
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile prod-admin]                 # a role, in the standard keys aws-vault users already have
source_profile = alice
role_arn       = arn:aws:iam::222222222222:role/Admin
duration_seconds = 3600

[profile prod]                       # what tools use
credential_process = stscred role prod-admin
region = eu-west-1
`

func TestDesignExample(t *testing.T) {
	f := mustParse(t, designExample)
	if got := f.ProfileNames(); !reflect.DeepEqual(got, []string{"alice", "prod-admin", "prod"}) {
		t.Fatalf("ProfileNames = %q", got)
	}

	admin, err := f.Resolve("prod-admin")
	if err != nil {
		t.Fatal(err)
	}
	if !admin.IsRole() || admin.RoleARN != "arn:aws:iam::222222222222:role/Admin" || admin.SourceProfile != "alice" {
		t.Errorf("prod-admin role = %+v", admin)
	}
	if admin.DurationSeconds != 3600 || admin.Line != 6 {
		t.Errorf("DurationSeconds = %d, Line = %d", admin.DurationSeconds, admin.Line)
	}
	if admin.Region != "eu-west-1" || admin.MFASerial != "arn:aws:iam::111111111111:mfa/alice" {
		t.Errorf("inherited Region %q MFASerial %q", admin.Region, admin.MFASerial)
	}
	if admin.Source == nil || admin.Source.Name != "alice" || admin.Root() != admin.Source {
		t.Fatalf("Source = %+v", admin.Source)
	}
	if got := names(admin.Chain()); !reflect.DeepEqual(got, []string{"prod-admin", "alice"}) {
		t.Errorf("Chain = %q", got)
	}
	if admin.HasRoleAndProcess() || admin.CredentialProcess != "" {
		t.Error("prod-admin has no credential_process")
	}

	alice := admin.Source
	if alice.IsRole() || alice.Source != nil || alice.Line != 2 || alice.Root() != alice {
		t.Errorf("alice = %+v", alice)
	}

	prod, err := f.Resolve("prod")
	if err != nil {
		t.Fatal(err)
	}
	if prod.CredentialProcess != "stscred role prod-admin" || prod.IsRole() || prod.Source != nil || prod.HasRoleAndProcess() {
		t.Errorf("prod = %+v", prod)
	}
	if got := names(prod.Chain()); !reflect.DeepEqual(got, []string{"prod"}) {
		t.Errorf("Chain = %q", got)
	}
}

func TestRoleChaining(t *testing.T) {
	text := `[profile user]
region = us-east-1
mfa_serial = arn:aws:iam::1:mfa/user
mfa_process = ykman oath accounts code -s aws
sts_regional_endpoints = regional
endpoint_url = https://sts.user.example

[profile hop]
source_profile = user
role_arn = arn:aws:iam::2:role/hop
region = eu-central-1

[profile target]
source_profile = hop
role_arn = arn:aws:iam::3:role/target
external_id = ext
role_session_name = me
source_identity = alice
session_tags = team = blue , env=prod
transitive_session_tags = team, env
`
	p := mustResolve(t, text, "target")
	if got := names(p.Chain()); !reflect.DeepEqual(got, []string{"target", "hop", "user"}) {
		t.Fatalf("Chain = %q", got)
	}
	if p.Root().Name != "user" || !p.Source.IsRole() {
		t.Errorf("Root = %q, hop IsRole = %v", p.Root().Name, p.Source.IsRole())
	}
	if p.Region != "eu-central-1" {
		t.Errorf("Region = %q, want the nearest in the chain (hop's)", p.Region)
	}
	if p.MFASerial != "arn:aws:iam::1:mfa/user" || p.MFAProcess != "ykman oath accounts code -s aws" ||
		p.STSRegionalEndpoints != "regional" || p.EndpointURL != "https://sts.user.example" {
		t.Errorf("inherited from the root: %+v", p)
	}
	if p.ExternalID != "ext" || p.RoleSessionName != "me" || p.SourceIdentity != "alice" {
		t.Errorf("role parameters: %+v", p)
	}
	if want := map[string]string{"team": "blue", "env": "prod"}; !reflect.DeepEqual(p.SessionTags, want) {
		t.Errorf("SessionTags = %q", p.SessionTags)
	}
	if want := []string{"team", "env"}; !reflect.DeepEqual(p.TransitiveSessionTags, want) {
		t.Errorf("TransitiveSessionTags = %q", p.TransitiveSessionTags)
	}
	if p.Source.ExternalID != "" || p.Source.SessionTags != nil {
		t.Error("role parameters are not inherited")
	}
}

func TestMFASerialInheritance(t *testing.T) {
	text := `[profile root]
mfa_serial = root-mfa
[profile mid]
role_arn = arn:aws:iam::1:role/mid
source_profile = root
mfa_serial = mid-mfa
[profile leaf]
role_arn = arn:aws:iam::1:role/leaf
source_profile = mid
[profile own]
role_arn = arn:aws:iam::1:role/own
source_profile = mid
mfa_serial = own-mfa
[profile shared]
mfa_serial = shared-mfa
region = shared-region
[profile included]
include_profile = shared
role_arn = arn:aws:iam::1:role/inc
source_profile = mid
[profile plain-role]
role_arn = arn:aws:iam::1:role/plain
source_profile = root
`
	f := mustParse(t, text)
	for name, want := range map[string]string{
		"leaf":       "mid-mfa",    // first found walking toward the root
		"own":        "own-mfa",    // own wins
		"included":   "shared-mfa", // include_profile beats the source chain
		"plain-role": "root-mfa",
		"root":       "root-mfa",
	} {
		p, err := f.Resolve(name)
		if err != nil {
			t.Fatal(err)
		}
		if p.MFASerial != want {
			t.Errorf("%s: MFASerial = %q, want %q", name, p.MFASerial, want)
		}
	}
}

func TestSelfReferencingSourceProfile(t *testing.T) {
	text := `[profile self]
role_arn = arn:aws:iam::1:role/self
source_profile = self
mfa_serial = arn:aws:iam::1:mfa/u
region = eu-west-1
duration_seconds = 900
external_id = x
session_tags = a=b
`
	p := mustResolve(t, text, "self")
	if !p.IsRole() || p.DurationSeconds != 900 || p.ExternalID != "x" {
		t.Errorf("profile = %+v", p)
	}
	s := p.Source
	if s == nil || s == p || s.Name != "self" || s.Source != nil || p.Root() != s {
		t.Fatalf("Source = %+v", s)
	}
	if s.IsRole() || s.SourceProfile != "" || s.DurationSeconds != 0 || s.ExternalID != "" || s.SessionTags != nil {
		t.Errorf("root copy keeps role fields: %+v", s)
	}
	if s.MFASerial != "arn:aws:iam::1:mfa/u" || s.Region != "eu-west-1" || s.Line != 1 {
		t.Errorf("root copy lost its own fields: %+v", s)
	}
	if _, ok := s.Keys["role_arn"]; ok {
		t.Error("root copy Keys has role_arn")
	}
	if p.Keys["role_arn"] == "" {
		t.Error("copying must not change the role's Keys")
	}
	if got := names(p.Chain()); !reflect.DeepEqual(got, []string{"self", "self"}) {
		t.Errorf("Chain = %q", got)
	}
}

func TestSourceProfileWithoutRoleIsRoot(t *testing.T) {
	p := mustResolve(t, "[profile a]\nsource_profile = nowhere\nregion = r\n", "a")
	if p.Source != nil || p.SourceProfile != "nowhere" {
		t.Errorf("a profile without role_arn is a root: %+v", p)
	}
}

func TestIncludeProfile(t *testing.T) {
	text := `[profile base]
region = base-region
mfa_serial = base-mfa
role_session_name = base-session
credential_process = never-inherited
duration_seconds = 1200
sts_regional_endpoints = legacy

[profile mid]
include_profile = base
region = mid-region
external_id = mid-ext

[profile child]
include_profile = mid
region =
role_arn = arn:aws:iam::1:role/child
source_profile = user

[profile user]
`
	f := mustParse(t, text)
	p, err := f.Resolve("child")
	if err != nil {
		t.Fatal(err)
	}
	if p.Region != "mid-region" {
		t.Errorf("Region = %q: an empty own value must not hide the included one", p.Region)
	}
	if p.MFASerial != "base-mfa" || p.RoleSessionName != "base-session" || p.ExternalID != "mid-ext" ||
		p.DurationSeconds != 1200 || p.STSRegionalEndpoints != "legacy" {
		t.Errorf("included keys: %+v", p)
	}
	if p.CredentialProcess != "" {
		t.Errorf("credential_process is own only, got %q", p.CredentialProcess)
	}
	if p.Keys["include_profile"] != "mid" || p.Keys["mfa_serial"] != "base-mfa" || p.Keys["region"] != "mid-region" {
		t.Errorf("Keys after merge = %q", p.Keys)
	}
	if p.IncludeProfile != "mid" || p.Source.Name != "user" {
		t.Errorf("IncludeProfile = %q, Source = %q", p.IncludeProfile, p.Source.Name)
	}

	mid, err := f.Resolve("mid")
	if err != nil {
		t.Fatal(err)
	}
	if mid.Region != "mid-region" {
		t.Errorf("own keys win: Region = %q", mid.Region)
	}
}

func TestIncludedInvalidValueNamesItsOrigin(t *testing.T) {
	text := "[profile base]\nduration_seconds = soon\n[profile a]\ninclude_profile = base\n"
	_, err := mustParse(t, text).Resolve("a")
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Line != 2 || ve.Profile != "a" || !strings.Contains(ve.Msg, `included from profile "base"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestCycles(t *testing.T) {
	tests := []struct {
		name, text, resolve, msg string
	}{
		{
			name:    "source two-cycle",
			text:    "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\nsource_profile = a\n",
			resolve: "a",
			msg:     "source_profile cycle in " + testPath + ": a -> b -> a",
		},
		{
			name:    "source cycle entered from outside",
			text:    "[profile x]\nrole_arn = r\nsource_profile = a\n[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\nsource_profile = a\n",
			resolve: "x",
			msg:     "source_profile cycle in " + testPath + ": a -> b -> a",
		},
		{
			name:    "include two-cycle",
			text:    "[profile a]\ninclude_profile = b\n[profile b]\ninclude_profile = a\n",
			resolve: "a",
			msg:     "include_profile cycle in " + testPath + ": a -> b -> a",
		},
		{
			name:    "include self",
			text:    "[profile a]\ninclude_profile = a\n",
			resolve: "a",
			msg:     "include_profile cycle in " + testPath + ": a -> a",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mustParse(t, tt.text).Resolve(tt.resolve)
			if !errors.Is(err, ErrCycle) {
				t.Fatalf("err = %v, want ErrCycle", err)
			}
			if err.Error() != tt.msg {
				t.Errorf("Error() = %q, want %q", err.Error(), tt.msg)
			}
			if len(hintsOf(err)) == 0 {
				t.Error("no hint")
			}
		})
	}
}

func TestBadReferences(t *testing.T) {
	tests := []struct {
		name, text, resolve, msg, hint string
	}{
		{
			name:    "missing source",
			text:    "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n",
			resolve: "a",
			msg:     `profile "a" has source_profile = "b", but ` + testPath + ` has no [profile b]`,
			hint:    "fix source_profile on line 3",
		},
		{
			name:    "missing source deep in the chain",
			text:    "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\nsource_profile = default\n",
			resolve: "a",
			msg:     `profile "b" has source_profile = "default", but ` + testPath + ` has no [default]`,
			hint:    "add a [default] section",
		},
		{
			name:    "missing source with near miss",
			text:    "[profile a]\nrole_arn = r\nsource_profile = alice\n[alice]\n",
			resolve: "a",
			msg:     `profile "a" has source_profile = "alice", but ` + testPath + ` has no [profile alice]`,
			hint:    "line 4 has [alice], but in the config file a profile's header must read [profile alice]",
		},
		{
			name:    "missing include",
			text:    "[profile a]\n\ninclude_profile = base\n",
			resolve: "a",
			msg:     `profile "a" has include_profile = "base", but ` + testPath + ` has no [profile base]`,
			hint:    "fix include_profile on line 3",
		},
		{
			name:    "missing services section",
			text:    "[profile a]\nservices = local\n[services other]\n",
			resolve: "a",
			msg:     `profile "a" has services = "local", but ` + testPath + ` has no [services local]`,
			hint:    "add a [services local] section",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mustParse(t, tt.text).Resolve(tt.resolve)
			if !errors.Is(err, ErrBadReference) || errors.Is(err, ErrProfileNotFound) {
				t.Fatalf("err = %v, want ErrBadReference only", err)
			}
			if err.Error() != tt.msg {
				t.Errorf("Error() = %q, want %q", err.Error(), tt.msg)
			}
			if !hintsContain(err, tt.hint) {
				t.Errorf("hints %q lack %q", hintsOf(err), tt.hint)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	tests := []struct {
		name, text, resolve, hint string
	}{
		{"no prefix", "[profile a]\n[prod]\n", "prod", testPath + " line 2 has [prod], but in the config file a profile's header must read [profile prod]"},
		{"capital Profile", "[Profile prod]\n", "prod", "line 1 has [Profile prod], which is not a profile header: write [profile prod]"},
		{"case difference", "[profile Prod]\n[profile PROD]\n", "prod", `did you mean "Prod" or "PROD"? profile names are case-sensitive`},
		{"typo", "[profile production]\n[profile staging]\n", "prodution", `did you mean "production"?`},
		{"short typo", "[profile prod]\n", "prodd", `did you mean "prod"?`},
		{"swapped letters", "[profile alice]\n[profile bob]\n", "alcie", `did you mean "alice"?`},
		{"sso-session", "[sso-session corp]\n", "corp", "an sso-session section, not a profile"},
		{"DEFAULT", "[DEFAULT]\n", "default", "has [DEFAULT], which is not a profile header: write [default]"},
		{"nothing close", "[profile alpha]\n", "zulu", `add a [profile zulu] section to ` + testPath + `, or run "stscred list" to see the profiles it has`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, tt.text)
			if f.Has(tt.resolve) {
				t.Fatalf("Has(%q)", tt.resolve)
			}
			_, err := f.Resolve(tt.resolve)
			if !errors.Is(err, ErrProfileNotFound) {
				t.Fatalf("err = %v, want ErrProfileNotFound", err)
			}
			if want := `profile "` + tt.resolve + `" not found in ` + testPath; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
			if !hintsContain(err, tt.hint) {
				t.Errorf("hints %q lack %q", hintsOf(err), tt.hint)
			}
			if !hintsContain(err, "stscred list") {
				t.Errorf("hints %q lack stscred list", hintsOf(err))
			}
		})
	}
	// No far-fetched suggestion.
	_, err := mustParse(t, "[profile dev]\n").Resolve("prd")
	if hintsContain(err, "did you mean") {
		t.Errorf("hints %q suggest an unrelated profile", hintsOf(err))
	}
}

func TestRoleWithoutSource(t *testing.T) {
	tests := []struct {
		name, text, msg, hint string
	}{
		{
			"neither", "[profile r]\n\nrole_arn = arn:aws:iam::1:role/r\n",
			`profile "r" (` + testPath + ` line 3) has role_arn but no source_profile`,
			"add source_profile = <the IAM user profile whose key is in the keyring> to [profile r]",
		},
		{
			"credential_source", "[profile r]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Ec2InstanceMetadata\n",
			`profile "r" (` + testPath + ` line 2) has role_arn with credential_source, which stscred does not support`,
			"replace credential_source with source_profile",
		},
		{
			"credential_process", "[profile r]\nrole_arn = arn:aws:iam::1:role/r\ncredential_process = stscred role r\n",
			`profile "r" (` + testPath + ` line 2) has role_arn and credential_process but no source_profile`,
			"never run its credential_process",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mustParse(t, tt.text).Resolve("r")
			if !errors.Is(err, ErrNoSource) {
				t.Fatalf("err = %v, want ErrNoSource", err)
			}
			if err.Error() != tt.msg {
				t.Errorf("Error() = %q, want %q", err.Error(), tt.msg)
			}
			if !hintsContain(err, tt.hint) {
				t.Errorf("hints %q lack %q", hintsOf(err), tt.hint)
			}
		})
	}
}

func TestRoleAndProcessIsNotAnError(t *testing.T) {
	text := designExample + "\n[profile both]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = alice\ncredential_process = stscred role both\n"
	p := mustResolve(t, text, "both")
	if !p.HasRoleAndProcess() {
		t.Error("HasRoleAndProcess = false")
	}
}

func TestInvalidValues(t *testing.T) {
	tests := []struct {
		name, body, key, msg, secret string
		line                         int
	}{
		{"duration words", "duration_seconds = an hour", "duration_seconds", `must be a positive whole number of seconds, found "an hour"`, "", 3},
		{"duration zero", "duration_seconds = 0", "duration_seconds", `must be a positive whole number of seconds, found "0"`, "", 3},
		{"duration negative", "duration_seconds = -5", "duration_seconds", `must be a positive whole number of seconds, found "-5"`, "", 3},
		{"duration plus", "duration_seconds = +5", "duration_seconds", `must be a positive whole number of seconds, found "+5"`, "", 3},
		{"duration huge", "duration_seconds = 99999999999999999999", "duration_seconds", `must be a positive whole number of seconds, found "99999999999999999999"`, "", 3},
		{"sts endpoints", "sts_regional_endpoints = global", "sts_regional_endpoints", `must be "regional" or "legacy", found "global"`, "", 3},
		{"sts endpoints case", "sts_regional_endpoints = Regional", "sts_regional_endpoints", `must be "regional" or "legacy", found "Regional"`, "", 3},
		{"tags no equals", "session_tags = team=SECRETTEAM,broken", "session_tags", `entry 2 is not "key=value" (the format is key1=value1,key2=value2)`, "SECRETTEAM", 3},
		{"tags empty key", "session_tags = =SECRETVAL", "session_tags", "entry 1 has an empty tag key", "SECRETVAL", 3},
		{"tags duplicate", "session_tags = Team=SECRETA,team=SECRETB", "session_tags", "entry 2 repeats a tag key (tag keys are case-insensitive)", "SECRET", 3},
		{"mfa_prompt", "mfa_prompt = yubikey", "mfa_prompt", `must be one of auto, tty, desktop, process, ykman, none, found "yubikey"`, "", 3},
		{"ykman_device", "ykman_device = my-key", "ykman_device", `must be the YubiKey's serial number (as ykman list --serials shows it), found "my-key"`, "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "[profile p]\nregion = eu-west-1\n" + tt.body + "\n"
			_, err := mustParse(t, text).Resolve("p")
			var ve *ValueError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalidValue) {
				t.Fatalf("err = %v, want *ValueError", err)
			}
			if ve.Profile != "p" || ve.Key != tt.key || ve.Line != tt.line || ve.Msg != tt.msg {
				t.Errorf("got %+v", ve)
			}
			want := `profile "p": ` + testPath + ` line ` + itoa(tt.line) + `: ` + tt.key + ` ` + tt.msg
			if err.Error() != want {
				t.Errorf("Error() = %q\nwant      %q", err.Error(), want)
			}
			if strings.Contains(err.Error(), "eu-west-1") || tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error echoes an unrelated value: %v", err)
			}
			if !hintsContain(err, "fix "+tt.key+" on line "+itoa(tt.line)) {
				t.Errorf("hints = %q", hintsOf(err))
			}
		})
	}
}

func TestInvalidValueInSourceChain(t *testing.T) {
	text := "[profile user]\nsts_regional_endpoints = bogus\n[profile r]\nrole_arn = x\nsource_profile = user\n"
	_, err := mustParse(t, text).Resolve("r")
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Profile != "user" || ve.Line != 2 {
		t.Fatalf("err = %v", err)
	}
}

func TestServicesEndpoint(t *testing.T) {
	text := `[profile user]
services = local
endpoint_url = https://global.example
s3 =
  max_concurrent_requests = 10

[profile role]
role_arn = arn:aws:iam::1:role/r
source_profile = user

[profile plain]
endpoint_url = https://plain.example
services = nosts

[profile override]
role_arn = arn:aws:iam::1:role/r
source_profile = user
endpoint_url = https://own.example

[services local]
s3 =
  endpoint_url = https://s3.example
sts =
  endpoint_url = https://sts.example   # the test server
  Region = ignored

[services nosts]
s3 =
  endpoint_url = https://s3.example
`
	f := mustParse(t, text)
	for name, want := range map[string]string{
		"user":     "https://sts.example",   // services sts wins over endpoint_url
		"role":     "https://sts.example",   // inherited from the source
		"plain":    "https://plain.example", // services without sts
		"override": "https://own.example",   // own endpoint_url beats the source chain
	} {
		p, err := f.Resolve(name)
		if err != nil {
			t.Fatal(err)
		}
		if p.EndpointURL != want {
			t.Errorf("%s: EndpointURL = %q, want %q", name, p.EndpointURL, want)
		}
	}
	p, _ := f.Resolve("user")
	if p.Keys["s3.max_concurrent_requests"] != "10" || p.Keys["s3"] != "" || p.Services != "local" {
		t.Errorf("nested keys: %q", p.Keys)
	}
}

func TestDiagnosticFields(t *testing.T) {
	text := "[profile d]\ncredential_source = Environment\nweb_identity_token_file = /t\nsso_session = corp\nsso_start_url = https://corp.awsapps.com/start\n" +
		"[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
	p := mustResolve(t, text, "d")
	if p.CredentialSource != "Environment" || p.WebIdentityTokenFile != "/t" || p.SSO == nil || p.SSO.Session != "corp" || p.SSO.StartURL != "https://corp.awsapps.com/start" {
		t.Errorf("profile = %+v", p)
	}
}

func TestResolveReturnsFreshProfiles(t *testing.T) {
	f := mustParse(t, designExample)
	a, _ := f.Resolve("prod-admin")
	a.Region = "changed"
	a.Keys["region"] = "changed"
	b, err := f.Resolve("prod-admin")
	if err != nil {
		t.Fatal(err)
	}
	if b.Region != "eu-west-1" || b.Keys["region"] == "changed" {
		t.Error("a caller's change leaked into the next Resolve")
	}
}

func TestConcurrentResolve(t *testing.T) {
	f := mustParse(t, genConfig(50))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				if _, err := f.Resolve("role-" + itoa((i+j)%25)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Roles whose session starts from an identity provider's token need no
// source_profile; the token's source is recorded, never its content.
func TestIdentityProviderRoots(t *testing.T) {
	f := mustParse(t, `[profile ci]
role_arn = arn:aws:iam::222222222222:role/Deploy
web_identity_token_file = /var/run/secrets/token
role_session_name = deploy
[profile gh]
role_arn = arn:aws:iam::222222222222:role/Deploy
web_identity_token_process = get-token --aud sts
web_identity_audience = sts.example
[profile corp]
role_arn = arn:aws:iam::222222222222:role/Admin
principal_arn = arn:aws:iam::222222222222:saml-provider/Corp
saml_process = corp-sso assertion
[profile corp-any]
saml_assertion_file = /tmp/assertion
[profile deeper]
source_profile = ci
role_arn = arn:aws:iam::333333333333:role/Next
`)
	for name, want := range map[string][2]bool{"ci": {true, false}, "gh": {true, false}, "corp": {false, true}, "corp-any": {false, true}} {
		p, err := f.Resolve(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.IsWebIdentity() != want[0] || p.IsSAML() != want[1] || p.Source != nil {
			t.Errorf("%s: web identity %v, SAML %v, source %v", name, p.IsWebIdentity(), p.IsSAML(), p.Source)
		}
	}
	gh, _ := f.Resolve("gh")
	if gh.WebIdentityTokenProcess != "get-token --aud sts" || gh.WebIdentityAudience != "sts.example" {
		t.Errorf("gh: %+v", gh)
	}
	corp, _ := f.Resolve("corp")
	if corp.PrincipalARN != "arn:aws:iam::222222222222:saml-provider/Corp" || corp.SAMLProcess != "corp-sso assertion" {
		t.Errorf("corp: %+v", corp)
	}
	d, err := f.Resolve("deeper")
	if err != nil || d.Source == nil || d.Source.Name != "ci" || !d.Source.IsWebIdentity() || d.Root().Name != "ci" {
		t.Fatalf("deeper: %+v %v", d, err)
	}
}

// role_arn alone is a web identity root where the environment offers the
// runner's token (a GitHub Actions job with id-token: write), and only
// there; credential_source and credential_process keep their errors.
func TestRoleAloneInGitHubActions(t *testing.T) {
	const text = `[profile gha]
role_arn = arn:aws:iam::222222222222:role/Deploy
[profile next]
source_profile = gha
role_arn = arn:aws:iam::222222222222:role/ReadOnly
[profile src]
role_arn = arn:aws:iam::222222222222:role/Deploy
credential_source = Environment
[profile both]
role_arn = arn:aws:iam::222222222222:role/Deploy
credential_process = stscred role both
`
	vars := map[string]string{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": "https://runner.example/token?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t"}
	f := mustParse(t, text)
	f.Ambient = AmbientOf(func(k string) string { return vars[k] })
	if !f.Ambient.GitHubActions || !f.Ambient.GitHubOIDC {
		t.Fatalf("Ambient = %+v", f.Ambient)
	}
	p, err := f.Resolve("gha")
	if err != nil || !p.IsWebIdentity() || !p.WebIdentityFromRunner || p.Source != nil || p.IsSAML() {
		t.Fatalf("gha: %+v %v", p, err)
	}
	if n, err := f.Resolve("next"); err != nil || n.Source == nil || !n.Source.IsWebIdentity() || n.IsWebIdentity() {
		t.Fatalf("next: %+v %v", n, err)
	}
	for _, name := range []string{"src", "both"} {
		if _, err := f.Resolve(name); !errors.Is(err, ErrNoSource) {
			t.Errorf("%s: err = %v, want ErrNoSource", name, err)
		}
	}

	// A job without id-token: write: the error says what the job needs.
	delete(vars, "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	f = mustParse(t, text)
	f.Ambient = AmbientOf(func(k string) string { return vars[k] })
	_, err = f.Resolve("gha")
	if !errors.Is(err, ErrNoSource) || !strings.Contains(err.Error(), "offers no OIDC token") || !hintsContain(err, "id-token: write") {
		t.Fatalf("job without the token variables: %v %q", err, hintsOf(err))
	}
	// Outside a job: the old error, with a hint toward the key-less way.
	_, err = mustParse(t, text).Resolve("gha")
	if !errors.Is(err, ErrNoSource) || !strings.HasSuffix(err.Error(), "has role_arn but no source_profile") || !hintsContain(err, "web_identity_token_file") {
		t.Fatalf("outside a job: %v %q", err, hintsOf(err))
	}
}

// mfa_prompt, ykman_oath_account and ykman_device are inherited like
// mfa_serial, each on its own; MFAPromptFrom names the nearest section
// that holds one of them.
func TestMFAPromptInheritance(t *testing.T) {
	f := mustParse(t, `[profile alice]
mfa_serial = arn:aws:iam::111111111111:mfa/alice
mfa_prompt = ykman
ykman_oath_account = Amazon Web Services:alice@111111111111
[profile admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin
[profile other-key]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Other
ykman_device = 12345678
[profile shared]
ykman_oath_account = aws-work
[profile inc]
include_profile = shared
mfa_serial = arn:aws:iam::111111111111:mfa/inc
`)
	for name, want := range map[string][4]string{
		"alice":     {"ykman", "Amazon Web Services:alice@111111111111", "", "alice"},
		"admin":     {"ykman", "Amazon Web Services:alice@111111111111", "", "alice"},
		"other-key": {"ykman", "Amazon Web Services:alice@111111111111", "12345678", "other-key"},
		"inc":       {"", "aws-work", "", "shared"},
	} {
		p, err := f.Resolve(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := [4]string{p.MFAPrompt, p.YkmanAccount, p.YkmanDevice, p.MFAPromptFrom}; got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

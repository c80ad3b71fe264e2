package identitycenter

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/config/profile"
)

// WriteAccounts writes the accounts and roles a session may use, a line
// per role, for `stscred sso accounts`. The portal's names are escaped
// (textsafe): a newline or a tab in one cannot make a line of its own.
func WriteAccounts(w io.Writer, accounts []Account) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tNAME\tROLE")
	for _, a := range accounts {
		roles := a.Roles
		if len(roles) == 0 {
			roles = []string{"-"}
		}
		for _, r := range roles {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", textsafe.Escape(a.ID), textsafe.Escape(a.Name), textsafe.Escape(r))
		}
	}
	return tw.Flush()
}

// WriteProfiles writes a config section per account and role of session
// s, to paste into ~/.aws/config: the SSO profile stscred serves, and a
// tool profile running stscred for it. Only what the portal sends in the
// shape of an account id or a permission set's name goes in, and profile
// names are made of a profile name's characters: nothing the portal
// says can add a line of its own.
func WriteProfiles(w io.Writer, s Session, accounts []Account) error {
	var b strings.Builder
	if s.Legacy() {
		fmt.Fprintf(&b, "# profiles of IAM Identity Center %s (legacy keys: consider an [sso-session] section)\n", s.StartURL)
	} else {
		fmt.Fprintf(&b, "# profiles of IAM Identity Center session %s; keep its [sso-session %s] section\n", s.Name, s.Name)
	}
	seen := map[string]bool{}
	for _, a := range accounts {
		if !isAccountID(a.ID) {
			continue // not an account id: nothing to write into a config
		}
		for _, r := range a.Roles {
			if !isRoleName(r) {
				fmt.Fprintf(&b, "\n# a role of account %s whose name is not a permission set's was left out\n", a.ID)
				continue
			}
			name := ProfileName(a, r)
			for n := 2; seen[name]; n++ {
				name = fmt.Sprintf("%s-%d", ProfileName(a, r), n)
			}
			seen[name] = true
			fmt.Fprintf(&b, "\n[profile %s]\n", name)
			if s.Legacy() {
				fmt.Fprintf(&b, "sso_start_url = %s\nsso_region = %s\n", s.StartURL, s.Region)
			} else {
				fmt.Fprintf(&b, "sso_session = %s\n", s.Name)
			}
			fmt.Fprintf(&b, "sso_account_id = %s\nsso_role_name = %s\n", a.ID, r)
			fmt.Fprintf(&b, "\n%s\n", profile.Section(name+"-tools", profile.RoleProcess("", name)))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ProfileName is the profile name WriteProfiles suggests for a role of an
// account: the account's name and the role, lowercased, in characters a
// credential_process line takes unquoted.
func ProfileName(a Account, role string) string {
	acct := a.Name
	if acct == "" {
		acct = a.ID
	}
	return profileWord(acct + "-" + role)
}

package doctor

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/resolve"
)

// IDSSO is the check of IAM Identity Center profiles and the plaintext
// token files the AWS CLI leaves.
const IDSSO = "sso"

// checkSSO checks an SSO profile: it names an account and a role, and its
// session is signed in (read from the keystore, no network).
func (d *doctor) checkSSO(p *profile.Profile) {
	s := resolve.SessionOf(p.SSO)
	if p.SSO.AccountID == "" || p.SSO.RoleName == "" {
		d.add(IDSSO, p.Name, Fail, fmt.Sprintf("profile %s signs in through IAM Identity Center session %s but names no account and role", p.Name, s.Label()),
			"add sso_account_id and sso_role_name to [profile "+p.Name+"]; stscred sso accounts "+s.Label()+" lists the ones you may use")
		return
	}
	what := fmt.Sprintf("profile %s: role %s in account %s through IAM Identity Center session %s", p.Name, p.SSO.RoleName, p.SSO.AccountID, s.Label())
	if d.s.SSOStatus == nil {
		d.add(IDSSO, p.Name, Info, what)
		return
	}
	st, err := d.s.SSOStatus(s)
	now := d.s.Now()
	switch {
	case err != nil:
		d.add(IDSSO, p.Name, Fail, what+": "+err.Error(), hint.Of(err)...)
	case !st.SignedIn:
		d.add(IDSSO, p.Name, Warn, what+": not signed in", "run: "+s.LoginCommand())
	case st.Expires.After(now):
		d.add(IDSSO, p.Name, Pass, what+": signed in, "+human.Left(st.Expires, now))
	case st.Refreshable:
		d.add(IDSSO, p.Name, Pass, what+": signed in (the access token is renewed on the next call)")
	default:
		d.add(IDSSO, p.Name, Warn, what+": the sign-in has expired", "run: "+s.LoginCommand())
	}
}

// checkSSOCache reports the AWS CLI's plaintext Identity Center tokens
// (~/.aws/sso/cache/*.json): access and refresh tokens and client
// secrets, readable by any process of the user.
func (d *doctor) checkSSOCache() {
	home := d.s.Getenv("HOME")
	if home == "" {
		return
	}
	dir := filepath.Join(home, ".aws", "sso", "cache")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var n int
	for _, f := range files {
		if fi, err := os.Lstat(f); err == nil && fi.Mode().IsRegular() {
			n++
		}
	}
	if n == 0 {
		return
	}
	shown := d.tilde(dir)
	d.add(IDSSO, "", Warn, fmt.Sprintf("%s holds %d %s of IAM Identity Center tokens in plaintext (left by aws sso login)", shown, n, plural(n, "file", "files")),
		"sign in with stscred instead (stscred sso login NAME keeps the tokens in the keystore), then remove them: aws sso logout, or rm "+shown+"/*.json")
}

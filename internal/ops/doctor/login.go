package doctor

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/resolve"
)

// IDLogin is the check of AWS Sign-In (login_session) profiles and the
// plaintext session files `aws login` leaves.
const IDLogin = "login"

// checkLogin checks a login_session profile: it has a region to sign in
// to, and its session is signed in (read from the keystore, no network),
// at the region and endpoint the profile names now.
func (d *doctor) checkLogin(p *profile.Profile) {
	s := resolve.LoginSessionFor(d.s.Settings, p.Profile)
	what := fmt.Sprintf("profile %s: AWS Sign-In session of %s", p.Name, s.ARN)
	login := "run: " + s.LoginCommand()
	if s.Region == "" {
		d.add(IDLogin, p.Name, Fail, what+": no region to sign in to",
			"add region to [profile "+p.Name+"] (or set AWS_REGION), then: "+s.LoginCommand())
		return
	}
	where := "at " + s.Region
	if s.Endpoint != "" {
		where += " (" + s.Endpoint + ")"
	}
	if d.s.LoginStatus == nil {
		d.add(IDLogin, p.Name, Info, what+", "+where)
		return
	}
	st, err := d.s.LoginStatus(s)
	now := d.s.Now()
	switch {
	case err != nil:
		d.add(IDLogin, p.Name, Fail, what+": "+err.Error(), hint.Of(err)...)
	case st.ARN == "":
		d.add(IDLogin, p.Name, Warn, what+": not signed in", login)
	case !st.SignedIn:
		d.add(IDLogin, p.Name, Warn, what+": the sign-in ended at "+st.Ends.Local().Format("15:04"), login)
	case st.Region != s.Region || st.Endpoint != s.Endpoint:
		was := st.Region
		if st.Endpoint != "" {
			was += " (" + st.Endpoint + ")"
		}
		d.add(IDLogin, p.Name, Warn, what+": signed in at "+was+", but the profile now signs in "+where+", where the session cannot be renewed", login)
	default:
		d.add(IDLogin, p.Name, Pass, fmt.Sprintf("%s: signed in until %s (%s), renewed %s without a browser until then",
			what, st.Ends.Local().Format("15:04"), human.Left(st.Ends, now), where))
	}
}

// checkLoginCache reports the AWS CLI's plaintext sign-ins
// (~/.aws/login/cache/*.json, or AWS_LOGIN_CACHE_DIRECTORY): refresh
// tokens and the proof keys they are bound to, readable by any process
// of the user. It says how many a login_session profile of the config
// claims (stscred import moves those) and how many none does.
func (d *doctor) checkLoginCache() {
	dir := signin.CLICacheDir(d.s.Getenv)
	if dir == "" {
		return
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	claimed := map[string]bool{}
	if d.model != nil {
		for _, p := range resolve.LoginProfiles(d.model) {
			claimed[signin.CLIFileName(p.LoginSession)] = true
		}
	}
	var n, mine int
	for _, f := range files {
		if fi, err := os.Lstat(f); err == nil && fi.Mode().IsRegular() {
			n++
			if claimed[filepath.Base(f)] {
				mine++
			}
		}
	}
	if n == 0 {
		return
	}
	shown := d.tilde(dir)
	var hints []string
	if mine > 0 {
		which := plural(n, "it", "them")
		if mine < n {
			which = plural(mine, "the one a login_session profile of the config is for", fmt.Sprintf("the %d that login_session profiles of the config are for", mine))
		}
		hints = append(hints, "move "+which+" into the keystore: stscred import (the proof key goes along, so no new sign-in is needed; the login_session profiles keep working through stscred)")
	}
	if other := n - mine; other > 0 {
		hints = append(hints, fmt.Sprintf("%d %s for no login_session profile of the config (stscred import names whose): add login_session to a profile and run stscred import, or remove %s (aws logout, or rm)",
			other, plural(other, "is", "are"), plural(other, "it", "them")))
	}
	d.add(IDLogin, "", Warn, fmt.Sprintf("%s holds %d %s of aws login sessions in plaintext (a refresh token and the proof key it is bound to)", shown, n, plural(n, "file", "files")),
		hints...)
}

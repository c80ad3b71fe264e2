package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/credfile"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/sys/safefile"
	"github.com/stscred/stscred/keystore"
)

// LoginRequest is what stscred login asks for.
type LoginRequest struct {
	Profile   string
	Region    string // --region
	Remote    bool   // --remote: the cross-device sign-in
	Browser   string // --browser
	NoBrowser bool   // --no-browser: print the URL
}

// Login signs profile name in with AWS Sign-In for local development and
// writes login_session (and region, when the profile has none) into it,
// touching no other line; the first credentials are cached. A profile
// that is not a sign-in candidate (a role, a tool profile, ...) is
// refused, pointing at `stscred console` for the console. When a
// long-term key is stored for the profile, it says that the key is no
// longer needed and how to remove it.
func Login(p *Process, s *Services, req LoginRequest) error {
	m, err := s.Model()
	if err != nil {
		return err
	}
	var prof *awsconfig.Profile
	hasKey := false
	if m.File.Has(req.Profile) {
		pr, err := m.Get(req.Profile)
		if err != nil {
			return err
		}
		switch pr.Kind {
		case profile.Login, profile.KeyHolder:
		default:
			return hint.With(fmt.Errorf("profile %s is a %s profile: it cannot sign in with AWS Sign-In (only an IAM user's or root's own profile can)", req.Profile, pr.Kind),
				"to open the AWS console as it: stscred console "+req.Profile,
				"to sign in for local development, name the IAM user's profile (or a new name): stscred login NAME")
		}
		prof = pr.Profile
	} else {
		prof = &awsconfig.Profile{Name: req.Profile}
	}
	if k, err := keystore.GetKey(s.Keys(), req.Profile); err == nil && k.AccessKeyID != "" {
		hasKey = true
	}
	r, err := s.Resolver()
	if err != nil {
		return err
	}
	sess := r.LoginSession(prof)
	if req.Region != "" {
		sess.Region = req.Region
	}
	client, err := s.Login()
	if err != nil {
		return err
	}
	switch {
	case req.NoBrowser:
		client.Open = nil
	case req.Remote:
		client.Open = s.Browser(req.Browser).Open
	default:
		b := s.Browser(req.Browser)
		if err := b.Check(); err != nil {
			return err // before the sign-in, not after it
		}
		client.Open = SignInOpener(p, b, "stscred login --remote "+req.Profile)
	}
	res, err := client.Login(p.Context(), sess, signin.LoginOptions{Remote: req.Remote})
	if err != nil {
		return err
	}
	path, err := s.ConfigPath()
	if err != nil {
		return err
	}
	var add []string
	if prof.LoginSession == "" {
		add = append(add, "login_session = "+res.ARN)
	}
	if prof.Region == "" && sess.Region != "" {
		add = append(add, "region = "+sess.Region)
	}
	if len(add) > 0 {
		if err := addToProfile(path, req.Profile, add); err != nil {
			return hint.With(fmt.Errorf("signed in, but could not write login_session into %s: %w", path, err),
				"add these lines to [profile "+req.Profile+"] yourself: "+strings.Join(add, "; "))
		}
	}
	prof.LoginSession, prof.Region = res.ARN, sess.Region
	if err := r.RememberLogin(prof, res.Creds); err != nil {
		p.Warnf("%v", err)
	}
	fmt.Fprintf(p.Stderr, "stscred: signed in profile %s as %s until %s (%s); its credentials are renewed without a browser until then\n",
		req.Profile, res.ARN, res.Ends.Local().Format("15:04"), human.Left(res.Ends, p.Now()))
	if len(add) > 0 {
		fmt.Fprintf(p.Stderr, "stscred: wrote %s into [profile %s] of %s\n", strings.Join(add, " and "), req.Profile, path)
	}
	if hasKey {
		fmt.Fprintf(p.Stderr, "stscred: note: profile %s signs in now; its stored long-term access key is no longer needed: remove it with `stscred remove %s`, then deactivate and delete it in IAM (roles using %s as source_profile keep working)\n",
			req.Profile, req.Profile, req.Profile)
	}
	return nil
}

// addToProfile adds lines to [profile name] of the config at path (the
// section made at the end when there is none), every other byte kept.
func addToProfile(path, name string, lines []string) error {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	doc, err := credfile.Parse(path, data)
	if err != nil {
		return err
	}
	header := "profile " + name
	if name == "default" {
		header = "default"
	}
	e := doc.Edit()
	var sec *credfile.Section
	for _, s := range doc.Sections {
		if s.Name == header || (name == "default" && s.Name == "profile default") {
			sec = s
			break
		}
	}
	if sec != nil {
		indented := make([]string, len(lines))
		for i, l := range lines {
			indented[i] = sec.Indent() + l
		}
		e.InsertAfterHeader(sec, indented...)
	} else {
		if len(doc.Sections) > 0 {
			e.Append("")
		}
		e.Append(append([]string{"[" + header + "]"}, lines...)...)
	}
	return safefile.Replace(path, e.Bytes(), 0o600)
}

// Logout forgets profile name's sign-in (the refresh token and the proof
// key) and drops the credentials cached from it; login_session stays in
// the config, for the next sign-in.
func Logout(p *Process, s *Services, name string) error {
	m, err := s.Model()
	if err != nil {
		return err
	}
	pr, err := m.Get(name)
	if err != nil {
		return err
	}
	if pr.Kind != profile.Login {
		return hint.With(fmt.Errorf("profile %s has no AWS Sign-In session (no login_session)", name),
			"for IAM Identity Center: stscred sso logout; for a stored key: stscred remove "+name)
	}
	r, err := s.Resolver()
	if err != nil {
		return err
	}
	sess := r.LoginSession(pr.Profile)
	client, err := s.Login()
	if err != nil {
		return err
	}
	removed, err := client.Logout(sess)
	if err != nil {
		return err
	}
	ch, err := s.Cache()
	if err != nil {
		return err
	}
	n, err := ch.DeleteWhere(func(h cache.Header) bool { return h.LoginSession == sess.ID() })
	if err != nil {
		return err
	}
	dropped := ""
	if n > 0 {
		dropped = fmt.Sprintf("; removed %d cached session%s", n, human.Plural(n, "", "s"))
	}
	if !removed && n == 0 {
		fmt.Fprintf(p.Stderr, "stscred: profile %s was not signed in\n", name)
		return nil
	}
	fmt.Fprintf(p.Stderr, "stscred: signed out profile %s%s\n", name, dropped)
	return nil
}

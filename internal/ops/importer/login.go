package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/sys/safefile"
)

// LoginImporter moves the sign-ins `aws login` left in the clear (the
// AWS CLI's files under ~/.aws/login/cache: refresh token and proof key
// side by side) into the keystore, for the config's login_session
// profiles, so that they go on renewing through stscred without a new
// sign-in.
//
// As for keys, nothing changes until everything is known:
//
//  1. list the directory; each *.json file is named for the login_session
//     it holds (package signin: CLIFileName); a file no login profile of
//     the config names is reported and left alone;
//  2. read each claimed file (a regular file, capped, safefile.ReadRegular)
//     and check it (signin.ReadCLIFile): a file that does not parse, or
//     whose proof key does not, is left alone, and so is a session that
//     has ended;
//  3. compare it with the keystore's entry for the identity
//     (signin.Client.Held): another sign-in that has not ended, or a
//     renewed copy of the same session, leaves the file alone; the very
//     same session only removes the file; a keystore that cannot be read
//     stops the import with nothing changed;
//  4. store every sign-in to import; when one fails, those stored before
//     are put back as they were and no file is touched;
//  5. for each file, read it again: one another program changed
//     meanwhile (the AWS CLI renewed it) gets its entry put back and is
//     left; else it is removed (no backup: that would be the secret in
//     the clear again), and the file's credentials, when still valid,
//     are cached (Remember). A file that cannot be removed gets its
//     entry put back too: two copies of one refresh token would soon
//     leave one of them dead.
//
// The config is not changed: its login_session profiles work as they
// did for stscred's callers (stscred session NAME, the roles whose source
// they are). The AWS CLI and SDKs that read login_session themselves
// look for the removed file: the report says which tool profile reaches
// each imported one through stscred, or how to add one.
type LoginImporter struct {
	// Dir is the AWS CLI's directory of sign-ins (signin.CLICacheDir);
	// "" imports nothing.
	Dir   string
	Model *profile.Model
	// Session is the AWS Sign-In session of a login profile
	// (resolve.LoginSessionFor).
	Session func(*awsconfig.Profile) signin.Session
	// Client reads and writes the keystore's sign-ins.
	Client *signin.Client
	// KeysDesc names the keystore for messages.
	KeysDesc string
	// Remember caches a login profile's credentials
	// (resolve.Resolver.RememberLogin); nil caches nothing.
	Remember func(p *awsconfig.Profile, c creds.Credentials) error
	Now      func() time.Time
	DryRun   bool

	// remove deletes a file; tests make it fail.
	remove func(string) error
}

// LoginStatus is what happens to a file.
type LoginStatus int

const (
	// LoginImported: its sign-in is stored and the file removed.
	LoginImported LoginStatus = iota
	// LoginAlreadyStored: the keystore held this very sign-in; the file
	// is removed.
	LoginAlreadyStored
	// LoginLeft: the file is left as it is; Reason says why.
	LoginLeft
)

// LoginFile is one file of the AWS CLI's directory of sign-ins.
type LoginFile struct {
	Path string
	// ARN is the login_session it is for; for a file no profile claims,
	// the identity its ID token names ("" when it names none).
	ARN string
	// Profiles are the login profiles whose login_session it is for, in
	// the config's order; none when no profile claims it.
	Profiles []string
	// Tools are the profiles whose credential_process runs stscred
	// session for one of Profiles.
	Tools  []string
	Status LoginStatus
	// Reason says why a file is left, with hints (hint.Of).
	Reason error
	// Until is when the sign-in ends at the latest; Region is where it
	// renews.
	Until  time.Time
	Region string
	// Replaced: it replaced a stored sign-in of the identity that had
	// ended (or could not be read).
	Replaced bool
	// Cached is the expiry of the file's credentials, cached for
	// Profiles[0]; zero when none were (expired, absent, or caching
	// failed: CacheErr).
	Cached   time.Time
	CacheErr error
	// Elsewhere are profiles of the same login_session that sign in at
	// another region or endpoint than Profiles[0], whose the stored
	// sign-in is.
	Elsewhere []string

	data    []byte
	session signin.CLISession
	prof    *awsconfig.Profile
}

// Moved reports whether the file leaves (or would leave) the directory.
func (f *LoginFile) Moved() bool { return f.Status == LoginImported || f.Status == LoginAlreadyStored }

// LoginResult is what a run did (or, with DryRun, would do).
type LoginResult struct {
	Dir      string
	KeysDesc string
	DryRun   bool
	// Files are the directory's *.json files, by name.
	Files []*LoginFile
}

// Moved returns the files that leave (or would leave) the directory.
func (r *LoginResult) Moved() []*LoginFile {
	var out []*LoginFile
	for _, f := range r.Files {
		if f.Moved() {
			out = append(out, f)
		}
	}
	return out
}

// Run imports the sign-ins. On error nothing is changed (or, if putting
// an entry back failed too, the error says so).
func (li *LoginImporter) Run(ctx context.Context) (*LoginResult, error) {
	res := &LoginResult{Dir: li.Dir, KeysDesc: li.KeysDesc, DryRun: li.DryRun}
	if li.Dir == "" {
		return res, nil
	}
	ents, err := os.ReadDir(li.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the AWS CLI's sign-ins, so %s: %w", unchanged, err)
	}
	claims, tools := li.claims()
	now := li.Now()
	for _, d := range ents {
		if !strings.HasSuffix(d.Name(), ".json") || d.IsDir() {
			continue
		}
		f := &LoginFile{Path: filepath.Join(li.Dir, d.Name())}
		res.Files = append(res.Files, f)
		ps := claims[strings.ToLower(d.Name())]
		if d.Type()&fs.ModeSymlink != 0 {
			li.leave(f, hint.With(errors.New("it is a symbolic link (removing it would leave the file it points to)"),
				"move the file it points to here in its place, then run stscred import again"))
			continue
		}
		data, err := safefile.ReadRegular(ctx, f.Path, signin.MaxCLIFile)
		if len(ps) == 0 {
			if err == nil {
				f.ARN = signin.CLIFileIdentity(data)
			}
			li.leave(f, li.unclaimed(f))
			continue
		}
		f.prof, f.ARN = ps[0].Profile, strings.TrimSpace(ps[0].LoginSession)
		for _, p := range ps {
			f.Profiles = append(f.Profiles, p.Name)
			f.Tools = append(f.Tools, tools[p.Name]...)
		}
		if err != nil {
			li.leave(f, fmt.Errorf("cannot read it: %w", err))
			continue
		}
		f.data = data
		li.check(f, ps, now)
	}
	if err := li.compare(res.Files); err != nil {
		return nil, err
	}
	if li.DryRun || len(res.Moved()) == 0 {
		return res, nil
	}
	return res, li.apply(ctx, res.Files)
}

// claims maps each file name a login profile's login_session gives to
// those profiles (the config's order), and each login profile to the
// tool profiles that run `stscred session` for it.
func (li *LoginImporter) claims() (map[string][]*profile.Profile, map[string][]string) {
	claims := map[string][]*profile.Profile{}
	tools := map[string][]string{}
	for _, name := range li.Model.File.ProfileNames() {
		p, err := li.Model.Get(name)
		if err != nil {
			continue
		}
		switch {
		case p.Kind == profile.Login:
			n := signin.CLIFileName(p.LoginSession)
			claims[n] = append(claims[n], p)
		case p.Kind == profile.Tool && p.Call != nil && p.Call.Err == nil && p.Call.Command == "session" && p.Call.Profile != "":
			tools[p.Call.Profile] = append(tools[p.Call.Profile], name)
		}
	}
	return claims, tools
}

// check reads a claimed file's sign-in for its first profile.
func (li *LoginImporter) check(f *LoginFile, ps []*profile.Profile, now time.Time) {
	s := li.Session(f.prof)
	if s.Region == "" {
		// What ReadCLIFile would say names stscred login's --region.
		li.leave(f, hint.With(fmt.Errorf("profile %s names no region to sign in to, so nothing of it was stored", f.prof.Name),
			"add region to [profile "+f.prof.Name+"] (the region aws login signed in at), then run stscred import again"))
		return
	}
	var written time.Time
	if fi, err := os.Lstat(f.Path); err == nil {
		written = fi.ModTime()
	}
	cs, err := signin.ReadCLIFile(s, f.data, written, now)
	if err != nil {
		hints := hint.Of(err)
		if len(hints) == 0 {
			hints = []string{"sign in with stscred instead (stscred login " + f.prof.Name + "), then remove the file: rm " + shellQuote(f.Path)}
		}
		li.leave(f, hint.With(fmt.Errorf("%s, so nothing of it was stored", strings.TrimSuffix(err.Error(), ".")), hints...))
		return
	}
	st := cs.Status(now)
	f.session, f.Until, f.Region = cs, st.Ends, s.Region
	if !st.SignedIn {
		li.leave(f, hint.With(fmt.Errorf("its sign-in has ended (%s more than 12 hours ago), so nothing of it was stored", whenSignedIn(cs)),
			"sign in with stscred: stscred login "+f.prof.Name,
			"then remove the file: rm "+shellQuote(f.Path)+" (or aws logout --profile "+f.prof.Name+")"))
		return
	}
	for _, p := range ps[1:] {
		if o := li.Session(p.Profile); o.Region != s.Region || o.Endpoint != s.Endpoint {
			f.Elsewhere = append(f.Elsewhere, p.Name)
		}
	}
}

func whenSignedIn(cs signin.CLISession) string {
	if cs.SignedInKnown {
		return "signed in"
	}
	return "last written"
}

// compare decides, for each file still to import, what the keystore's
// entry for its identity means for it.
func (li *LoginImporter) compare(files []*LoginFile) error {
	for _, f := range files {
		if f.Status == LoginLeft {
			continue
		}
		held, st, err := li.Client.Held(f.session)
		if err != nil {
			return fmt.Errorf("%w, so %s", err, unchanged)
		}
		name := f.prof.Name
		switch held {
		case signin.HeldSame:
			f.Status = LoginAlreadyStored
		case signin.HeldRenewed:
			li.leave(f, hint.With(fmt.Errorf("%s already holds this sign-in of %s with another refresh token (one copy was renewed after the other was made, and only its token works)", li.KeysDesc, f.ARN),
				"check stscred's: stscred whoami "+name+"; when that works, remove the file: rm "+shellQuote(f.Path),
				"when it says to sign in, take the file's instead: stscred logout "+name+", then stscred import"))
		case signin.HeldOther:
			li.leave(f, hint.With(fmt.Errorf("%s already holds another sign-in of %s (until %s), which the file's would replace", li.KeysDesc, f.ARN, st.Ends.Local().Format("15:04")),
				"to keep stscred's, remove the file: rm "+shellQuote(f.Path)+" (or aws logout --profile "+name+")",
				"to take the file's instead: stscred logout "+name+", then stscred import"))
		default:
			f.Status, f.Replaced = LoginImported, st.ARN != ""
		}
	}
	return nil
}

// apply stores the sign-ins and removes the files (see LoginImporter).
func (li *LoginImporter) apply(ctx context.Context, files []*LoginFile) error {
	var imported []*LoginFile
	var names []string
	for _, f := range files {
		if f.Status == LoginImported {
			imported = append(imported, f)
			names = append(names, signin.StoreName(f.ARN))
		}
	}
	store := li.Client.Store
	snap, err := snapshot(store, names)
	if err != nil {
		return fmt.Errorf("reading %s, so %s: %w", li.KeysDesc, unchanged, err)
	}
	var done []string
	for _, f := range imported {
		if err := li.Client.Import(ctx, f.session); err != nil {
			err = fmt.Errorf("could not store the sign-in of profile %s: %w", f.prof.Name, err)
			if uerr := snap.restore(store); uerr != nil {
				return fmt.Errorf("%w; and putting back what was stored before it failed: %v", err, uerr)
			}
			what := "no sign-in was stored before it"
			if len(done) > 0 {
				what = "the sign-ins stored before it (" + strings.Join(done, ", ") + ") were put back as they were"
			}
			return hint.With(fmt.Errorf("%w; %s, and no file was touched, so %s", err, what, unchanged),
				"fix what the error names, then run stscred import again")
		}
		done = append(done, f.prof.Name)
	}
	remove := li.remove
	if remove == nil {
		remove = os.Remove
	}
	for _, f := range files {
		if !f.Moved() {
			continue
		}
		putBack := func(why error) {
			if f.Status == LoginImported {
				one := &entrySnapshot{names: []string{signin.StoreName(f.ARN)}, values: snap.values}
				if uerr := one.restore(store); uerr != nil {
					why = fmt.Errorf("%w; and putting back what %s held before failed: %v", why, li.KeysDesc, uerr)
				}
			}
			li.leave(f, why)
		}
		// Another program may have renewed the file since it was read:
		// its refresh token would then be the only one that works.
		if cur, err := safefile.ReadRegular(ctx, f.Path, signin.MaxCLIFile); err != nil || !bytes.Equal(cur, f.data) {
			putBack(hint.With(errors.New("it changed while stscred import ran (the AWS CLI renewed it?), so it was left and nothing of it was stored"),
				"run stscred import again"))
			continue
		}
		if err := remove(f.Path); err != nil {
			putBack(hint.With(fmt.Errorf("could not remove it (%v), so nothing of it was stored", unwrapPathError(err)),
				"make it removable, then run stscred import again"))
			continue
		}
		if f.Status == LoginImported && li.Remember != nil {
			if c := f.session.Creds; c.AccessKeyID != "" && c.Expiration.After(li.Now()) {
				if err := li.Remember(f.prof, c); err != nil {
					f.CacheErr = err
				} else {
					f.Cached = c.Expiration
				}
			}
		}
	}
	return nil
}

// unclaimed is why a file no profile claims is left alone.
func (li *LoginImporter) unclaimed(f *LoginFile) error {
	rm := "or, if it is of no use, remove it: rm " + shellQuote(f.Path)
	if f.ARN == "" {
		return hint.With(errors.New("no login_session profile of the config is named for it"),
			"add the login_session it holds (and region) to a profile, then run stscred import again", rm)
	}
	return hint.With(fmt.Errorf("no login_session profile of the config is for %s, whose sign-in it holds", f.ARN),
		"add login_session = "+f.ARN+" (and region) to a profile, then run stscred import again", rm)
}

func (li *LoginImporter) leave(f *LoginFile, why error) {
	f.Status, f.Reason = LoginLeft, why
}

// unwrapPathError drops an *fs.PathError's path: the message names the
// file already.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

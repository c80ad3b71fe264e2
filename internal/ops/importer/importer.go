// Package importer moves the static access keys of the AWS shared
// credentials file into stscred's keystore (stscred import).
//
// The procedure changes nothing until it knows everything it needs, and
// undoes what it did when a later step fails:
//
//  1. parse the credentials file and the config file; pick the sections
//     with aws_access_key_id and aws_secret_access_key;
//  2. read the keystore (a key already stored for the profile: the same key
//     id is only removed from the file, another one is a conflict that
//     leaves the profile alone);
//  3. verify every key (GetCallerIdentity, through Verifier); a key STS
//     rejects stays in the file and is reported; any other failure (STS
//     unreachable) stops the import with nothing changed;
//  4. store every key; when a store fails, the entries stored before it are
//     put back as they were (removed, or their previous value restored);
//  5. write a byte-identical backup of the credentials file (0600, same
//     directory);
//  6. write the credentials file without the moved keys (temp file and
//     rename, same mode), keeping every other byte;
//  7. give each moved profile `credential_process = stscred session NAME`
//     in the config file, between marker comments, so that the AWS tools
//     keep working (temp file and rename, same mode).
//
// A failure in steps 4 to 7 undoes the steps before it: the credentials
// file is written back, the backup removed, the keystore restored.
package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/credfile"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/sys/safefile"
	"github.com/stscred/stscred/keystore"
)

// Verifier checks a key with STS for profile and returns the caller's ARN.
// It returns a *RejectedError when STS refuses the key itself (unknown key
// id, wrong secret): the profile is then skipped. Any other error stops the
// import before anything is changed.
type Verifier func(ctx context.Context, profile, accessKeyID, secret string) (userARN string, err error)

// RejectedError is a Verifier's answer for a key STS refuses. Err says why
// (with hints) and never holds the secret.
type RejectedError struct{ Err error }

func (e *RejectedError) Error() string { return e.Err.Error() }
func (e *RejectedError) Unwrap() error { return e.Err }

// Marker lines around what import adds to the config file.
const (
	BeginMarker = "# >>> stscred import >>>"
	EndMarker   = "# <<< stscred import <<<"
)

// Importer is one run of stscred import.
type Importer struct {
	Keys keystore.Store
	// KeysDesc names the keystore for messages ("the OS keyring (...)").
	KeysDesc        string
	Verify          Verifier
	CredentialsPath string
	ConfigPath      string
	// Getenv is the environment the config's credential_process lines
	// run in: the profile model reads a `stscred ...` line as stscred's
	// command line does, and a profile whose line is stscred's own call
	// for it already works through stscred.
	Getenv func(string) string
	// Command is the program credential_process lines run: "stscred".
	Command string
	Now     func() time.Time
	DryRun  bool

	// writeFile replaces a file atomically; tests make it fail.
	writeFile func(path string, data []byte, newMode fs.FileMode) error
}

// Status is what happens to a profile.
type Status int

const (
	// Imported: the key is stored and removed from the file.
	Imported Status = iota
	// AlreadyStored: the same key was stored before; it is removed from
	// the file.
	AlreadyStored
	// Skipped: the profile is left in the file as it is; Reason says why.
	Skipped
)

// ConfigAction is what import does to a moved profile in the config file.
type ConfigAction int

const (
	// ConfigNone: nothing (a skipped profile).
	ConfigNone ConfigAction = iota
	// ConfigInsert: credential_process added inside the existing section.
	ConfigInsert
	// ConfigAppend: a new section with credential_process at the end.
	ConfigAppend
	// ConfigAlready: the profile already runs stscred session NAME.
	ConfigAlready
)

// Profile is one credentials-file section with a static key.
type Profile struct {
	// Name is the section name: the profile ("default" for [default]).
	Name string
	// Line is the section's header line in the credentials file.
	Line int
	// AccessKeyID is the key id as written ("" if missing). Not secret,
	// but shown masked.
	AccessKeyID string
	// UserARN is who STS says the key belongs to.
	UserARN string
	Status  Status
	// Reason says why a profile is skipped, with hints (hint.Of).
	Reason error
	Config ConfigAction
	// Header is the config section the profile has or gets.
	Header string

	idKey, secretKey *credfile.Key // their lines in the credentials file
	cfgSection       *credfile.Section
}

// Moved reports whether the profile's key leaves the file.
func (p *Profile) Moved() bool { return p.Status == Imported || p.Status == AlreadyStored }

// Result is what a run did (or, with DryRun, would do).
type Result struct {
	CredentialsPath string
	ConfigPath      string
	KeysDesc        string
	// NoFile: there is no credentials file.
	NoFile bool
	DryRun bool
	// Profiles are the sections with a static key, in file order.
	Profiles []*Profile
	// Backup is the backup's path; "" when no file was changed.
	Backup string
	// Changed: the keystore and the files were changed.
	Changed bool
}

// Moved returns the profiles whose keys leave (or would leave) the file.
func (r *Result) Moved() []*Profile {
	var out []*Profile
	for _, p := range r.Profiles {
		if p.Moved() {
			out = append(out, p)
		}
	}
	return out
}

// unchanged is appended to errors that leave everything as it was.
const unchanged = "nothing was changed"

// Run imports the keys. On error nothing is changed (or, if an undo itself
// failed, the error says what is left and where the backup is).
func (im *Importer) Run(ctx context.Context) (*Result, error) {
	res := &Result{CredentialsPath: im.CredentialsPath, ConfigPath: im.ConfigPath, KeysDesc: im.KeysDesc, DryRun: im.DryRun}
	orig, err := awsconfig.ReadFile(im.CredentialsPath)
	if errors.Is(err, fs.ErrNotExist) {
		res.NoFile = true
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the credentials file: %w", err)
	}
	cred, err := credfile.Parse(im.CredentialsPath, orig)
	if err != nil {
		var pe *credfile.ParseError
		if errors.As(err, &pe) {
			return nil, hint.With(err, fmt.Sprintf("fix line %d of %s, then run stscred import again; %s", pe.Line, pe.Path, unchanged))
		}
		return nil, err
	}
	cfgData, err := awsconfig.ReadFile(im.ConfigPath)
	cfgExists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading the config file: %w", err)
	}
	cfg, err := awsconfig.Parse(im.ConfigPath, cfgData)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, unchanged)
	}
	cfgDoc, err := credfile.Parse(im.ConfigPath, cfgData)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, unchanged)
	}

	secrets := map[*Profile]string{}
	for _, s := range cred.Sections {
		p, secret := im.classify(s, cfg, cfgDoc)
		if p == nil {
			continue
		}
		res.Profiles = append(res.Profiles, p)
		if p.Status != Skipped {
			secrets[p] = secret
		}
	}
	if err := im.checkStored(res.Profiles); err != nil {
		return nil, err
	}
	for _, p := range res.Profiles {
		if p.Status == Skipped {
			continue
		}
		arn, err := im.Verify(ctx, p.Name, p.AccessKeyID, secrets[p])
		var rej *RejectedError
		switch {
		case errors.As(err, &rej):
			im.skip(p, rej.Err)
		case err != nil:
			return nil, fmt.Errorf("could not verify the key of profile %s, so %s: %w", p.Name, unchanged, err)
		default:
			p.UserARN = arn
		}
	}
	moved := res.Moved()
	if len(moved) == 0 || im.DryRun {
		return res, nil
	}

	undoKeys, err := im.store(moved, secrets)
	if err != nil {
		return nil, err
	}
	fail := func(err error, undo ...func() error) (*Result, error) {
		var left []string
		for _, u := range append(undo, undoKeys) {
			if uerr := u(); uerr != nil {
				left = append(left, uerr.Error())
			}
		}
		if len(left) > 0 {
			return nil, fmt.Errorf("%w; and undoing the steps before failed too: %s", err, strings.Join(left, "; "))
		}
		undone := "the keystore was not changed"
		for _, p := range moved {
			if p.Status == Imported {
				undone = "the keys stored by this run were removed again"
			}
		}
		return nil, hint.With(fmt.Errorf("%w; %s, so %s", err, undone, unchanged),
			"fix what the error names, then run stscred import again")
	}
	// Another program may have changed a file since it was read: writing
	// now would lose that change.
	if cur, err := awsconfig.ReadFile(im.CredentialsPath); err != nil || !bytes.Equal(cur, orig) {
		return fail(fmt.Errorf("%s changed while stscred import ran", im.CredentialsPath))
	}
	cur, err := awsconfig.ReadFile(im.ConfigPath)
	if cfgExists && (err != nil || !bytes.Equal(cur, cfgData)) || !cfgExists && !errors.Is(err, fs.ErrNotExist) {
		return fail(fmt.Errorf("%s changed while stscred import ran", im.ConfigPath))
	}

	write := im.writeFile
	if write == nil {
		write = safefile.Replace
	}
	backup, err := writeBackup(im.CredentialsPath, orig, im.Now())
	if err != nil {
		return fail(err)
	}
	removeBackup := func() error {
		if err := os.Remove(backup); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("could not remove the backup %s: %w", backup, err)
		}
		return nil
	}
	edit := cred.Edit()
	for _, p := range moved {
		edit.RemoveKey(p.idKey)
		edit.RemoveKey(p.secretKey)
	}
	if err := write(im.CredentialsPath, edit.Bytes(), 0o600); err != nil {
		return fail(err, removeBackup)
	}
	restoreCred := func() error {
		if err := write(im.CredentialsPath, orig, 0o600); err != nil {
			return fmt.Errorf("could not write %s back (the original is in %s): %w", im.CredentialsPath, backup, err)
		}
		return removeBackup()
	}
	if cfgEdit := im.configEdit(cfgDoc, moved); cfgEdit.Changed() {
		if err := write(im.ConfigPath, cfgEdit.Bytes(), 0o600); err != nil {
			return fail(err, restoreCred)
		}
	}
	res.Backup, res.Changed = backup, true
	return res, nil
}

// classify reads section s. It returns nil for a section without a static
// key, else the profile with its status so far, and its secret.
func (im *Importer) classify(s *credfile.Section, cfg *awsconfig.File, cfgDoc *credfile.File) (*Profile, string) {
	idKey, secretKey := s.Key("aws_access_key_id"), s.Key("aws_secret_access_key")
	if idKey == nil && secretKey == nil {
		return nil, ""
	}
	p := &Profile{Name: s.Name, Line: s.Line, idKey: idKey, secretKey: secretKey}
	var id, secret string
	if idKey != nil {
		id, p.AccessKeyID = idKey.Value, idKey.Value
	}
	if secretKey != nil {
		secret = secretKey.Value
	}
	for _, tok := range []string{"aws_session_token", "aws_security_token"} {
		if s.Key(tok) != nil {
			return im.skip(p, fmt.Errorf("%s holds temporary credentials (%s), nothing to import", sectionRef(s), tok)), ""
		}
	}
	switch {
	case idKey == nil:
		return im.skip(p, fmt.Errorf("%s has aws_secret_access_key but no aws_access_key_id", sectionRef(s))), ""
	case secretKey == nil:
		return im.skip(p, fmt.Errorf("%s has aws_access_key_id but no aws_secret_access_key", sectionRef(s))), ""
	}
	if err := checkName(s.Name); err != nil {
		return im.skip(p, err), ""
	}
	check := "check aws_access_key_id and aws_secret_access_key on lines " + fmt.Sprint(idKey.Line) + " and " + fmt.Sprint(secretKey.Line)
	if !keystore.LooksLikeKeyID(id) {
		// Not shown, even masked: it may be the secret in the wrong line.
		return im.skip(p, hint.With(fmt.Errorf("%s: aws_access_key_id (line %d) does not look like an access key id (AKIA followed by 16 capital letters and digits)", sectionRef(s), idKey.Line), check)), ""
	}
	if err := keystore.ValidateKey(id, secret); err != nil {
		return im.skip(p, hint.With(fmt.Errorf("%s: %w", sectionRef(s), err), check)), ""
	}
	if err := im.planConfig(p, cfg, cfgDoc); err != nil {
		return im.skip(p, err), ""
	}
	return p, secret
}

func sectionRef(s *credfile.Section) string { return fmt.Sprintf("[%s] (line %d)", s.Name, s.Line) }

// checkName accepts profile names that can stand in a credential_process
// line unquoted: the AWS CLI splits that line like a shell, the Go SDK runs
// it through sh.
func checkName(name string) error {
	if rest, ok := strings.CutPrefix(name, "profile "); ok {
		return hint.With(fmt.Errorf("[%s]: credentials-file sections have no \"profile \" prefix, so the AWS tools read this as a profile named %q", name, name),
			"rename the section to ["+strings.TrimSpace(rest)+"] if that is the profile you mean, then run stscred import again")
	}
	if !profile.LineSafe(name) {
		return hint.With(fmt.Errorf("profile name %q cannot be used in a credential_process line as is", name),
			"rename the section (letters, digits and . _ - @ + = , : /), or store the key yourself: stscred add NAME")
	}
	return nil
}

// planConfig decides what the config file needs for profile p to keep
// working for the AWS tools, or why p must stay in the credentials file.
func (im *Importer) planConfig(p *Profile, cfg *awsconfig.File, doc *credfile.File) error {
	if !cfg.Has(p.Name) {
		p.Config = ConfigAppend
		p.Header = awsconfig.SectionFor(p.Name)
		return nil
	}
	c, err := cfg.Resolve(p.Name)
	if err != nil {
		return hint.With(fmt.Errorf("profile %s in %s does not resolve: %w", p.Name, im.ConfigPath, err),
			"fix the config file, then run stscred import again")
	}
	p.cfgSection = doc.SectionAt(c.Line)
	if p.cfgSection == nil {
		return fmt.Errorf("profile %s: cannot find its section (line %d) in %s", p.Name, c.Line, im.ConfigPath)
	}
	p.Header = "[" + p.cfgSection.Name + "]"
	keep := "the AWS tools would stop working for it without this key in the credentials file"
	switch {
	case c.IsRole():
		return hint.With(fmt.Errorf("profile %s in %s is a role (role_arn): the AWS tools use this key to assume it, and a credential_process line cannot stand in for it there", p.Name, im.ConfigPath),
			"to move the key anyway: stscred add "+p.Name+" (stscred role "+p.Name+" then assumes the role with it), delete the two lines from the credentials file, and have tools use a profile with "+profile.RoleProcess(im.Command, p.Name))
	case c.CredentialProcess != "" && (&profile.Model{File: cfg, Getenv: im.Getenv}).Classify(c).Kind == profile.KeyHolder:
		p.Config = ConfigAlready
		return nil
	case c.CredentialProcess != "":
		return hint.With(fmt.Errorf("profile %s in %s has a credential_process of its own, which the AWS tools would use once this key left the credentials file", p.Name, im.ConfigPath),
			"if the key should move to stscred, set "+profile.SessionProcess(im.Command, p.Name)+" in "+p.Header+" and run stscred import again")
	case c.SSO != nil:
		return fmt.Errorf("profile %s in %s is an SSO profile; %s", p.Name, im.ConfigPath, keep)
	case c.WebIdentityTokenFile != "" || c.CredentialSource != "":
		return fmt.Errorf("profile %s in %s gets credentials from web_identity_token_file or credential_source; %s", p.Name, im.ConfigPath, keep)
	}
	p.Config = ConfigInsert
	return nil
}

// checkStored compares each candidate with what the keystore holds.
func (im *Importer) checkStored(ps []*Profile) error {
	for _, p := range ps {
		if p.Status == Skipped {
			continue
		}
		k, err := keystore.GetKey(im.Keys, p.Name)
		switch {
		case errors.Is(err, keystore.ErrNotFound):
			p.Status = Imported
		case err != nil:
			return fmt.Errorf("reading the key of profile %s from %s, so %s: %w", p.Name, im.KeysDesc, unchanged, err)
		case k.AccessKeyID == p.AccessKeyID:
			p.Status = AlreadyStored
		default:
			im.skip(p, hint.With(fmt.Errorf("%s already holds another key for profile %s (%s; the file has %s)", im.KeysDesc, p.Name, keystore.MaskID(k.AccessKeyID), keystore.MaskID(p.AccessKeyID)),
				"to use the file's key, replace the stored one: stscred add "+p.Name+" (then delete the two lines from the credentials file)",
				"to keep the stored key, delete aws_access_key_id and aws_secret_access_key from ["+p.Name+"] in the credentials file"))
		}
	}
	return nil
}

func (im *Importer) skip(p *Profile, why error) *Profile {
	p.Status, p.Reason, p.Config = Skipped, why, ConfigNone
	return p
}

// store puts the keys of the profiles to import into the keystore. When
// one fails, the entries written before it are restored and the error says
// so. On success it returns the undo for later steps.
func (im *Importer) store(ps []*Profile, secrets map[*Profile]string) (func() error, error) {
	var names []string
	for _, p := range ps {
		if p.Status == Imported {
			names = append(names, keystore.KeyName(p.Name))
		}
	}
	if len(names) == 0 {
		return func() error { return nil }, nil
	}
	if _, ok := im.Keys.(keystore.Lister); !ok {
		names = append(names, keystore.IndexName) // PutKey updates the index
	}
	snap, err := snapshot(im.Keys, names)
	if err != nil {
		return nil, fmt.Errorf("reading %s, so %s: %w", im.KeysDesc, unchanged, err)
	}
	undo := func() error { return snap.restore(im.Keys) }
	var done []string
	for _, p := range ps {
		if p.Status != Imported {
			continue
		}
		k := keystore.Key{AccessKeyID: p.AccessKeyID, SecretAccessKey: secrets[p], Added: im.Now().UTC(), UserARN: p.UserARN}
		if err := keystore.PutKey(im.Keys, p.Name, k); err != nil {
			err = fmt.Errorf("could not store the key of profile %s: %w", p.Name, err)
			if uerr := undo(); uerr != nil {
				return nil, fmt.Errorf("%w; and undoing the stores before it failed: %v", err, uerr)
			}
			what := "no key was stored before it"
			if len(done) > 0 {
				what = "the keys stored before it (" + strings.Join(done, ", ") + ") were removed again"
			}
			return nil, hint.With(fmt.Errorf("%w; %s, and the files were not touched, so %s", err, what, unchanged),
				"fix what the error names, then run stscred import again")
		}
		done = append(done, p.Name)
	}
	return undo, nil
}

// entrySnapshot is the state of some keystore entries before a change.
type entrySnapshot struct {
	names  []string
	values map[string]*string // nil: the entry did not exist
}

func snapshot(s keystore.Store, names []string) (*entrySnapshot, error) {
	snap := &entrySnapshot{names: names, values: map[string]*string{}}
	for _, n := range names {
		v, err := s.Get(n)
		switch {
		case errors.Is(err, keystore.ErrNotFound):
			snap.values[n] = nil
		case err != nil:
			return nil, err
		default:
			snap.values[n] = &v
		}
	}
	return snap, nil
}

// restore puts every entry back: removed if it did not exist, else set to
// its old value. It tries them all and reports those it could not restore.
func (snap *entrySnapshot) restore(s keystore.Store) error {
	var failed []string
	for i := len(snap.names) - 1; i >= 0; i-- {
		n := snap.names[i]
		var err error
		if v := snap.values[n]; v == nil {
			if err = s.Delete(n); errors.Is(err, keystore.ErrNotFound) {
				err = nil
			}
		} else {
			err = s.Set(n, *v)
		}
		if err != nil {
			what := n
			if p, ok := strings.CutPrefix(n, "v1:key:"); ok {
				what = "the key of profile " + p + " (stscred remove " + p + " --yes)"
			}
			failed = append(failed, fmt.Sprintf("%s: %v", what, err))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("could not restore in the %s: %s", s.Backend(), strings.Join(failed, "; "))
	}
	return nil
}

// configEdit adds credential_process for the moved profiles that need it.
func (im *Importer) configEdit(doc *credfile.File, moved []*Profile) *credfile.Edit {
	e := doc.Edit()
	first := true
	for _, p := range moved {
		line := profile.SessionProcess(im.Command, p.Name)
		switch p.Config {
		case ConfigInsert:
			e.InsertAfterHeader(p.cfgSection, BeginMarker, p.cfgSection.Indent()+line, EndMarker)
		case ConfigAppend:
			if !first {
				e.Append("")
			}
			first = false
			e.Append(BeginMarker, p.Header, line, EndMarker)
		}
	}
	return e
}

package importer

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/keystore"
)

// Print writes the summary of res: what was imported, what was skipped and
// why, the backup, the config changes. It never prints a secret: key ids
// are masked and skip reasons name lines and keys, not values.
func Print(w io.Writer, res *Result) error {
	pw := &printer{w: w}
	if res.NoFile {
		pw.say("nothing to import: there is no %s", res.CredentialsPath)
		return pw.err
	}
	would := ""
	if res.DryRun {
		would = "would "
	}
	for _, p := range res.Profiles {
		key := keystore.MaskID(p.AccessKeyID)
		who := ""
		if p.UserARN != "" {
			who = " (" + p.UserARN + ")"
		}
		switch p.Status {
		case Imported:
			pw.say("%simport %s: access key %s%s, into %s", would, p.Name, key, who, res.KeysDesc)
		case AlreadyStored:
			leave := "it only leaves the file"
			if res.DryRun {
				leave = "it would only leave the file"
			}
			pw.say("%simport %s: access key %s%s was already stored in %s; %s", would, p.Name, key, who, res.KeysDesc, leave)
		case Skipped:
			pw.say("left %s in the file: %s", p.Name, oneLine(p.Reason))
			for _, h := range hint.Of(p.Reason) {
				pw.say("  hint: %s", h)
			}
		}
	}
	moved := res.Moved()
	if len(moved) == 0 {
		pw.say("nothing to import from %s", res.CredentialsPath)
		return pw.err
	}
	var names []string
	for _, p := range moved {
		names = append(names, p.Name)
	}
	if res.DryRun {
		pw.say("would back up %s (mode 0600, same directory), then remove the keys of %s from it", res.CredentialsPath, strings.Join(names, ", "))
	} else {
		pw.say("backup of the original file: %s (mode 0600)", res.Backup)
		pw.say("removed the keys of %s from %s; every other line is as it was", strings.Join(names, ", "), res.CredentialsPath)
	}
	added := "added"
	if res.DryRun {
		added = "would add"
	}
	for _, p := range moved {
		line := profile.SessionProcess("", p.Name)
		switch p.Config {
		case ConfigInsert:
			pw.say("%s: %s %s to %s", res.ConfigPath, added, line, p.Header)
		case ConfigAppend:
			pw.say("%s: %s %s with %s", res.ConfigPath, added, p.Header, line)
		case ConfigAlready:
			pw.say("%s: %s already runs stscred session %s", res.ConfigPath, p.Header, p.Name)
		}
	}
	if res.DryRun {
		pw.say("dry run: nothing was changed")
		return pw.err
	}
	pw.say("the backup still holds the keys in the clear: once the AWS tools work (aws sts get-caller-identity --profile %s), delete it: rm %s", moved[0].Name, shellQuote(res.Backup))
	return pw.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) say(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, "stscred: "+format+"\n", args...)
	}
}

func oneLine(err error) string {
	msg := strings.TrimSuffix(strings.TrimSpace(err.Error()), ".")
	return strings.ReplaceAll(msg, "\n", " ")
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// PrintLogin writes what the import of the AWS CLI's sign-ins did (or,
// dry, would do): each file imported, removed, or left with the reason
// and hints, the credentials cached, and how the AWS tools reach each
// imported profile. It never prints a secret: a file is named by its
// path and the identity it is for, never by what it holds.
func PrintLogin(w io.Writer, res *LoginResult, now time.Time) error {
	pw := &printer{w: w}
	would := ""
	if res.DryRun {
		would = "would "
	}
	for _, f := range res.Files {
		if !f.Moved() {
			pw.say("left %s alone: %s", f.Path, oneLine(f.Reason))
			for _, h := range hint.Of(f.Reason) {
				pw.say("  hint: %s", h)
			}
			continue
		}
		name := f.Profiles[0]
		if f.Status == LoginAlreadyStored {
			pw.say("%simport %s: %s already holds this AWS Sign-In session of %s; only the file goes", would, name, res.KeysDesc, f.ARN)
		} else {
			replaced := ""
			if f.Replaced {
				replaced = "; it replaces the ended sign-in stored for it"
			}
			pw.say("%simport %s: the AWS Sign-In session of %s (until %s, %s), its proof key with it, from %s into %s%s",
				would, name, f.ARN, f.Until.Local().Format("15:04"), human.Left(f.Until, now), f.Path, res.KeysDesc, replaced)
		}
		if len(f.Elsewhere) > 0 {
			n := len(f.Elsewhere)
			pw.say("  note: %s %s %s the same login_session at another region or endpoint; the stored sign-in renews only at %s's (%s)",
				human.Plural(n, "profile", "profiles"), strings.Join(f.Elsewhere, ", "), human.Plural(n, "names", "name"), name, f.Region)
		}
		if res.DryRun {
			pw.say("would remove %s", f.Path)
			continue
		}
		pw.say("removed %s: nothing of the sign-in is left in the clear (no backup: it would hold the refresh token and the proof key)", f.Path)
		switch {
		case !f.Cached.IsZero():
			pw.say("cached the file's credentials of %s (%s)", name, human.Left(f.Cached, now))
		case f.CacheErr != nil:
			pw.say("warning: could not cache the file's credentials of %s (the next call renews them): %s", name, oneLine(f.CacheErr))
		}
	}
	for _, f := range res.Moved() {
		name := f.Profiles[0]
		keeps := "keeps"
		if res.DryRun {
			keeps = "would keep"
		}
		works := fmt.Sprintf("%s %s working through stscred (stscred session %s, and roles with source_profile = %s)", name, keeps, name, name)
		if len(f.Tools) > 0 {
			pw.say("%s; the AWS tools reach it through [profile %s]", works, strings.Join(f.Tools, "], [profile "))
		} else {
			pw.say("%s; the AWS CLI and SDKs read login_session themselves and will not find the file: give them a profile with %s", works, profile.SessionProcess("", name))
		}
	}
	return pw.err
}

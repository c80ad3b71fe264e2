package importer

import (
	"fmt"
	"io"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
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
		line := "credential_process = stscred session " + p.Name
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

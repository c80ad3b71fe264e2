package doctor

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/stscred/stscred/internal/sys/safefile"
	"github.com/stscred/stscred/shell"
)

// maxRCFile bounds what is read of a shell's rc file, as of an AWS config
// file: real ones are kilobytes.
const maxRCFile = 16 << 20

// checkShellHook looks for the block install.sh --shell-hook writes in the
// rc file of the user's shell (the shell package knows where, and what a
// good block is). Not installed is not a failure: the shell integration is
// optional. A damaged block is.
func (d *doctor) checkShellHook() {
	shellPath := d.s.Getenv("SHELL")
	var names []string
	for _, s := range shell.Installable() {
		names = append(names, s.Name())
	}
	supported := "install.sh --shell-hook supports " + strings.Join(names, ", ")
	sh, err := shell.Named(shellPath)
	home := d.s.Getenv("HOME")
	rc := ""
	if err == nil && shellPath != "" && home != "" {
		rc = sh.RCFile(home, d.s.Getenv)
	}
	switch {
	case shellPath == "":
		d.add(IDShellHook, "", Info, "shell hook not checked: SHELL is not set ("+supported+")", "to load it by hand, see: stscred shell-init --help")
		return
	case err != nil || rc == "" && home != "":
		d.add(IDShellHook, "", Info, "shell hook not checked: SHELL is "+shellPath+" ("+supported+")", "to load it by hand, see: stscred shell-init --help")
		return
	case home == "":
		d.add(IDShellHook, "", Info, "shell hook not checked: HOME is not set")
		return
	}
	shown := d.tilde(rc)
	data, err := safefile.ReadRegular(d.ctx, rc, maxRCFile)
	switch {
	case errors.Is(err, safefile.ErrNotRegular):
		d.add(IDShellHook, "", Fail, "cannot read "+shown+": "+err.Error(), "the shell's rc file must be a regular file")
		return
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		d.add(IDShellHook, "", Fail, "cannot read "+shown+": "+err.Error(), "check its permissions")
		return
	}
	h := sh.FindHook(data)
	switch {
	case h.Status == shell.HookInstalled:
		d.add(IDShellHook, "", Pass, h.Describe(shown))
	case h.Status == shell.HookAbsent:
		d.add(IDShellHook, "", Info, h.Describe(shown), h.Hint())
	default:
		d.add(IDShellHook, "", Fail, h.Describe(shown), h.Hint())
	}
}

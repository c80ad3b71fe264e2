package doctor

import (
	"errors"
	"io/fs"
	"path/filepath"
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
	// On Windows, unless a Unix-like shell with its HOME runs stscred (Git
	// Bash, MSYS2), the shell is PowerShell.
	if d.s.GOOS == "windows" && (d.s.Getenv("SHELL") == "" || d.s.Getenv("HOME") == "") {
		d.checkPowerShellProfile()
		return
	}
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

// checkPowerShellProfile is the shell hook's check on Windows, where
// there is no SHELL and no install.sh: a PowerShell profile that loads
// stscred shell-init powershell (the line README gives) passes; none is
// not a failure, the integration being optional.
func (d *doctor) checkPowerShellProfile() {
	ps, err := shell.Named("powershell")
	if err != nil {
		return
	}
	addLine := "to load it in every PowerShell window, add this line to your profile (notepad $PROFILE): " + ps.InitLine()
	profile := d.s.Getenv("USERPROFILE")
	if profile == "" {
		d.add(IDShellHook, "", Info, "shell hook not checked: USERPROFILE is not set", addLine)
		return
	}
	var looked []string
	// The current user's profiles for the console host: PowerShell 7's,
	// then Windows PowerShell 5.1's. (A Documents folder moved elsewhere,
	// to OneDrive say, is not followed: $PROFILE names the one in use.)
	for _, edition := range []string{"PowerShell", "WindowsPowerShell"} {
		path := filepath.Join(profile, "Documents", edition, "Microsoft.PowerShell_profile.ps1")
		shown := d.tilde(path)
		data, err := safefile.ReadRegular(d.ctx, path, maxRCFile)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			looked = append(looked, shown)
			continue
		case errors.Is(err, safefile.ErrNotRegular):
			d.add(IDShellHook, "", Fail, "cannot read the PowerShell profile "+shown+": "+err.Error(), "a PowerShell profile must be a regular file")
			return
		case err != nil:
			d.add(IDShellHook, "", Fail, "cannot read the PowerShell profile "+shown+": "+err.Error(), "check its permissions")
			return
		}
		if loadsPowerShellHook(string(data)) {
			d.add(IDShellHook, "", Pass, "shell hook loaded by the PowerShell profile "+shown)
			return
		}
		looked = append(looked, shown)
	}
	d.add(IDShellHook, "", Info, "shell hook not loaded: no line of "+strings.Join(looked, " or ")+" runs stscred shell-init powershell (optional)", addLine)
}

// loadsPowerShellHook reports whether a line of a PowerShell profile,
// comments aside, runs stscred shell-init powershell (or pwsh).
func loadsPowerShellHook(profile string) bool {
	for _, l := range strings.Split(profile, "\n") {
		l, _, _ = strings.Cut(l, "#")
		f := strings.Fields(strings.ToLower(l))
		for i := 0; i+2 < len(f); i++ {
			prog := strings.Trim(f[i], "&('\"")
			if (strings.HasSuffix(prog, "stscred") || strings.HasSuffix(prog, "stscred.exe")) && f[i+1] == "shell-init" &&
				(strings.HasPrefix(f[i+2], "powershell") || strings.HasPrefix(f[i+2], "pwsh")) {
				return true
			}
		}
	}
	return false
}

// Package shell is what stscred knows about each shell, one type per shell
// (bash.go, zsh.go, fish.go, powershell.go) behind the Shell interface: its
// rc file and the block install.sh puts there between the marker lines,
// the line a user adds by hand, the integration script (hooks/), the
// export syntax, the completion script, and how to tell from an rc file
// whether the block is installed (FindHook). Every value written for a
// shell comes from a template or a writer that quotes it, so that no
// profile name, path, region or secret can inject code.
package shell

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Shell is everything stscred knows about one shell. Each shell is one
// type (bash, zsh, fish, powershell) behind this interface; shell-init,
// export, completion, doctor and install.sh (through the hidden
// shell-init options) all ask it, so a new shell is one new type.
type Shell interface {
	// Name is the shell's name as commands take it: bash, zsh, fish,
	// powershell.
	Name() string

	// RCFile is the file the shell reads at each interactive start, for
	// home and the environment getenv reads (ZDOTDIR, XDG_CONFIG_HOME);
	// "" when install.sh does not edit one for this shell (PowerShell:
	// its $PROFILE is known only to PowerShell itself).
	RCFile(home string, getenv func(string) string) string

	// InitLine is the line a user puts in the rc file by hand to load the
	// shell integration (what `stscred shell-init --help` shows and what
	// install.sh's block holds).
	InitLine() string

	// PathLine is the rc-file line that puts bin on PATH when it is not
	// there yet, bin quoted.
	PathLine(bin string) string

	// InstallBlock is what install.sh --shell-hook puts in the rc file:
	// the marker lines (BeginMarker, EndMarker) and between them the PATH
	// line for dirs.Bin, InitLine and the line that loads the completion
	// installed under dirs.Share, every value quoted. Newline-terminated.
	InstallBlock(dirs InstallDirs) (string, error)

	// CompletionFile is where install.sh puts the completion script under
	// share (the prefix's share directory); "" when there is none.
	CompletionFile(share string) string

	// Hook is the shell integration script (stscred use, renewal before
	// each prompt) that `stscred shell-init NAME` prints.
	Hook() (string, error)

	// ExportFormat is the export syntax this shell reads: sh, fish or
	// powershell.
	ExportFormat() string

	// WriteExport prints e as assignments this shell reads back as the
	// exact values.
	WriteExport(w io.Writer, e Export) error

	// Quote quotes s so that this shell reads it back literally.
	Quote(s string) string

	// Completion is the completion script for spec; an error when stscred
	// has none for this shell.
	Completion(spec CompletionSpec) (string, error)

	// FindHook reads an rc file's content and says whether install.sh's
	// block is there and loads this shell's integration.
	FindHook(rc []byte) HookState
}

// InstallDirs are the directories of one installation.
type InstallDirs struct {
	Bin   string // where the stscred binary is
	Share string // the share directory completions are installed under
}

var all = []Shell{bash{}, zsh{}, fish{}, powershell{}}

// All returns the shells stscred supports, in a stable order.
func All() []Shell { return append([]Shell(nil), all...) }

// Names returns the names of All.
func Names() []string {
	var out []string
	for _, s := range all {
		out = append(out, s.Name())
	}
	return out
}

// Installable returns the shells install.sh --shell-hook edits an rc file
// for (those with an RCFile), in All's order.
func Installable() []Shell {
	var out []Shell
	for _, s := range all {
		if s.RCFile("/", nil) != "" {
			out = append(out, s)
		}
	}
	return out
}

// Named returns the shell called name. It also takes "pwsh" for
// PowerShell and, for convenience, a path or an ".exe" name (the form of
// $SHELL).
func Named(name string) (Shell, error) {
	n := strings.TrimSuffix(strings.ToLower(filepath.Base(name)), ".exe")
	if n == "pwsh" {
		n = "powershell"
	}
	for _, s := range all {
		if s.Name() == n && n != "" {
			return s, nil
		}
	}
	return nil, fmt.Errorf("no shell integration for %q (supported: %s)", name, strings.Join(Names(), ", "))
}

package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

const (
	hookBegin         = "# >>> stscred shell hook >>>"
	hookEnd           = "# <<< stscred shell hook <<<"
	installHookHint   = "./install.sh --shell-hook adds it to your shell's rc file (optional: it gives stscred use and renewal before each prompt)"
	reinstallHookHint = "delete the lines from '" + hookBegin + "' to '" + hookEnd + "' and run ./install.sh --shell-hook again"
)

// checkShellHook looks for the block install.sh --shell-hook writes in the
// rc file of the user's shell. Not installed is not a failure: the shell
// integration is optional. A damaged block is.
func (d *doctor) checkShellHook() {
	shellPath := d.s.Getenv("SHELL")
	sh := filepath.Base(shellPath)
	home := d.s.Getenv("HOME")
	var rc string
	switch sh {
	case "bash":
		rc = filepath.Join(home, ".bashrc")
	case "zsh":
		rc = filepath.Join(firstNonEmpty(d.s.Getenv("ZDOTDIR"), home), ".zshrc")
	case "fish":
		rc = filepath.Join(firstNonEmpty(d.s.Getenv("XDG_CONFIG_HOME"), filepath.Join(home, ".config")), "fish", "config.fish")
	default:
		what := "SHELL is not set"
		if shellPath != "" {
			what = "SHELL is " + shellPath
		}
		d.add(IDShellHook, "", Info, "shell hook not checked: "+what+" (install.sh --shell-hook supports bash, zsh and fish)",
			"to load it by hand, see: stscred shell-init --help")
		return
	}
	if home == "" {
		d.add(IDShellHook, "", Info, "shell hook not checked: HOME is not set")
		return
	}
	shown := d.tilde(rc)
	data, err := os.ReadFile(rc)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		d.add(IDShellHook, "", Fail, "cannot read "+shown+": "+err.Error(), "check its permissions")
		return
	}
	var begins, ends []int
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		switch strings.TrimRight(l, " \t\r") {
		case hookBegin:
			begins = append(begins, i)
		case hookEnd:
			ends = append(ends, i)
		}
	}
	switch {
	case len(begins) == 0 && len(ends) == 0:
		d.add(IDShellHook, "", Info, "shell hook not installed in "+shown+" (optional)", installHookHint)
		return
	case len(begins) != 1 || len(ends) != 1 || ends[0] < begins[0]:
		d.add(IDShellHook, "", Fail,
			fmt.Sprintf("shell hook block in %s is damaged: %d start and %d end marker lines", shown, len(begins), len(ends)),
			reinstallHookHint)
		return
	}
	var initShell string
	found := false
	for _, l := range lines[begins[0]+1 : ends[0]] {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "#") {
			continue
		}
		if _, rest, ok := strings.Cut(l, "stscred shell-init"); ok {
			found = true
			if f := strings.Fields(strings.NewReplacer(")", " ", `"`, " ", "|", " ").Replace(rest)); len(f) > 0 {
				initShell = f[0]
			}
			break
		}
	}
	switch {
	case !found:
		d.add(IDShellHook, "", Fail, "shell hook block in "+shown+" does not load stscred shell-init", reinstallHookHint)
	case initShell != sh:
		d.add(IDShellHook, "", Fail, fmt.Sprintf("shell hook block in %s loads stscred shell-init %s into %s", shown, initShell, sh), reinstallHookHint)
	default:
		d.add(IDShellHook, "", Pass, "shell hook installed in "+shown)
	}
}

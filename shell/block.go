package shell

import (
	"fmt"
	"path/filepath"
	"strings"
)

// The lines install.sh --shell-hook puts around its block in an rc file.
// They are a contract with every rc file ever written: install.sh's
// --uninstall and doctor find the block by them.
const (
	BeginMarker = "# >>> stscred shell hook >>>"
	EndMarker   = "# <<< stscred shell hook <<<"
)

// renderBlock fills text for s and dirs: {{.Begin}}, {{.End}} and
// {{.Init}} as they are, {{q .Bin}}, {{q .Completion}} and
// {{q .CompletionDir}} quoted for the shell. (A fixed set of
// placeholders, not text/template: linking that keeps every exported
// method in the binary, which every credential_process call then loads.)
func renderBlock(s Shell, text string, dirs InstallDirs) (string, error) {
	for _, d := range []string{dirs.Bin, dirs.Share} {
		if d == "" {
			return "", fmt.Errorf("the install block needs both the bin and the share directory")
		}
		// The block is read line by line (doctor, install.sh): a line
		// break in a path could forge a marker line.
		if strings.ContainsAny(d, "\n\r\x00") {
			return "", fmt.Errorf("directory %q holds a line break or NUL: not usable in an rc file", d)
		}
	}
	comp := s.CompletionFile(dirs.Share)
	compDir := ""
	if comp != "" {
		compDir = filepath.Dir(comp)
	}
	out := strings.NewReplacer(
		"{{.Begin}}", BeginMarker, "{{.End}}", EndMarker, "{{.Init}}", s.InitLine(),
		"{{q .Bin}}", s.Quote(dirs.Bin), "{{q .Completion}}", s.Quote(comp), "{{q .CompletionDir}}", s.Quote(compDir),
	).Replace(text)
	if i := strings.Index(out, "{{"); i >= 0 {
		return "", fmt.Errorf("the %s install block has an unknown placeholder at %q", s.Name(), out[i:min(len(out), i+20)])
	}
	return out, nil
}

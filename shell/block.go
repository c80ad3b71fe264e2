package shell

import (
	"fmt"
	"path/filepath"
	"strings"
	"text/template"
)

// The lines install.sh --shell-hook puts around its block in an rc file.
// They are a contract with every rc file ever written: install.sh's
// --uninstall and doctor find the block by them.
const (
	BeginMarker = "# >>> stscred shell hook >>>"
	EndMarker   = "# <<< stscred shell hook <<<"
)

// blockData is what a block template sees; every value in it is used
// through the shell's quote function.
type blockData struct {
	Begin, End string
	Bin        string
	Init       string // InitLine: stscred's own text, not quoted
	Completion string // the completion file; "" when the shell has none
	// CompletionDir is the directory of Completion.
	CompletionDir string
}

// renderBlock fills text (a template whose function q quotes for the
// shell) for s and dirs.
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
	t, err := template.New(s.Name()).Funcs(template.FuncMap{"q": s.Quote}).Parse(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	err = t.Execute(&b, blockData{
		Begin: BeginMarker, End: EndMarker,
		Bin: dirs.Bin, Init: s.InitLine(), Completion: comp, CompletionDir: compDir,
	})
	return b.String(), err
}

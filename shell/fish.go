package shell

import (
	"io"
	"path/filepath"
)

// fish: rc file ${XDG_CONFIG_HOME:-~/.config}/fish/config.fish, its own
// export syntax.
type fish struct{}

func (fish) Name() string { return "fish" }

func (fish) RCFile(home string, getenv func(string) string) string {
	dir := filepath.Join(home, ".config")
	if getenv != nil && getenv("XDG_CONFIG_HOME") != "" {
		dir = getenv("XDG_CONFIG_HOME")
	}
	return filepath.Join(dir, "fish", "config.fish")
}

func (fish) InitLine() string { return "stscred shell-init fish | source" }

func (fish) PathLine(bin string) string {
	q := QuoteFish(bin)
	return "contains -- " + q + " $PATH; or set -gx PATH " + q + " $PATH"
}

const fishBlock = `{{.Begin}}
contains -- {{q .Bin}} $PATH; or set -gx PATH {{q .Bin}} $PATH
{{.Init}}
test -r {{q .Completion}}; and source {{q .Completion}}
{{.End}}
`

func (s fish) InstallBlock(dirs InstallDirs) (string, error) { return renderBlock(s, fishBlock, dirs) }

func (fish) CompletionFile(share string) string {
	return filepath.Join(share, "fish", "vendor_completions.d", "stscred.fish")
}

func (fish) Hook() (string, error) { return hookScript("fish", "fish.fish") }

func (fish) ExportFormat() string { return "fish" }

func (fish) WriteExport(w io.Writer, e Export) error { return writeFish(w, e) }

func (fish) Quote(s string) string { return QuoteFish(s) }

func (fish) Completion(spec CompletionSpec) (string, error) { return fishCompletion(spec), nil }

func (fish) FindHook(rc []byte) HookState { return findHook("fish", rc) }

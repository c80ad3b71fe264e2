package shell

import (
	"io"
	"path/filepath"
)

// bash: rc file ~/.bashrc (what every interactive non-login bash reads;
// ~/.profile is read by login shells only), sh export syntax.
type bash struct{}

func (bash) Name() string { return "bash" }

func (bash) RCFile(home string, _ func(string) string) string {
	return filepath.Join(home, ".bashrc")
}

func (bash) InitLine() string { return `eval "$(stscred shell-init bash)"` }

func (bash) PathLine(bin string) string { return shPathLine(bin) }

// shPathLine adds bin to PATH once, for sh-like shells. In a case pattern
// a quoted part matches literally, so no character of bin is a pattern.
func shPathLine(bin string) string {
	q := QuoteSh(bin)
	return `case ":$PATH:" in *:` + q + `:*) ;; *) export PATH=` + q + `:"$PATH" ;; esac`
}

const bashBlock = `{{.Begin}}
case ":$PATH:" in *:{{q .Bin}}:*) ;; *) export PATH={{q .Bin}}:"$PATH" ;; esac
{{.Init}}
[ -r {{q .Completion}} ] && . {{q .Completion}}
{{.End}}
`

func (s bash) InstallBlock(dirs InstallDirs) (string, error) { return renderBlock(s, bashBlock, dirs) }

func (bash) CompletionFile(share string) string {
	return filepath.Join(share, "bash-completion", "completions", "stscred")
}

func (bash) Hook() (string, error) { return hookScript("bash", "bash.sh") }

func (bash) ExportFormat() string { return "sh" }

func (bash) WriteExport(w io.Writer, e Export) error { return writeSh(w, e) }

func (bash) Quote(s string) string { return QuoteSh(s) }

func (bash) Completion(spec CompletionSpec) (string, error) { return bashCompletion(spec), nil }

func (bash) FindHook(rc []byte) HookState { return findHook("bash", rc) }

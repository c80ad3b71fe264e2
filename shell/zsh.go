package shell

import (
	"io"
	"path/filepath"
)

// zsh: rc file ${ZDOTDIR:-$HOME}/.zshrc, sh export syntax. Its install
// block also puts the completion directory on $fpath and loads the
// completion itself, so completion works without the user's own compinit.
type zsh struct{}

func (zsh) Name() string { return "zsh" }

func (zsh) RCFile(home string, getenv func(string) string) string {
	dir := home
	if getenv != nil && getenv("ZDOTDIR") != "" {
		dir = getenv("ZDOTDIR")
	}
	return filepath.Join(dir, ".zshrc")
}

func (zsh) InitLine() string { return `eval "$(stscred shell-init zsh)"` }

func (zsh) PathLine(bin string) string { return shPathLine(bin) }

// The completion file is sourced: it loads compinit when the user's rc
// file has not, and registers itself. Its directory on $fpath keeps it
// registered when a compinit runs again later in the rc file.
const zshBlock = `{{.Begin}}
case ":$PATH:" in *:{{q .Bin}}:*) ;; *) export PATH={{q .Bin}}:"$PATH" ;; esac
{{.Init}}
fpath=({{q .CompletionDir}} ${fpath:#{{q .CompletionDir}}})
[ -r {{q .Completion}} ] && . {{q .Completion}}
{{.End}}
`

func (s zsh) InstallBlock(dirs InstallDirs) (string, error) { return renderBlock(s, zshBlock, dirs) }

func (zsh) CompletionFile(share string) string {
	return filepath.Join(share, "zsh", "site-functions", "_stscred")
}

func (zsh) Hook() (string, error) { return hookScript("zsh", "zsh.zsh") }

func (zsh) ExportFormat() string { return "sh" }

func (zsh) WriteExport(w io.Writer, e Export) error { return writeSh(w, e) }

func (zsh) Quote(s string) string { return QuoteSh(s) }

func (zsh) Completion(spec CompletionSpec) (string, error) { return zshCompletion(spec), nil }

func (zsh) FindHook(rc []byte) HookState { return findHook("zsh", rc) }

package shell

import (
	"errors"
	"io"
)

// powershell: PowerShell (pwsh or Windows PowerShell). Its profile path
// ($PROFILE) depends on the edition and the OS and only PowerShell itself
// knows it, so install.sh edits none: RCFile is "" and there is no
// install block; the user adds InitLine to $PROFILE. No completion script
// either.
type powershell struct{}

func (powershell) Name() string { return "powershell" }

func (powershell) RCFile(string, func(string) string) string { return "" }

func (powershell) InitLine() string {
	return "Invoke-Expression (& stscred shell-init powershell | Out-String)"
}

func (powershell) PathLine(bin string) string {
	q := QuotePowerShell(bin)
	return "if (-not (($Env:PATH -split [IO.Path]::PathSeparator) -contains " + q + ")) { $Env:PATH = " + q + " + [IO.Path]::PathSeparator + $Env:PATH }"
}

func (powershell) InstallBlock(InstallDirs) (string, error) {
	return "", errors.New("install.sh does not edit PowerShell profiles: add this line to $PROFILE: " + powershell{}.InitLine())
}

func (powershell) CompletionFile(string) string { return "" }

func (powershell) Hook() (string, error) { return hookScript("powershell", "powershell.ps1") }

func (powershell) ExportFormat() string { return "powershell" }

func (powershell) WriteExport(w io.Writer, e Export) error { return writePowerShell(w, e) }

func (powershell) Quote(s string) string { return QuotePowerShell(s) }

func (powershell) Completion(CompletionSpec) (string, error) {
	return "", errors.New("no completion for powershell (supported: bash, zsh, fish)")
}

func (powershell) FindHook(rc []byte) HookState { return findHook("powershell", rc) }

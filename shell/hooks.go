package shell

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed hooks
var hooks embed.FS

// Shells that shell-init supports.
var Shells = []string{"bash", "zsh", "fish", "powershell"}

var hookFiles = map[string]string{
	"bash":       "hooks/bash.sh",
	"zsh":        "hooks/zsh.zsh",
	"fish":       "hooks/fish.fish",
	"powershell": "hooks/powershell.ps1",
}

// Hook returns the shell integration script for shell.
func Hook(shell string) (string, error) {
	name, ok := hookFiles[shell]
	if !ok {
		return "", fmt.Errorf("no shell integration for %q (supported: %s)", shell, strings.Join(Shells, ", "))
	}
	b, err := hooks.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("reading the %s hook: %w", shell, err)
	}
	return string(b), nil
}

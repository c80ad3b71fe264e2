package shell

import (
	"embed"
	"fmt"
)

//go:embed hooks
var hooks embed.FS

// hookScript reads one embedded integration script.
func hookScript(name, file string) (string, error) {
	b, err := hooks.ReadFile("hooks/" + file)
	if err != nil {
		return "", fmt.Errorf("reading the %s hook: %w", name, err)
	}
	return string(b), nil
}

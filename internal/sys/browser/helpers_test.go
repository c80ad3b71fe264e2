package browser

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stscred/stscred/internal/sys/proc"
)

// runnerWithEnv passes this process's environment on (the stand-in
// browser needs STSCRED_TEST_BROWSER_RECORD).
func runnerWithEnv() *proc.Runner { return &proc.Runner{Environ: os.Environ()} }

// browserScript writes a browser program (a script of the platform's
// shell) and returns its path.
func browserScript(t *testing.T, text string) string {
	t.Helper()
	script := filepath.Join(t.TempDir(), scripts.name)
	if err := os.WriteFile(script, []byte(text), 0o700); err != nil {
		t.Fatal(err)
	}
	return script
}

func vars(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

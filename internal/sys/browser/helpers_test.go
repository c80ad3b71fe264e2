package browser

import (
	"os"

	"github.com/stscred/stscred/internal/sys/proc"
)

// runnerWithEnv passes this process's environment on (the stand-in
// browser needs STSCRED_TEST_BROWSER_RECORD).
func runnerWithEnv() *proc.Runner { return &proc.Runner{Environ: os.Environ()} }

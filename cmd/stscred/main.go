// Command stscred keeps AWS IAM users' long-term keys in the OS keyring and
// hands out short-lived STS credentials: as a credential_process, to a
// shell, or to one command.
package main

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/stscred/stscred/internal/harden"
	"github.com/stscred/stscred/internal/proc"
	"github.com/stscred/stscred/internal/textsafe"
	"github.com/stscred/stscred/tty"
	"golang.org/x/term"
)

// version is set at build time by install.sh (-ldflags -X main.version=...);
// otherwise it comes from the build info (see buildVersion).
var version = ""

func main() {
	// Before anything secret is in memory: no core file, no debugger.
	harden.Process()
	scrubEmptyEnv(os.LookupEnv, os.Unsetenv)
	stdinTTY := term.IsTerminal(int(os.Stdin.Fd()))
	env := &Env{
		Stdin:  bufio.NewReader(os.Stdin),
		Stdout: os.Stdout,
		// Whatever reaches the terminal through stderr (stscred's own
		// messages, what an mfa_process prints) loses its escape sequences.
		Stderr:        textsafe.Writer{W: os.Stderr},
		StdinTerminal: stdinTTY,
		ReadSecret: func(prompt string) (string, error) {
			return tty.ReadHiddenFrom(os.Stdin, os.Stderr, prompt)
		},
		Getenv:     os.Getenv,
		Environ:    os.Environ,
		Now:        time.Now,
		OpenTTY:    tty.Open,
		LookPath:   exec.LookPath,
		PID:        os.Getpid(),
		ParentName: proc.ParentName,
		GOOS:       runtime.GOOS,
		Version:    buildVersion(version, debug.ReadBuildInfo),
	}
	os.Exit(run(os.Args[1:], env))
}

// buildVersion is the version install.sh set, else the module version Go
// recorded (go install pkg@v1.2.3), else "dev" with the commit the binary
// was built from, when Go recorded one.
func buildVersion(set string, info func() (*debug.BuildInfo, bool)) string {
	if set != "" {
		return set
	}
	bi, ok := info()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	switch {
	case rev == "":
		return "dev"
	case dirty:
		return "dev (" + rev + ", modified)"
	}
	return "dev (" + rev + ")"
}

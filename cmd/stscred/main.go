// Command stscred keeps AWS IAM users' long-term keys in the OS keyring
// and hands out short-lived STS credentials: as a credential_process, to a
// shell, or to one command.
package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/cli/buildinfo"
	"github.com/stscred/stscred/internal/config/credline"
	"github.com/stscred/stscred/internal/sys/picker"
	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/internal/sys/safefile"
	"github.com/stscred/stscred/internal/sys/tty"
	"golang.org/x/term"
)

// version is set at build time by install.sh (-ldflags -X main.version=...);
// otherwise it comes from the build info (see buildinfo.Version).
var version = ""

func main() {
	// Before anything secret is in memory: no core file, no debugger.
	proc.Harden()
	credline.ScrubEmpty(os.LookupEnv, os.Unsetenv)
	p := &app.Process{
		Stdin:  bufio.NewReader(os.Stdin),
		Stdout: os.Stdout,
		// Whatever reaches the terminal through stderr (stscred's own
		// messages, what an mfa_process prints) loses its escape sequences.
		Stderr:        textsafe.Writer{W: os.Stderr},
		StdinTerminal: term.IsTerminal(int(os.Stdin.Fd())),
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
		Version:    func() string { return buildinfo.Version(version, debug.ReadBuildInfo) },
		Pick:       picker.OnTerminal,

		ReadKernelFile: func(path string) ([]byte, error) {
			return safefile.ReadRegular(context.Background(), path, 4096)
		},
	}
	os.Exit(run(os.Args[1:], p, app.NewServices(p)))
}

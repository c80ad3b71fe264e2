package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/sys/proc"
)

// wsl is what the Windows Subsystem for Linux shows of itself, as WSL 1
// and WSL 2 both show it.
type wsl struct {
	// on: stscred runs under WSL. The kernel's release names Microsoft
	// (WSL 1: "4.4.0-19041-Microsoft"; WSL 2: "5.15.x-microsoft-standard-WSL2"),
	// or WSL's own variables are set (WSL_DISTRO_NAME in both, WSL_INTEROP
	// in WSL 2); either is enough, as a variable may be dropped (sudo) and
	// a custom WSL 2 kernel may be named otherwise.
	on bool
	// interop: Windows programs can be started from here. Off only when
	// WSL says so (its binfmt_misc entry, WSLInterop or WSLInterop-late,
	// reads "disabled"): where the entry cannot be read, starting a
	// Windows program tells.
	interop bool
	// distro is WSL_DISTRO_NAME ("" when not set).
	distro string
}

// detectWSL reads where WSL shows itself. readFile reads a file of the
// kernel's (nil: none can be read).
func detectWSL(goos string, getenv func(string) string, readFile func(string) ([]byte, error)) wsl {
	if goos != "linux" {
		return wsl{}
	}
	read := func(path string) (string, bool) {
		if readFile == nil {
			return "", false
		}
		b, err := readFile(path)
		if err != nil {
			return "", false
		}
		return strings.ToLower(string(bytes.TrimSpace(b))), true
	}
	w := wsl{distro: getenv("WSL_DISTRO_NAME")}
	release, _ := read("/proc/sys/kernel/osrelease")
	w.on = w.distro != "" || getenv("WSL_INTEROP") != "" ||
		strings.Contains(release, "microsoft") || strings.Contains(release, "wsl")
	if !w.on {
		return w
	}
	seen, enabled := false, false
	for _, entry := range []string{"/proc/sys/fs/binfmt_misc/WSLInterop", "/proc/sys/fs/binfmt_misc/WSLInterop-late"} {
		if s, ok := read(entry); ok {
			seen = true
			enabled = enabled || strings.HasPrefix(s, "enabled")
		}
	}
	w.interop = !seen || enabled
	return w
}

// drive is where Windows' C: drive is mounted (WSL's default automount
// root).
func (w wsl) drive() string { return "/mnt/c/" }

// system32 is the path of a program in Windows' System32 here.
func (w wsl) system32(program string) string { return w.drive() + "Windows/System32/" + program }

// noOpener is the error for no browser to be found: ErrNoBrowser, and
// under WSL what was looked for.
func (w wsl) noOpener() error {
	switch {
	case w.on && !w.interop:
		return fmt.Errorf("%w (under WSL with Windows interop disabled: enable it in /etc/wsl.conf, or name a browser with --browser)", ErrNoBrowser)
	case w.on:
		return fmt.Errorf("%w (under WSL, neither wslview nor Windows' rundll32.exe was found: install wslu, or name a browser with --browser)", ErrNoBrowser)
	}
	return ErrNoBrowser
}

// windowsPath is the Windows path of a file of this WSL distribution:
// what `wslpath -w` says (\\wsl.localhost\DISTRO\... on current Windows),
// else \\wsl$\DISTRO\... from WSL_DISTRO_NAME (which every Windows that
// sets it serves).
func (b Browser) windowsPath(ctx context.Context, w wsl, path string) (string, error) {
	if wslpath, err := b.LookPath("wslpath"); err == nil {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		out, err := b.Runner.Start(ctx, []string{wslpath, "-w", path}, proc.StartOptions{Kill: true, Quiet: true})
		if p := strings.TrimSpace(string(out.Stdout)); err == nil && isWindowsPath(p) {
			return p, nil
		}
	}
	if w.distro == "" {
		return "", errors.New("cannot tell the Windows path of the page for the browser: wslpath failed and WSL_DISTRO_NAME is not set")
	}
	return `\\wsl$\` + w.distro + strings.ReplaceAll(path, "/", `\`), nil
}

// isWindowsPath reports a whole Windows path: \\SERVER\SHARE\... or
// X:\..., one line.
func isWindowsPath(p string) bool {
	if strings.ContainsAny(p, "\r\n") {
		return false
	}
	if strings.HasPrefix(p, `\\`) {
		return len(p) > 2
	}
	return len(p) >= 3 && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z') && p[1] == ':' && p[2] == '\\'
}

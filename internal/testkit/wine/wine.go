// Package wine runs stscred's Windows build on Linux, under Debian's Wine
// 8, for the tests: it boots a private Wine prefix, fills the one gap Wine
// 8 has for Go programs, and starts Windows programs in it.
//
// The gap: the Go runtime (1.24 and later) loads bcryptprimitives.dll from
// system32 at start and calls ProcessPrng for random bytes. Wine 8 has no
// such DLL, so no Go program starts. Boot builds the project's own minimal
// one (prng/bcryptprimitives.c: ProcessPrng on top of advapi32's
// RtlGenRandom) with mingw-w64 and installs it into the prefix's system32.
// Nothing of it reaches stscred: only the test prefix holds it.
//
// Wine passes the Unix environment on to Windows programs, except the
// variables it sets itself (PATH, TEMP, TMP, USERPROFILE, APPDATA,
// LOCALAPPDATA, ...): those are the prefix's. A test that wants its own
// home runs the program through a Windows program that sets them (the
// e2e suite's wintool env).
package wine

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

//go:embed prng/bcryptprimitives.c prng/bcryptprimitives.def
var prngSource embed.FS

// Packages are the Debian packages the harness needs.
const Packages = "wine64 gcc-mingw-w64-x86-64"

// Tools are the programs the harness runs on the Linux side.
type Tools struct {
	Wine   string // the 64-bit Wine loader
	Server string // its wineserver
	CC     string // mingw-w64's C compiler for x86_64 Windows
}

// FindTools finds Wine and mingw-w64: on PATH, else where Debian's wine64
// package puts them (it installs no wine64 on PATH without the wine
// package). The error names what is missing and the Debian packages.
func FindTools() (Tools, error) {
	var t Tools
	var missing []string
	find := func(dst *string, names ...string) {
		for _, n := range names {
			if filepath.IsAbs(n) {
				if fi, err := os.Stat(n); err == nil && fi.Mode().IsRegular() {
					*dst = n
					return
				}
				continue
			}
			if p, err := exec.LookPath(n); err == nil {
				*dst = p
				return
			}
		}
		missing = append(missing, names[0])
	}
	find(&t.Wine, "wine64", "/usr/lib/wine/wine64")
	find(&t.Server, "wineserver", "/usr/lib/wine/wineserver64", "/usr/lib/wine/wineserver")
	find(&t.CC, "x86_64-w64-mingw32-gcc")
	if len(missing) > 0 {
		return t, fmt.Errorf("running the Windows build under Wine needs %s, not found (Debian packages: %s)", strings.Join(missing, ", "), Packages)
	}
	return t, nil
}

// Prefix is a booted private Wine prefix.
type Prefix struct {
	Dir   string // WINEPREFIX
	Tools Tools
	home  string // HOME of the Wine processes (not the Windows user's profile)
}

// Boot creates a Wine prefix in dir (which must not exist yet), with the
// ProcessPrng DLL in its system32, and starts a wineserver that stays
// until Close. It takes some ten seconds.
func Boot(ctx context.Context, dir string, tools Tools) (*Prefix, error) {
	home := dir + ".home"
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, err
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	p := &Prefix{Dir: dir, Tools: tools, home: home}
	// A wineserver that stays until Close, started first, with no pipe
	// of ours: the Wine programs started later each connect to it, and
	// none starts a server of its own that would hold their output open.
	server := p.command(ctx, tools.Server, "--persistent")
	server.Stdout, server.Stderr = nil, nil
	if err := server.Run(); err != nil {
		return nil, fmt.Errorf("starting wineserver: %v", err)
	}
	// wineboot leaves Windows services running that inherited its
	// output: a file, not a pipe, so that nobody waits for them.
	log, err := os.CreateTemp("", "stscred-wineboot-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(log.Name())
	defer log.Close()
	boot := p.command(ctx, tools.Wine, "wineboot", "--init")
	boot.Stdout, boot.Stderr = log, log
	if err := boot.Run(); err != nil {
		out, _ := os.ReadFile(log.Name())
		_ = p.Close()
		return nil, fmt.Errorf("wineboot --init: %v\n%s", err, out)
	}
	if err := p.installPRNG(ctx); err != nil {
		_ = p.Close()
		return nil, err
	}
	return p, nil
}

// installPRNG builds bcryptprimitives.dll and puts it into system32.
func (p *Prefix) installPRNG(ctx context.Context) error {
	src, err := os.MkdirTemp("", "stscred-prng-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(src)
	for _, name := range []string{"bcryptprimitives.c", "bcryptprimitives.def"} {
		b, err := prngSource.ReadFile("prng/" + name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(src, name), b, 0o600); err != nil {
			return err
		}
	}
	system32 := filepath.Join(p.Dir, "drive_c", "windows", "system32")
	if _, err := os.Stat(filepath.Join(system32, "kernel32.dll")); err != nil {
		return fmt.Errorf("the Wine prefix has no system32: %v", err)
	}
	dll := filepath.Join(system32, "bcryptprimitives.dll")
	// No C runtime (-nostdlib): the DLL imports advapi32 alone.
	cc := exec.CommandContext(ctx, p.Tools.CC, "-shared", "-O2", "-s", "-nostdlib",
		"-Wl,--no-insert-timestamp", "-o", dll,
		filepath.Join(src, "bcryptprimitives.c"), filepath.Join(src, "bcryptprimitives.def"), "-ladvapi32")
	if out, err := cc.CombinedOutput(); err != nil {
		return fmt.Errorf("building bcryptprimitives.dll with %s: %v\n%s", p.Tools.CC, err, out)
	}
	return nil
}

// Env is the environment of a Wine command on the Linux side: this
// process's, with the prefix's settings. extra are added last (Windows
// programs see them, except the variables Wine sets itself).
func (p *Prefix) Env(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "WINE"), name == "HOME", name == "DISPLAY", name == "WAYLAND_DISPLAY":
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"WINEPREFIX="+p.Dir,
		"HOME="+p.home,
		"WINEDEBUG=-all",
		// No Mono and no Gecko: Wine would offer to download them.
		"WINEDLLOVERRIDES=mscoree,mshtml=",
	)
	return append(env, extra...)
}

func (p *Prefix) command(ctx context.Context, prog string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Env = p.Env()
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// Command runs the Windows program exe (a Unix path or a Windows one)
// with args under Wine, in this prefix.
func (p *Prefix) Command(ctx context.Context, exe string, args ...string) *exec.Cmd {
	return p.command(ctx, p.Tools.Wine, append([]string{exe}, args...)...)
}

// Close stops the prefix's processes and its wineserver, and removes it.
func (p *Prefix) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var errs []error
	if out, err := p.command(ctx, p.Tools.Server, "--kill").CombinedOutput(); err != nil && len(bytes.TrimSpace(out)) > 0 {
		errs = append(errs, fmt.Errorf("wineserver -k: %v: %s", err, out))
	}
	_ = p.command(ctx, p.Tools.Server, "--wait").Run()
	errs = append(errs, os.RemoveAll(p.Dir), os.RemoveAll(p.home))
	return errors.Join(errs...)
}

// DriveC is the Unix path of the prefix's C: drive.
func (p *Prefix) DriveC() string { return filepath.Join(p.Dir, "drive_c") }

// UserProfile is the Unix path of the prefix's own %USERPROFILE%
// (C:\users\NAME).
func (p *Prefix) UserProfile() (string, error) {
	matches, err := filepath.Glob(filepath.Join(p.DriveC(), "users", "*", "AppData"))
	if err != nil {
		return "", err
	}
	for _, m := range matches {
		if !strings.Contains(m, string(filepath.Separator)+"Public"+string(filepath.Separator)) {
			return filepath.Dir(m), nil
		}
	}
	return "", errors.New("the Wine prefix has no user profile")
}

// WinPath is how a Windows program names the Unix path: Wine's drive Z:
// is the Unix root.
func WinPath(unix string) string {
	return `Z:` + strings.ReplaceAll(filepath.Clean(unix), "/", `\`)
}

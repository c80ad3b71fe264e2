//go:build linux && realworld

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the checkout install.sh lives in.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "install.sh")); err != nil {
		t.Fatalf("install.sh not found at %s", dir)
	}
	return dir
}

// goEnv keeps the Go toolchain and its caches when HOME is a temp dir.
func goEnv(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatal(err)
	}
	v := strings.Split(strings.TrimSpace(string(out)), "\n")
	return []string{"PATH=" + filepath.Join(v[0], "bin") + ":/usr/local/bin:/usr/bin:/bin", "GOCACHE=" + v[1], "GOMODCACHE=" + v[2], "GOPATH=" + v[3], "GOFLAGS=-buildvcs=false", "GOTOOLCHAIN=local"}
}

func runIn(t *testing.T, dir string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out.String(), code
}

func TestInstallScript(t *testing.T) {
	root := repoRoot(t)
	for _, sc := range []struct {
		shell, rc, before string
		prefix            string   // under HOME
		loaded            []string // a command, run by the interactive shell, that succeeds once the hook is loaded
	}{
		{"bash", ".bashrc", "alias ll='ls -l'\nexport FOO=1", "opt", []string{"bash", "-i", "-c", `[ "$(type -t stscred)" = function ] && [ "$(type -t __stscred_hook)" = function ]`}},
		{"zsh", ".zshrc", "setopt extendedglob\n", "it's my $opt", []string{"zsh", "-i", "-c", `[[ $(whence -w stscred) == *function* ]] && (( ${precmd_functions[(Ie)__stscred_hook]} ))`}},
		{"fish", ".config/fish/config.fish", "", "it's my $opt", []string{"fish", "-i", "-c", "functions -q stscred __stscred_hook"}},
	} {
		t.Run(sc.shell, func(t *testing.T) {
			home := t.TempDir()
			prefix := filepath.Join(home, sc.prefix)
			rc := filepath.Join(home, sc.rc)
			if sc.before != "" {
				os.MkdirAll(filepath.Dir(rc), 0o755)
				os.WriteFile(rc, []byte(sc.before), 0o644)
			}
			env := append(goEnv(t), "HOME="+home, "PREFIX="+prefix, "SHELL=/usr/bin/"+sc.shell, "TERM=dumb")
			for i := 0; i < 2; i++ {
				out, code := runIn(t, root, env, "sh", "install.sh", "--shell-hook")
				if code != 0 {
					t.Fatalf("install.sh (run %d): exit %d\n%s", i+1, code, out)
				}
				if i == 0 && (!strings.Contains(out, "installed "+prefix+"/bin/stscred") || !strings.Contains(out, "next:")) {
					t.Fatalf("install.sh does not say what it did and what next:\n%s", out)
				}
				// The block puts bin on PATH: say to open a new shell, and
				// no note about PATH.
				if !strings.Contains(out, "install.sh: open a new shell to use stscred and its shell hook (this one has not read "+rc+")") ||
					strings.Contains(out, "not on your PATH") {
					t.Fatalf("install.sh --shell-hook (run %d) does not say to open a new shell, or notes PATH:\n%s", i+1, out)
				}
			}
			data, _ := os.ReadFile(rc)
			if n := strings.Count(string(data), "# >>> stscred shell hook >>>"); n != 1 {
				t.Fatalf("%s has the hook %d times:\n%s", rc, n, data)
			}
			if !strings.HasPrefix(string(data), sc.before) {
				t.Fatalf("%s: the existing content changed", rc)
			}
			// What install.sh wrote is the block the binary gives.
			block, code := runIn(t, home, env, filepath.Join(prefix, "bin", "stscred"), "shell-init", "--install-block", sc.shell, "--bin", filepath.Join(prefix, "bin"), "--share", filepath.Join(prefix, "share"))
			sep := ""
			if sc.before != "" && !strings.HasSuffix(sc.before, "\n") {
				sep = "\n"
			}
			if code != 0 || string(data) != sc.before+sep+block {
				t.Fatalf("%s holds\n%s\nwant the old content and the block of stscred shell-init --install-block:\n%s", rc, data, block)
			}
			out, code := runIn(t, home, env, filepath.Join(prefix, "bin", "stscred"), "--version")
			if code != 0 || !strings.HasPrefix(out, "stscred ") {
				t.Fatalf("installed stscred --version: %d %s", code, out)
			}
			for _, f := range []string{"share/bash-completion/completions/stscred", "share/zsh/site-functions/_stscred", "share/fish/vendor_completions.d/stscred.fish"} {
				if st, err := os.Stat(filepath.Join(prefix, f)); err != nil || st.Size() == 0 {
					t.Fatalf("completion %s missing", f)
				}
			}
			// The rc block loads the integration in a new interactive
			// shell, with the installed binary found through PATH.
			shellEnv := append([]string{"HOME=" + home, "PATH=/usr/bin:/bin", "TERM=dumb", "SHELL=/usr/bin/" + sc.shell}, "ZDOTDIR="+home)
			if out, code := runIn(t, home, shellEnv, sc.loaded[0], sc.loaded[1:]...); code != 0 {
				t.Fatalf("a new %s does not load the hook (exit %d):\n%s", sc.shell, code, out)
			}
			out, code = runIn(t, root, env, "sh", "install.sh", "--uninstall")
			if code != 0 {
				t.Fatalf("uninstall: %d\n%s", code, out)
			}
			after, err := os.ReadFile(rc)
			switch {
			case sc.before == "" && err == nil:
				t.Fatalf("%s was created by install.sh and must be gone, it holds:\n%s", rc, after)
			case sc.before != "" && string(after) != sc.before:
				t.Fatalf("%s after uninstall:\n%q\nwant\n%q", rc, after, sc.before)
			}
			if _, err := os.Stat(prefix); err == nil {
				var left []string
				filepath.Walk(prefix, func(p string, _ os.FileInfo, _ error) error { left = append(left, p); return nil })
				t.Fatalf("uninstall left %v", left)
			}
		})
	}
}

// With a fresh HOME whose ~/.local/bin is not on PATH, install.sh says one
// thing to do, for the user's shell: the line for the rc file that shell
// reads (a non-login bash reads ~/.bashrc, not ~/.profile); and that line,
// added, puts the installed stscred on PATH in a new interactive shell.
func TestInstallScriptPathNote(t *testing.T) {
	root := repoRoot(t)
	for _, sc := range []struct {
		shell, rc string
		found     []string // prints the path of the stscred a new interactive shell finds
	}{
		{"bash", ".bashrc", []string{"bash", "-i", "-c", "command -v stscred"}},
		{"zsh", ".zshrc", []string{"zsh", "-i", "-c", "command -v stscred"}},
		{"fish", ".config/fish/config.fish", []string{"fish", "-i", "-c", "command -v stscred"}},
		{"sh", "", nil},
	} {
		t.Run(sc.shell, func(t *testing.T) {
			home := t.TempDir()
			bin := filepath.Join(home, ".local", "bin")
			env := append(goEnv(t), "HOME="+home, "SHELL=/usr/bin/"+sc.shell, "TERM=dumb")
			out, code := runIn(t, root, env, "sh", "install.sh")
			if code != 0 {
				t.Fatalf("install.sh: exit %d\n%s", code, out)
			}
			if n := strings.Count(out, "not on your PATH"); n != 1 {
				t.Fatalf("the PATH note is there %d times, want once:\n%s", n, out)
			}
			if strings.Contains(out, ".profile") || strings.Contains(out, "open a new shell to use stscred and its shell hook") {
				t.Fatalf("install.sh without --shell-hook:\n%s", out)
			}
			if sc.rc == "" {
				if !strings.Contains(out, "install.sh: note: "+bin+" is not on your PATH; add it where your shell sets PATH") {
					t.Fatalf("for an unknown shell:\n%s", out)
				}
				return
			}
			rc := filepath.Join(home, sc.rc)
			note := "install.sh: note: " + bin + " is not on your PATH; add this line to " + rc + " (or run ./install.sh --shell-hook, which does), then open a new shell:\n  "
			i := strings.Index(out, note)
			if i < 0 {
				t.Fatalf("install.sh does not name %s and the line for it:\n%s", rc, out)
			}
			line, _, _ := strings.Cut(out[i+len(note):], "\n")
			os.MkdirAll(filepath.Dir(rc), 0o755)
			os.WriteFile(rc, []byte(line+"\n"), 0o644)
			shellEnv := []string{"HOME=" + home, "PATH=/usr/bin:/bin", "TERM=dumb", "ZDOTDIR=" + home}
			got, code := runIn(t, home, shellEnv, sc.found[0], sc.found[1:]...)
			if code != 0 || !strings.Contains(got, filepath.Join(bin, "stscred")) {
				t.Fatalf("with %q in %s a new %s finds no %s/stscred (exit %d):\n%s", line, rc, sc.shell, bin, code, got)
			}
			if out, code := runIn(t, root, env, "sh", "install.sh", "--uninstall"); code != 0 {
				t.Fatalf("uninstall: %d\n%s", code, out)
			}
		})
	}
}

// stscred shell-init --help shows, for each shell, its rc file and the
// line that loads the integration: the line install.sh's block holds, and
// that install.sh and doctor send people to look for.
func TestShellInitHelpShowsTheRCLine(t *testing.T) {
	w := newWorld(t)
	help := w.stscred("shell-init", "--help")
	if help.code != 0 {
		t.Fatal(help)
	}
	for _, sc := range []struct{ shell, rc, line string }{
		{"bash", "~/.bashrc", `eval "$(stscred shell-init bash)"`},
		{"zsh", "~/.zshrc (or $ZDOTDIR/.zshrc)", `eval "$(stscred shell-init zsh)"`},
		{"fish", "~/.config/fish/config.fish (or $XDG_CONFIG_HOME/fish/config.fish)", "stscred shell-init fish | source"},
		{"powershell", "$PROFILE", "Invoke-Expression (& stscred shell-init powershell | Out-String)"},
	} {
		if !strings.Contains(help.stdout, sc.shell+" ") || !strings.Contains(help.stdout, " in "+sc.rc+":\n        "+sc.line+"\n") {
			t.Errorf("shell-init --help does not show %s's line %q in %s:\n%s", sc.shell, sc.line, sc.rc, help.stdout)
		}
		if sc.shell == "powershell" {
			continue
		}
		block := w.stscred("shell-init", "--install-block", sc.shell, "--bin", "/b", "--share", "/s")
		if block.code != 0 || !strings.Contains(block.stdout, "\n"+sc.line+"\n") {
			t.Errorf("the %s block does not hold the line help shows: %s", sc.shell, block)
		}
	}
}

// install.sh --help prints its help, the first comment paragraph of the
// script, and nothing else.
func TestInstallScriptHelp(t *testing.T) {
	root := repoRoot(t)
	src, err := os.ReadFile(filepath.Join(root, "install.sh"))
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, l := range strings.Split(string(src), "\n")[1:] {
		if !strings.HasPrefix(l, "#") {
			break
		}
		l = strings.TrimPrefix(strings.TrimPrefix(l, "#"), " ")
		want.WriteString(l + "\n")
	}
	for _, arg := range []string{"--help", "-h"} {
		out, code := runIn(t, root, []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin"}, "sh", "install.sh", arg)
		if code != 0 || out != want.String() {
			t.Fatalf("install.sh %s: exit %d\n%q\nwant\n%q", arg, code, out, want.String())
		}
		if !strings.Contains(out, "./install.sh --uninstall") || strings.Contains(out, "set -eu") {
			t.Fatalf("install.sh %s:\n%s", arg, out)
		}
	}
}

// Bash completion completes commands, and profile names from the config.
func TestBashCompletion(t *testing.T) {
	w := newWorld(t)
	script := w.stscred("completion", "bash")
	if script.code != 0 {
		t.Fatalf("completion: %s", script)
	}
	file := filepath.Join(t.TempDir(), "stscred.bash")
	os.WriteFile(file, []byte(script.stdout), 0o644)
	complete := func(words ...string) string {
		t.Helper()
		q := make([]string, len(words))
		for i, wd := range words {
			q[i] = "'" + wd + "'"
		}
		prog := ". " + file + "; COMP_WORDS=(" + strings.Join(q, " ") + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _stscred; printf '%s\\n' \"${COMPREPLY[@]}\""
		out, code := runIn(t, w.home, w.env(), "bash", "--norc", "-c", prog)
		if code != 0 {
			t.Fatalf("completion %v: %s", words, out)
		}
		return strings.Join(strings.Fields(out), " ")
	}
	if got := complete("stscred", "ro"); got != "role rotate" {
		t.Errorf("stscred ro<TAB> = %q", got)
	}
	if got := complete("stscred", "role", "pro"); got != "prod-admin" { // prod is no role
		t.Errorf("stscred role pro<TAB> = %q", got)
	}
	if got := complete("stscred", "export", "pro"); got != "prod-admin prod" {
		t.Errorf("stscred export pro<TAB> = %q", got)
	}
	if got := complete("stscred", "export", "--format", "="); got != "auto sh bash zsh fish powershell pwsh dotenv json" {
		t.Errorf("stscred export --format=<TAB> = %q", got)
	}
	if got := complete("stscred", "shell-init", "f"); got != "fish" {
		t.Errorf("stscred shell-init f<TAB> = %q", got)
	}
	if got := complete("stscred", "exec", "--e"); got != "--env" {
		t.Errorf("stscred exec --e<TAB> = %q", got)
	}
}

// install.sh says clearly when Go is missing or too old.
func TestInstallScriptNeedsGo(t *testing.T) {
	root := repoRoot(t)
	home := t.TempDir()
	out, code := runIn(t, root, []string{"HOME=" + home, "PATH=/usr/bin:/bin"}, "sh", "install.sh")
	if code == 0 || !strings.Contains(out, "install.sh: error: Go is not installed") || !strings.Contains(out, "hint:") {
		t.Fatalf("without Go: exit %d\n%s", code, out)
	}
	fake := t.TempDir()
	os.WriteFile(filepath.Join(fake, "go"), []byte("#!/bin/sh\necho go1.21.5\n"), 0o755)
	out, code = runIn(t, root, []string{"HOME=" + home, "PATH=" + fake + ":/usr/bin:/bin"}, "sh", "install.sh")
	if code == 0 || !strings.Contains(out, "Go 1.21.5 is too old") {
		t.Fatalf("old Go: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(home, ".local")); err == nil {
		t.Fatal("a failed install left files behind")
	}
}

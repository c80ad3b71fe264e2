package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func mustNamed(t *testing.T, name string) Shell {
	t.Helper()
	s, err := Named(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNamed(t *testing.T) {
	if got := strings.Join(Names(), " "); got != "bash zsh fish powershell" {
		t.Fatalf("Names() = %q", got)
	}
	for in, want := range map[string]string{
		"bash": "bash", "zsh": "zsh", "fish": "fish", "powershell": "powershell",
		"/usr/bin/zsh": "zsh", "pwsh": "powershell", "pwsh.exe": "powershell", "/opt/bin/fish": "fish",
	} {
		if got := mustNamed(t, in).Name(); got != want {
			t.Errorf("Named(%q) = %s, want %s", in, got, want)
		}
	}
	for _, bad := range []string{"", "tcsh", "sh", "/bin/dash"} {
		if _, err := Named(bad); err == nil || !strings.Contains(err.Error(), "supported: bash, zsh, fish, powershell") {
			t.Errorf("Named(%q): %v", bad, err)
		}
	}
}

func TestInstallable(t *testing.T) {
	var names []string
	for _, s := range Installable() {
		names = append(names, s.Name())
	}
	if strings.Join(names, " ") != "bash zsh fish" {
		t.Fatalf("Installable() = %v", names)
	}
}

func TestRCFile(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tc := range []struct {
		shell  string
		getenv func(string) string
		want   string
	}{
		{"bash", env(), "/h/.bashrc"},
		{"bash", env("ZDOTDIR", "/z", "XDG_CONFIG_HOME", "/x"), "/h/.bashrc"},
		{"zsh", env(), "/h/.zshrc"},
		{"zsh", env("ZDOTDIR", "/z d"), "/z d/.zshrc"},
		{"fish", env(), "/h/.config/fish/config.fish"},
		{"fish", env("XDG_CONFIG_HOME", "/x"), "/x/fish/config.fish"},
		{"fish", nil, "/h/.config/fish/config.fish"},
		{"powershell", env(), ""},
	} {
		if got := mustNamed(t, tc.shell).RCFile("/h", tc.getenv); got != tc.want {
			t.Errorf("%s: RCFile = %q, want %q", tc.shell, got, tc.want)
		}
	}
}

func TestExportFormat(t *testing.T) {
	for name, want := range map[string]string{"bash": "sh", "zsh": "sh", "fish": "fish", "powershell": "powershell"} {
		if got := mustNamed(t, name).ExportFormat(); got != want {
			t.Errorf("%s: %s", name, got)
		}
	}
}

// hostileDir is a directory name that would run code, expand or split if
// a block did not quote it.
func hostileDir(t *testing.T, marker string) string {
	return filepath.Join(t.TempDir(), `it's "q" $HOME $(touch `+marker+`) `+"`touch "+marker+"`"+` [a]* \x`)
}

// The block, run by the real shell (twice, as when an rc file is read
// again): its PATH line puts exactly the bin directory on PATH, once; the
// stscred found there is loaded; the completion file is sourced; nothing
// in the paths ran.
func TestInstallBlockHostilePaths(t *testing.T) {
	for _, tc := range []struct {
		shell string
		run   func(script string) *exec.Cmd
		show  string
	}{
		{"bash", func(s string) *exec.Cmd { return exec.Command("bash", "--norc", "--noprofile", "-c", s) }, `printf 'PATH=%s\n' "$PATH"`},
		{"zsh", func(s string) *exec.Cmd { return exec.Command("zsh", "-f", "-c", s) }, `printf 'PATH=%s\n' "$PATH"; printf 'FPATH=%s\n' $fpath`},
		{"fish", func(s string) *exec.Cmd { return exec.Command("fish", "--no-config", "-c", s) }, `printf 'PATH=%s\n' $PATH`},
	} {
		t.Run(tc.shell, func(t *testing.T) {
			s := mustNamed(t, tc.shell)
			marker := filepath.Join(t.TempDir(), "pwned")
			dirs := InstallDirs{Bin: hostileDir(t, marker), Share: hostileDir(t, marker)}
			block, err := s.InstallBlock(dirs)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
			if lines[0] != BeginMarker || lines[len(lines)-1] != EndMarker || !strings.HasSuffix(block, EndMarker+"\n") {
				t.Fatalf("block without its markers:\n%s", block)
			}
			if !strings.Contains(block, "\n"+s.InitLine()+"\n") {
				t.Fatalf("block does not load %q:\n%s", s.InitLine(), block)
			}
			// A stscred in bin whose shell-init says it ran, and a
			// completion file that says it was read.
			os.MkdirAll(dirs.Bin, 0o755)
			os.WriteFile(filepath.Join(dirs.Bin, "stscred"), []byte("#!/bin/sh\necho 'echo INIT-'\"$2\"\n"), 0o755)
			comp := s.CompletionFile(dirs.Share)
			os.MkdirAll(filepath.Dir(comp), 0o755)
			os.WriteFile(comp, []byte("echo COMPLETION-LOADED\n"), 0o644)
			cmd := tc.run(block + block + tc.show)
			cmd.Env = append(os.Environ(), "PATH=/usr/bin:/bin")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			got := string(out)
			if _, err := os.Stat(marker); err == nil {
				t.Fatal("running the block ran a command from a path")
			}
			if strings.Count(got, "INIT-"+tc.shell+"\n") != 2 || strings.Count(got, "COMPLETION-LOADED\n") != 2 {
				t.Fatalf("the block did not load stscred and the completion:\n%s", got)
			}
			var path []string
			for _, l := range strings.Split(got, "\n") {
				if v, ok := strings.CutPrefix(l, "PATH="); ok {
					path = append(path, v)
				}
			}
			want := []string{dirs.Bin, "/usr/bin", "/bin"}
			if tc.shell != "fish" {
				want = []string{dirs.Bin + ":/usr/bin:/bin"}
			}
			if strings.Join(path, "\n") != strings.Join(want, "\n") {
				t.Fatalf("PATH after the block twice:\n%q\nwant\n%q", path, want)
			}
			if tc.shell == "zsh" && strings.Count(got, "FPATH="+filepath.Dir(comp)+"\n") != 1 {
				t.Fatalf("the completion directory is not on $fpath once:\n%s", got)
			}
		})
	}
}

// The same for PathLine alone, which install.sh shows when bin is not on
// PATH.
func TestPathLine(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "pwned")
	bin := hostileDir(t, marker)
	for _, tc := range []struct {
		shell string
		argv  []string
		show  string
		want  string
	}{
		{"bash", []string{"bash", "--norc", "-c"}, `; printf '%s' "$PATH"`, bin + ":/usr/bin:/bin"},
		{"zsh", []string{"zsh", "-f", "-c"}, `; printf '%s' "$PATH"`, bin + ":/usr/bin:/bin"},
		{"fish", []string{"fish", "--no-config", "-c"}, `; string join : $PATH`, bin + ":/usr/bin:/bin\n"},
	} {
		line := mustNamed(t, tc.shell).PathLine(bin)
		cmd := exec.Command(tc.argv[0], append(tc.argv[1:], line+"\n"+line+tc.show)...)
		cmd.Env = append(os.Environ(), "PATH=/usr/bin:/bin")
		out, err := cmd.CombinedOutput()
		if err != nil || string(out) != tc.want {
			t.Errorf("%s: %v %q, want %q", tc.shell, err, out, tc.want)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a PATH line ran a command from the path")
	}
}

// A line break in a directory could forge a marker line: refused.
func TestInstallBlockRefusesLineBreaks(t *testing.T) {
	for _, name := range []string{"bash", "zsh", "fish"} {
		s := mustNamed(t, name)
		for _, dirs := range []InstallDirs{
			{Bin: "/a\n" + EndMarker + "\nrm -rf ~", Share: "/s"},
			{Bin: "/b", Share: "/s\r"},
			{Bin: "", Share: "/s"},
		} {
			if b, err := s.InstallBlock(dirs); err == nil {
				t.Errorf("%s: block for %q:\n%s", name, dirs, b)
			}
		}
	}
}

func TestPowerShellHasNoInstall(t *testing.T) {
	s := mustNamed(t, "powershell")
	if _, err := s.InstallBlock(InstallDirs{Bin: "/b", Share: "/s"}); err == nil || !strings.Contains(err.Error(), s.InitLine()) {
		t.Errorf("InstallBlock: %v", err)
	}
	if _, err := s.Completion(CompletionSpec{}); err == nil {
		t.Error("a PowerShell completion script")
	}
	if s.CompletionFile("/s") != "" || s.RCFile("/h", os.Getenv) != "" {
		t.Error("PowerShell has an rc or completion file")
	}
	if s.InitLine() != "Invoke-Expression (& stscred shell-init powershell | Out-String)" {
		t.Error(s.InitLine())
	}
	if !strings.HasPrefix(s.PathLine("/it's"), "if (-not") || !strings.Contains(s.PathLine("/it's"), "'/it''s'") {
		t.Error(s.PathLine("/it's"))
	}
}

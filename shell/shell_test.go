package shell

import (
	"os"
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
		want := filepath.FromSlash(tc.want) // joined with the OS's separator
		if got := mustNamed(t, tc.shell).RCFile(filepath.FromSlash("/h"), tc.getenv); got != want {
			t.Errorf("%s: RCFile = %q, want %q", tc.shell, got, want)
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

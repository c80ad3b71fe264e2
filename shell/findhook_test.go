package shell

import (
	"strings"
	"testing"
)

func block(lines ...string) string {
	return BeginMarker + "\n" + strings.Join(lines, "\n") + "\n" + EndMarker + "\n"
}

// FindHook's states, and the sentences doctor reports for them (the
// messages doctor printed before the logic moved here).
func TestFindHook(t *testing.T) {
	for _, tc := range []struct {
		name, shell, rc string
		status          HookStatus
		describe        string
	}{
		{"installed bash", "bash", "alias ll='ls -l'\n" + block(`case ":$PATH:" in *) ;; esac`, `eval "$(stscred shell-init bash)"`), HookInstalled, "shell hook installed in ~/.rc"},
		{"installed zsh", "zsh", block(`eval "$(stscred shell-init zsh)"`), HookInstalled, "shell hook installed in ~/.rc"},
		{"installed fish", "fish", block("stscred shell-init fish | source"), HookInstalled, "shell hook installed in ~/.rc"},
		{"markers with trailing blanks and CRLF", "bash", BeginMarker + " \r\neval \"$(stscred shell-init bash)\"\r\n" + EndMarker + "\t\r\n", HookInstalled, "shell hook installed in ~/.rc"},
		{"not installed", "bash", "alias ll='ls -l'\n", HookAbsent, "shell hook not installed in ~/.rc (optional)"},
		{"empty file", "fish", "", HookAbsent, "shell hook not installed in ~/.rc (optional)"},
		{"markers reversed", "bash", EndMarker + "\neval \"$(stscred shell-init bash)\"\n" + BeginMarker + "\n", HookDamaged, "shell hook block in ~/.rc is damaged: 1 start and 1 end marker lines"},
		{"two blocks", "bash", block(`eval "$(stscred shell-init bash)"`) + block(`eval "$(stscred shell-init bash)"`), HookDamaged, "shell hook block in ~/.rc is damaged: 2 start and 2 end marker lines"},
		{"no end", "zsh", BeginMarker + "\neval \"$(stscred shell-init zsh)\"\n", HookDamaged, "shell hook block in ~/.rc is damaged: 1 start and 0 end marker lines"},
		{"commented out", "bash", block(`# eval "$(stscred shell-init bash)"`), HookNoInit, "shell hook block in ~/.rc does not load stscred shell-init"},
		{"shell-init outside the block", "bash", `eval "$(stscred shell-init bash)"` + "\n" + block("true"), HookNoInit, "shell hook block in ~/.rc does not load stscred shell-init"},
		{"other shell", "bash", block(`eval "$(stscred shell-init zsh)"`), HookOtherShell, "shell hook block in ~/.rc loads stscred shell-init zsh into bash"},
		{"fish block in bash", "bash", block("stscred shell-init fish | source"), HookOtherShell, "shell hook block in ~/.rc loads stscred shell-init fish into bash"},
		{"no shell named", "bash", block(`eval "$(stscred shell-init)"`), HookOtherShell, "shell hook block in ~/.rc loads stscred shell-init  into bash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := mustNamed(t, tc.shell).FindHook([]byte(tc.rc))
			if h.Status != tc.status {
				t.Fatalf("status %d, want %d (%+v)", h.Status, tc.status, h)
			}
			if got := h.Describe("~/.rc"); got != tc.describe {
				t.Errorf("Describe = %q, want %q", got, tc.describe)
			}
			if h.OK() != (tc.status == HookInstalled || tc.status == HookAbsent) {
				t.Errorf("OK() = %v", h.OK())
			}
			switch {
			case tc.status == HookInstalled && h.Hint() != "":
				t.Errorf("hint for an installed hook: %q", h.Hint())
			case tc.status == HookAbsent && h.Hint() != InstallHookHint:
				t.Errorf("hint %q", h.Hint())
			case tc.status != HookInstalled && tc.status != HookAbsent && h.Hint() != ReinstallHookHint:
				t.Errorf("hint %q", h.Hint())
			}
		})
	}
}

// What install.sh writes is what FindHook finds: installed for its own
// shell, another shell's for the others.
func TestFindHookOfInstallBlock(t *testing.T) {
	for _, s := range All() {
		b, err := s.InstallBlock(InstallDirs{Bin: "/home/u/.local/bin", Share: "/home/u/.local/share"})
		if err != nil {
			continue // powershell: no block
		}
		for _, other := range All() {
			h := other.FindHook([]byte("# mine\n" + b))
			want := HookOtherShell
			if other.Name() == s.Name() {
				want = HookInstalled
			}
			if h.Status != want || h.InitShell != s.Name() {
				t.Errorf("%s block read for %s: %+v", s.Name(), other.Name(), h)
			}
		}
	}
}

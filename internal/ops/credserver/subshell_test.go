package credserver

import (
	"strings"
	"testing"
)

// The shell exec starts without a command: $SHELL, else sh; on Windows
// the PowerShell that ran stscred, else %COMSPEC%, else cmd.exe.
func TestSubshell(t *testing.T) {
	for _, tc := range []struct {
		goos, parent, shell, comspec, want string
	}{
		{"linux", "bash", "/usr/bin/zsh", "", "/usr/bin/zsh"},
		{"darwin", "", "", "", "/bin/sh"},
		{"windows", `C:\Program Files\PowerShell\7\pwsh.exe`, "", `C:\Windows\system32\cmd.exe`, "pwsh.exe"},
		{"windows", "powershell.exe", "", "", "powershell.exe"},
		{"windows", "explorer.exe", "", `C:\Windows\system32\cmd.exe`, `C:\Windows\system32\cmd.exe`},
		{"windows", "", "", "", "cmd.exe"},
	} {
		env := map[string]string{"SHELL": tc.shell, "COMSPEC": tc.comspec}
		got := Subshell(func(k string) string { return env[k] }, tc.goos, tc.parent)
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s, parent %q, SHELL %q, COMSPEC %q: %q, want %q", tc.goos, tc.parent, tc.shell, tc.comspec, got, tc.want)
		}
	}
}

//go:build !windows

package mfa

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The mfa_process lines of the tests, in sh's language (proc runs them
// with sh -c here).
var processLines = struct{ touchThenCode string }{
	touchThenCode: "m=touch; echo $m key >&2; echo 654321",
}

// Unix only: the desktop dialogs are zenity and kdialog (Linux desktops)
// and osascript (macOS), and the stand-in is a shell script named zenity;
// Windows has no desktop dialog of stscred's.
func TestDesktopDialog(t *testing.T) {
	dir := t.TempDir()
	argsFile := filepath.Join(dir, "args")
	zdir := fakeZenity(t, "printf '%s\\n' \"$@\" > "+argsFile+"\necho 246810\n")
	d := Desktop{Program: filepath.Join(zdir, "zenity"), Kind: "zenity"}
	code, err := d.Code(context.Background(), req)
	if err != nil || code != "246810" {
		t.Fatalf("%q %v", code, err)
	}
	args, _ := os.ReadFile(argsFile)
	if !strings.Contains(string(args), "--entry") || !strings.Contains(string(args), req.Serial) {
		t.Fatalf("zenity args: %q", args)
	}
	cancelled := Desktop{Program: filepath.Join(fakeZenity(t, "exit 1\n"), "zenity"), Kind: "zenity"}
	if _, err := cancelled.Code(context.Background(), req); err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("cancel: %v", err)
	}
}

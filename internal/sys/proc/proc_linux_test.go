package proc

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// A child started by sh sees "sh" (dash's comm) as its parent's name.
func TestParentName(t *testing.T) {
	if os.Getenv("PROC_CHILD") != "" {
		os.Stdout.WriteString(ParentName())
		os.Exit(0)
	}
	out, err := exec.Command("bash", "-c", `PROC_CHILD=1 "$0" -test.run=^TestParentName$; true`, os.Args[0]).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "bash" {
		t.Fatalf("parent name %q, want bash", got)
	}
}

package proc

import (
	"os"
	"os/exec"
	"testing"

	"golang.org/x/sys/unix"
)

// After Harden the process is not dumpable and may write no core file;
// checked in a child, since both settings stick to the process.
func TestHardenNoCoreNoDump(t *testing.T) {
	if os.Getenv("HARDEN_CHILD") != "" {
		Harden()
		d, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
		if err != nil || d != 0 {
			os.Exit(3)
		}
		var lim unix.Rlimit
		if err := unix.Getrlimit(unix.RLIMIT_CORE, &lim); err != nil || lim.Cur != 0 || lim.Max != 0 {
			os.Exit(4)
		}
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHardenNoCoreNoDump$")
	cmd.Env = append(os.Environ(), "HARDEN_CHILD=1")
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v (3: still dumpable, 4: core limit not zero)", err)
	}
}

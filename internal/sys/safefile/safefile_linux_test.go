package safefile_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/safefile"
	"github.com/stscred/stscred/internal/testkit/testenv"
)

// platformChild are the child actions only Linux has.
func platformChild(name string) func(args []string) int {
	if name != "enospc" {
		return nil
	}
	// enospc DIR: in a mount namespace of its own, put a tiny tmpfs on
	// DIR and write more than it holds over a file already there.
	return func(args []string) int {
		dir := args[0]
		if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
			fmt.Println("mount:", err)
			return 3
		}
		path := filepath.Join(dir, "entry.json")
		if err := os.WriteFile(path, []byte("old and whole"), 0o600); err != nil {
			fmt.Println("writing the old file:", err)
			return 1
		}
		err := safefile.WriteAtomic(path, bytes.Repeat([]byte("n"), 1<<20), 0o600)
		var problems []string
		switch {
		case err == nil:
			problems = append(problems, "WriteAtomic on a full disk succeeded")
		case !errors.Is(err, syscall.ENOSPC):
			problems = append(problems, fmt.Sprintf("err = %v, want ENOSPC", err))
		case !strings.Contains(strings.Join(hint.Of(err), "\n"), "full"):
			problems = append(problems, fmt.Sprintf("hints %q do not say the disk is full", hint.Of(err)))
		}
		if b, _ := os.ReadFile(path); string(b) != "old and whole" {
			problems = append(problems, fmt.Sprintf("old file is now %d bytes", len(b)))
		}
		if des, _ := os.ReadDir(dir); len(des) != 1 {
			problems = append(problems, fmt.Sprintf("the tmpfs holds %d files, want 1", len(des)))
		}
		if len(problems) > 0 {
			fmt.Println(strings.Join(problems, "\n"))
			return 1
		}
		fmt.Println("ok")
		return 0
	}
}

// A full disk is said to be one, with a hint; the old file stays whole and
// no temp file is left.
func TestWriteAtomicFullDisk(t *testing.T) {
	testenv.Require(t, os.Geteuid() == 0, "needs root to mount a tmpfs in a mount namespace")
	dir := t.TempDir()
	cmd := child(t, "enospc", dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 3 {
		testenv.Require(t, false, "cannot mount a tmpfs: "+string(out))
	}
	if err != nil || string(out) != "ok\n" {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

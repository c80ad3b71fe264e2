//go:build unix

package proc

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A grandchild that keeps stdout open (sleep 1000; echo 000000) must not
// keep Run waiting past its limit, and must not outlive it.
func TestRunTimeoutKillsTheGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	text := "(sleep 1000; echo 000000) & echo $! > " + pidFile + "; wait"
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- (&Runner{Environ: os.Environ()}).Line(context.Background(), line(text), LineOptions{Stdout: &out, Timeout: 300 * time.Millisecond})
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second): // a deadlock guard, not a speed check
		t.Fatal("Run is still waiting for the grandchild")
	}
	if err == nil || !strings.Contains(err.Error(), "no answer within") {
		t.Fatalf("err = %v", err)
	}
	b, rerr := os.ReadFile(pidFile)
	if rerr != nil {
		t.Fatal(rerr)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if pid <= 0 {
		t.Fatalf("pid file: %q", b)
	}
	// The kill is asynchronous; give the kernel a moment to end it.
	for i := 0; ; i++ {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			break
		}
		if stat, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); strings.Contains(string(stat), ") Z ") {
			break // a zombie waiting for init: dead
		}
		if i > 200 {
			t.Fatalf("grandchild %d outlived the timeout", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

//go:build !windows

// Not on Windows: the test runs the go tool (which the Windows test binary
// under Wine has not) and sends SIGINT and SIGTERM, which Windows
// processes do not receive.

package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stscred/stscred/internal/testkit/demo"
)

// TestBinaryExitsOnSignal builds the command and checks that SIGINT and
// SIGTERM end it cleanly.
func TestBinaryExitsOnSignal(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "ststest")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := exec.Command(bin, "--listen", "127.0.0.1:0")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr syncBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		var text strings.Builder
		for sc.Scan() && !strings.HasPrefix(sc.Text(), "Admin API:") {
			text.WriteString(sc.Text() + "\n")
		}
		go func() { _, _ = io.Copy(io.Discard, stdout) }()
		url := parseBanner(text.String())["endpoint"]
		if url == "" {
			_ = cmd.Process.Kill()
			t.Fatalf("no endpoint in %q", text.String())
		}
		if _, err := stsClient(url, demo.FixedKeyID, demo.FixedSecret, "").GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}); err != nil {
			t.Errorf("GetCallerIdentity: %v", err)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("exit after %v: %v\nstderr: %s", sig, err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("still running 10s after %v", sig)
		}
		if !strings.Contains(stderr.String(), "GetCallerIdentity "+demo.FixedKeyID+" 200 OK") {
			t.Errorf("stderr %q lacks the request log line", stderr.String())
		}
	}
}

package proc

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestMain lets the test binary be the child of Exec's tests (see
// holdingChild).
func TestMain(m *testing.M) {
	if done := os.Getenv("PROC_TEST_CHILD_UNTIL"); done != "" {
		os.Exit(holdingChild(done))
	}
	os.Exit(m.Run())
}

// holdingChild waits for the file done to appear, then exits 7: a child
// that runs until the test lets it end.
func holdingChild(done string) int {
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(done); err == nil {
			return 7
		}
	}
	return 3
}

// The socket Exec is handed stays bound while the child runs, even once
// this process has closed its own: no other process can take the port
// over (exec's endpoint, whose child would then ask a stranger for
// credentials). When the child ends the port is free. Exec ends as the
// child ended.
func TestExecChildHoldsTheSocket(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	done := filepath.Join(t.TempDir(), "done")
	env := append(os.Environ(), "PROC_TEST_CHILD_UNTIL="+done)
	started := make(chan struct{})
	ended := make(chan error, 1)
	go func() {
		ended <- (&Runner{}).Exec(exe, []string{exe}, env, []Held{ln.(*net.TCPListener)}, func() { close(started) })
	}()
	select {
	case <-started:
	case err := <-ended:
		t.Fatalf("Exec ended before the child started: %v", err)
	}
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	if other, err := net.Listen("tcp", addr); err == nil {
		other.Close()
		os.WriteFile(done, nil, 0o600)
		<-ended
		t.Fatal("the port was free while the child ran: another process could take it over")
	}
	if err := os.WriteFile(done, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var ee ExitError
	if err := <-ended; !errors.As(err, &ee) || ee.Code != 7 {
		t.Fatalf("Exec = %v, want the child's exit status 7", err)
	}
	// The child is gone: its copy closed with it, and the port is free.
	var lerr error
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var again net.Listener
		if again, lerr = net.Listen("tcp", addr); lerr == nil {
			again.Close()
			return
		}
	}
	t.Fatalf("the port stayed taken after the child ended: %v", lerr)
}

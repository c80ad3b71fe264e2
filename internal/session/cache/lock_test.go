package cache

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
)

func TestLockExcludesAndReportsHolder(t *testing.T) {
	c := New(t.TempDir(), fixedKey(t))
	lease, err := c.Lock(context.Background(), "v1:role:x", Holder{PID: 4242, Profile: "prod-admin"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var seen Holder
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err = c.Lock(ctx, "v1:role:x", Holder{PID: 1, Profile: "prod-admin"}, func(h Holder) { seen = h })
	if !errors.Is(err, ErrLockTimeout) {
		t.Fatalf("err = %v, want timeout", err)
	}
	if seen.PID != 4242 || seen.Profile != "prod-admin" {
		t.Fatalf("waiter saw %+v", seen)
	}
	if hs := strings.Join(hint.Of(err), "\n"); !strings.Contains(hs, "kill 4242") {
		t.Fatalf("hints = %q", hs)
	}
	lease.Unlock()
	lease2, err := c.Lock(context.Background(), "v1:role:x", Holder{PID: 2, Profile: "p"}, nil)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	lease2.Unlock()
}

func TestLockSerializes(t *testing.T) {
	c := New(t.TempDir(), fixedKey(t))
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A separate Cache per goroutine: separate open file
			// descriptions, as separate processes would have.
			ci := New(c.Dir(), fixedKey(t))
			lease, err := ci.Lock(context.Background(), "v1:k", Holder{PID: 1, Profile: "p"}, nil)
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			if n > maxInside.Load() {
				maxInside.Store(n)
			}
			time.Sleep(2 * time.Millisecond)
			inside.Add(-1)
			lease.Unlock()
		}()
	}
	wg.Wait()
	if maxInside.Load() != 1 {
		t.Fatalf("%d holders at once", maxInside.Load())
	}
}

// A holder killed with SIGKILL releases its lock: the kernel does it.
func TestLockReleasedWhenHolderDies(t *testing.T) {
	if os.Getenv("STSCRED_LOCK_HELPER") != "" {
		c := New(os.Getenv("STSCRED_LOCK_HELPER"), nil)
		if _, err := c.Lock(context.Background(), "v1:k", Holder{PID: os.Getpid(), Profile: "p"}, nil); err != nil {
			os.Exit(2)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockReleasedWhenHolderDies$")
	cmd.Env = append(os.Environ(), "STSCRED_LOCK_HELPER="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("helper: %q %v", buf, err)
	}
	c := New(dir, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_, err := c.Lock(ctx, "v1:k", Holder{PID: 1, Profile: "p"}, nil)
	cancel()
	if !errors.Is(err, ErrLockTimeout) {
		t.Fatalf("lock should be held by the helper: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lease, err := c.Lock(ctx, "v1:k", Holder{PID: 1, Profile: "p"}, nil)
	if err != nil {
		t.Fatalf("lock not released after holder died: %v", err)
	}
	lease.Unlock()
}

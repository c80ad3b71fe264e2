package kernelkeys

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

func TestPutGetRemove(t *testing.T) {
	for _, r := range []Ring{User, Session} {
		desc := fmt.Sprintf("stscred-test:%d:%d", os.Getpid(), r)
		if _, ok := Get(r, desc); ok {
			t.Fatal("not stored yet")
		}
		Put(r, desc, []byte("payload"), time.Minute)
		got, ok := Get(r, desc)
		if !ok || string(got) != "payload" {
			t.Fatalf("ring %d: kernel keyring unavailable or wrong payload %q (stscred's fast paths need keyctl)", r, got)
		}
		Put(r, desc, []byte("second"), time.Minute)
		if got, _ := Get(r, desc); string(got) != "second" {
			t.Fatalf("replace: %q", got)
		}
		Remove(r, desc)
		if _, ok := Get(r, desc); ok {
			t.Fatal("still there after Remove")
		}
	}
}

// Another process of the user reads what this one stored in the user
// keyring, also after this process used its session keyring (which must
// not make it join a new session keyring that hides @u).
func TestUserKeyringSharedAcrossProcesses(t *testing.T) {
	Put(Session, fmt.Sprintf("stscred-test-session:%d", os.Getpid()), []byte("s"), time.Minute)
	if d := os.Getenv("KERNELKEYS_CHILD"); d != "" {
		if got, ok := Get(User, d); !ok || string(got) != "shared" {
			os.Exit(3)
		}
		os.Exit(0)
	}
	desc := fmt.Sprintf("stscred-test-shared:%d", os.Getpid())
	Put(User, desc, []byte("shared"), time.Minute)
	defer Remove(User, desc)
	cmd := exec.Command(os.Args[0], "-test.run=^TestUserKeyringSharedAcrossProcesses$")
	cmd.Env = append(os.Environ(), "KERNELKEYS_CHILD="+desc)
	if err := cmd.Run(); err != nil {
		t.Fatalf("child could not read it: %v", err)
	}
}

func TestExpiry(t *testing.T) {
	desc := fmt.Sprintf("stscred-test-ttl:%d", os.Getpid())
	Put(User, desc, []byte("x"), time.Second)
	time.Sleep(1500 * time.Millisecond)
	if _, ok := Get(User, desc); ok {
		t.Fatal("an expired key is still readable")
	}
}

package kernelkeys

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
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

// A key put with a timeout stops being readable when it runs out. The
// kernel counts timeouts in whole seconds: the test polls until the key is
// gone, rather than sleeping for as long as it might take.
func TestExpiry(t *testing.T) {
	desc := fmt.Sprintf("stscred-test-ttl:%d", os.Getpid())
	defer Remove(User, desc)
	Put(User, desc, []byte("x"), time.Second)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, ok := Get(User, desc); !ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("a key put with a 1s timeout is still readable 30s later")
		}
	}
}

// A key in the session keyring is this login session's alone: a process of
// the same user in another session keyring neither lists it in /proc/keys
// nor reads it by id. A key in the user keyring is shared by design.
func TestSessionKeyStaysInItsSession(t *testing.T) {
	if id := os.Getenv("KERNELKEYS_OTHER_SESSION"); id != "" {
		if _, err := unix.KeyctlJoinSessionKeyring(fmt.Sprintf("stscred-test-other-%d", os.Getpid())); err != nil {
			os.Exit(10)
		}
		n, _ := strconv.ParseInt(id, 10, 64)
		buf := make([]byte, 64)
		_, readErr := unix.KeyctlBuffer(unix.KEYCTL_READ, int(n), buf, 0)
		procKeys, _ := os.ReadFile("/proc/keys")
		listed := strings.Contains(string(procKeys), fmt.Sprintf("%08x ", n))
		switch os.Getenv("KERNELKEYS_WANT") {
		case "private":
			if readErr == nil {
				os.Exit(3) // read another session's key
			}
			if listed {
				os.Exit(4) // saw it in /proc/keys
			}
		case "shared":
			if readErr != nil {
				os.Exit(5)
			}
		}
		os.Exit(0)
	}
	for _, tc := range []struct {
		ring Ring
		want string
	}{{Session, "private"}, {User, "shared"}} {
		desc := fmt.Sprintf("stscred-test-private:%d:%d", os.Getpid(), tc.ring)
		Put(tc.ring, desc, []byte("secret-payload"), time.Minute)
		defer Remove(tc.ring, desc)
		id, err := unix.KeyctlSearch(ringID(tc.ring), "user", desc, 0)
		if err != nil {
			t.Fatalf("ring %d: the key is not there: %v", tc.ring, err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestSessionKeyStaysInItsSession$")
		cmd.Env = append(os.Environ(), "KERNELKEYS_OTHER_SESSION="+strconv.Itoa(id), "KERNELKEYS_WANT="+tc.want)
		if err := cmd.Run(); err != nil {
			t.Errorf("ring %d (%s): the other session's check failed: %v (3: read it, 4: listed it, 5: could not read a shared key)", tc.ring, tc.want, err)
		}
	}
}

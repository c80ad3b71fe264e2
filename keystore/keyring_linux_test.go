package keystore

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.MainWithSecretService(m)) }

func testService(t *testing.T) string {
	return fmt.Sprintf("stscred-test-%s-%d", t.Name(), time.Now().UnixNano())
}

// The keyring backend stores in the real Secret Service: what it writes,
// secret-tool (libsecret, a different client) reads back.
func TestKeyringRealSecretService(t *testing.T) {
	testenv.RequireSecretService(t)
	svc := testService(t)
	s := NewKeyring(svc, 10*time.Second)
	if _, err := s.Get("v1:key:alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty keyring: err = %v, want ErrNotFound", err)
	}
	k := Key{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Added: time.Now().UTC().Truncate(time.Second)}
	if err := PutKey(s, "alice", k); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("secret-tool", "lookup", "service", svc, "username", "v1:key:alice").Output()
	if err != nil {
		t.Fatalf("secret-tool lookup: %v", err)
	}
	if !strings.Contains(string(out), k.SecretAccessKey) {
		t.Fatalf("secret-tool sees %d bytes without the key", len(out))
	}
	got, err := GetKey(s, "alice")
	if err != nil || got != k {
		t.Fatalf("GetKey = %+v, %v", got, err)
	}
	// Replacing overwrites instead of adding a second item.
	k2 := k
	k2.AccessKeyID = "AKIAIOSFODNN7EXAMPL2"
	if err := PutKey(s, "alice", k2); err != nil {
		t.Fatal(err)
	}
	if got, _ := GetKey(s, "alice"); got.AccessKeyID != k2.AccessKeyID {
		t.Fatalf("after replace: %+v", got)
	}
	if err := DeleteKey(s, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := GetKey(s, "alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := DeleteKey(s, "alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if s.Backend() != "secret-service" {
		t.Fatalf("backend %q", s.Backend())
	}
}

// With no Secret Service reachable, every call is an error with a hint,
// never ErrNotFound. godbus keeps one session connection per process, so
// this runs in a child process with the bus disabled.
func TestKeyringUnreachableIsNotAMiss(t *testing.T) {
	if os.Getenv("STSCRED_KEYSTORE_CHILD") == "1" {
		s := NewKeyring("stscred-test-unreachable", 5*time.Second)
		_, err := s.Get("v1:key:alice")
		if err == nil || errors.Is(err, ErrNotFound) {
			fmt.Println("BAD: ", err)
			os.Exit(1)
		}
		fmt.Println("ERR:", err)
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKeyringUnreachableIsNotAMiss$")
	cmd.Env = append(os.Environ(), "STSCRED_KEYSTORE_CHILD=1", "DBUS_SESSION_BUS_ADDRESS=disabled:")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "ERR: reading from the secret-service") {
		t.Fatalf("child output: %s", out)
	}
}

func TestKeyringPresent(t *testing.T) {
	testenv.RequireSecretService(t)
	k := NewKeyring(testService(t), 10*time.Second)
	if !k.Present(os.Getenv("DBUS_SESSION_BUS_ADDRESS"), 5*time.Second) {
		t.Fatal("the test session's Secret Service is not seen")
	}
	for _, addr := range []string{"", "disabled:"} {
		if k.Present(addr, time.Second) {
			t.Fatalf("bus %q: no keyring, but Present says there is", addr)
		}
	}
	if absent(errors.New("failed to unlock correct collection '/org/freedesktop/secrets/collection/login'")) {
		t.Fatal("a locked keyring is a keyring")
	}
	if !absent(errors.New("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files")) {
		t.Fatal("a bus without a Secret Service has no keyring")
	}
	// A bus that is configured but gone is reported, not taken for "no
	// keyring" (which would strand the keys kept there).
	if absent(errors.New("dial unix /run/user/1000/bus: connect: no such file or directory")) {
		t.Fatal("an unreachable bus must not count as no keyring")
	}
}

// DeleteAll deletes every item of its service in the real Secret Service,
// whatever its name, counts them, and leaves another service's items
// (one with a name stscred uses too) alone; with nothing left it deletes 0.
func TestKeyringDeleteAll(t *testing.T) {
	testenv.RequireSecretService(t)
	svc, other := testService(t), testService(t)+"-other"
	s, o := NewKeyring(svc, 10*time.Second), NewKeyring(other, 10*time.Second)
	t.Cleanup(func() { o.DeleteAll() })
	for _, name := range []string{IndexName, DataKeyName, "v1:sso-client:abc:pkce", "v1:login:x", "v0:older"} {
		if err := s.Set(name, "value of "+name); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.Set(IndexName, "another app's"); err != nil {
		t.Fatal(err)
	}
	n, err := s.DeleteAll()
	if err != nil || n != 5 {
		t.Fatalf("DeleteAll = %d, %v; want 5", n, err)
	}
	if out, _ := exec.Command("secret-tool", "search", "--all", "service", svc).CombinedOutput(); strings.Contains(string(out), "attribute.username") {
		t.Fatalf("secret-tool still finds items of the service:\n%s", out)
	}
	if v, err := o.Get(IndexName); err != nil || v != "another app's" {
		t.Fatalf("another service's item: %q, %v", v, err)
	}
	if n, err := s.DeleteAll(); err != nil || n != 0 {
		t.Fatalf("DeleteAll of nothing = %d, %v", n, err)
	}
	if _, err := (&Keyring{Timeout: time.Second}).DeleteAll(); err == nil {
		t.Fatal("DeleteAll without a service deleted")
	}
}

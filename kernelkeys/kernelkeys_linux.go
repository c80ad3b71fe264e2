package kernelkeys

import (
	"time"

	"golang.org/x/sys/unix"
)

// Possessor: everything; same uid without possession: view, read, write,
// search, link, setattr, so that processes of the same user reach it from
// another session keyring too (for the user keyring).
const perm = 0x3f000000 | 0x003f0000

func ringID(r Ring) int {
	if r == Session {
		return unix.KEY_SPEC_SESSION_KEYRING
	}
	return unix.KEY_SPEC_USER_KEYRING
}

// addTarget is the keyring to add to. For the session keyring it is the
// numeric id the process already uses: adding through the special id makes
// the kernel create and join a new anonymous session keyring when the
// process has none, and that keyring does not link the user keyring, so the
// process would lose possession of everything in @u. A process without a
// session keyring of its own gets the user-session keyring (@us) instead.
func addTarget(r Ring) (int, error) {
	if r == Session {
		return unix.KeyctlGetKeyringID(unix.KEY_SPEC_SESSION_KEYRING, false)
	}
	return unix.KEY_SPEC_USER_KEYRING, nil
}

func get(r Ring, desc string) ([]byte, bool) {
	id, err := unix.KeyctlSearch(ringID(r), "user", desc, 0)
	if err != nil {
		return nil, false
	}
	buf := make([]byte, 512)
	n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, id, buf, 0)
	if err != nil || n > len(buf) {
		return nil, false
	}
	return buf[:n], true
}

func put(r Ring, desc string, payload []byte, ttl time.Duration) {
	ring, err := addTarget(r)
	if err != nil {
		return
	}
	id, err := unix.AddKey("user", desc, payload, ring)
	if err != nil {
		return
	}
	_ = unix.KeyctlSetperm(id, perm)
	if ttl > 0 {
		_, _ = unix.KeyctlInt(unix.KEYCTL_SET_TIMEOUT, id, int(ttl/time.Second), 0, 0)
	}
}

func remove(r Ring, desc string) {
	id, err := unix.KeyctlSearch(ringID(r), "user", desc, 0)
	if err != nil {
		return
	}
	// Revoke rather than unlink: the key may be linked where the search
	// found it, not directly in the ring named.
	_, _ = unix.KeyctlInt(unix.KEYCTL_REVOKE, id, 0, 0, 0)
}

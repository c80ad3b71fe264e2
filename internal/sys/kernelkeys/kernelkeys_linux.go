package kernelkeys

import (
	"time"

	"golang.org/x/sys/unix"
)

// Permissions (keyctl_setperm(2)): the possessor (a process that reaches
// the key from its own session keyring) may do everything.
//
// A key in the session keyring is for that login session only: no
// permission at all for the same uid without possession, so a process of
// the user in another session neither sees it in /proc/keys nor reads it
// by id.
//
// A key in the user keyring is meant for every process of the user, in
// any session: the same uid may view, read and search it (not change,
// link or re-time it).
const (
	permPossessor   = 0x3f000000
	permUserReader  = 0x000b0000 // view | read | search
	permSessionOnly = permPossessor
	permUserShared  = permPossessor | permUserReader
)

func permFor(r Ring) uint32 {
	if r == Session {
		return permSessionOnly
	}
	return permUserShared
}

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
	if err := unix.KeyctlSetperm(id, permFor(r)); err != nil {
		// A key whose permissions could not be narrowed must not stay.
		_, _ = unix.KeyctlInt(unix.KEYCTL_REVOKE, id, 0, 0, 0)
		return
	}
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

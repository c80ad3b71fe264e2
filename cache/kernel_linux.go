package cache

import (
	"time"

	"golang.org/x/sys/unix"
)

// kernelKeyring is the Linux kernel's per-user keyring (@u): memory only,
// per user, with its own expiry, and readable by every process of the user.
type kernelKeyring struct{ disabled bool }

func newKernelKeyring() kernelKeyring { return kernelKeyring{} }

// Possessor: everything; same uid without possession: view, read, write,
// search, link, setattr — so processes in another session keyring of the
// same user (a new login, a systemd service) read it too.
const keyPerm = 0x3f000000 | 0x003f0000

func (k kernelKeyring) get(desc string) ([]byte, bool) {
	if k.disabled {
		return nil, false
	}
	id, err := unix.KeyctlSearch(unix.KEY_SPEC_USER_KEYRING, "user", desc, 0)
	if err != nil {
		return nil, false
	}
	buf := make([]byte, 64)
	n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, id, buf, 0)
	if err != nil || n > len(buf) {
		return nil, false
	}
	return buf[:n], true
}

func (k kernelKeyring) put(desc string, payload []byte, ttl time.Duration) {
	if k.disabled {
		return
	}
	id, err := unix.AddKey("user", desc, payload, unix.KEY_SPEC_USER_KEYRING)
	if err != nil {
		return // no kernel keyring here (seccomp, old kernel): the keystore serves
	}
	_ = unix.KeyctlSetperm(id, keyPerm)
	if ttl > 0 {
		_, _ = unix.KeyctlInt(unix.KEYCTL_SET_TIMEOUT, id, int(ttl/time.Second), 0, 0)
	}
}

func (k kernelKeyring) remove(desc string) {
	id, err := unix.KeyctlSearch(unix.KEY_SPEC_USER_KEYRING, "user", desc, 0)
	if err != nil {
		return
	}
	_, _ = unix.KeyctlInt(unix.KEYCTL_UNLINK, id, unix.KEY_SPEC_USER_KEYRING, 0, 0)
}

// Package kernelkeys keeps small secrets in the Linux kernel keyring:
// memory only, per user, with an expiry, readable by the user's processes
// in a few microseconds. Elsewhere (and where the kernel refuses, e.g.
// under a seccomp profile) every call is a miss and Put does nothing:
// callers fall back to the slower store they copy from.
package kernelkeys

import "time"

// Ring selects a keyring.
type Ring int

const (
	// User is the per-user keyring (@u): shared by all the user's
	// processes until reboot.
	User Ring = iota
	// Session is the login session's keyring (@s): each login (through
	// pam_keyinit) gets its own; children inherit it.
	Session
)

// Get returns the payload stored under desc, if any.
func Get(r Ring, desc string) ([]byte, bool) { return get(r, desc) }

// Put stores payload under desc, replacing any previous one, expiring
// after ttl (0: no expiry).
func Put(r Ring, desc string, payload []byte, ttl time.Duration) { put(r, desc, payload, ttl) }

// Remove drops desc.
func Remove(r Ring, desc string) { remove(r, desc) }

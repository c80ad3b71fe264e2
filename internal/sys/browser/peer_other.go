//go:build !linux

package browser

import "net"

// peerKnowable is false here: the owner of a loopback connection is not
// told, and the browser gets a private file instead.
func peerKnowable() bool { return false }

func socketOwner(remote, local net.Addr) (int, bool) { return 0, false }

func currentUID() int { return -1 }

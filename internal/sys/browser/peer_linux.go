package browser

import (
	"bufio"
	"encoding/hex"
	"net"
	"os"
	"strconv"
	"strings"
)

// peerKnowable reports whether the owner of a loopback connection can be
// told here: the kernel's TCP tables are readable.
func peerKnowable() bool {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// socketOwner is the uid owning the socket at the other end of a loopback
// connection: the socket whose local address is remote and whose remote
// address is local, in /proc/net/tcp or tcp6.
func socketOwner(remote, local net.Addr) (int, bool) {
	r, ok1 := remote.(*net.TCPAddr)
	l, ok2 := local.(*net.TCPAddr)
	if !ok1 || !ok2 {
		return 0, false
	}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		if uid, ok := ownerIn(table, r, l); ok {
			return uid, true
		}
	}
	return 0, false
}

func ownerIn(table string, want, peer *net.TCPAddr) (int, bool) {
	f, err := os.Open(table)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // the header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 8 {
			continue
		}
		la, lok := parseProcAddr(fields[1])
		ra, rok := parseProcAddr(fields[2])
		if !lok || !rok || la.Port != want.Port || ra.Port != peer.Port || !la.IP.Equal(want.IP) || !ra.IP.Equal(peer.IP) {
			continue
		}
		uid, err := strconv.Atoi(fields[7])
		if err != nil {
			return 0, false
		}
		return uid, true
	}
	return 0, false
}

// parseProcAddr reads "0100007F:1F90" (IPv4, or 32 hex digits of IPv6, in
// the kernel's byte order) and its hex port.
func parseProcAddr(s string) (*net.TCPAddr, bool) {
	host, port, ok := strings.Cut(s, ":")
	if !ok {
		return nil, false
	}
	b, err := hex.DecodeString(host)
	if err != nil || (len(b) != 4 && len(b) != 16) {
		return nil, false
	}
	// Each 32-bit word is in host (little-endian) order.
	ip := make(net.IP, len(b))
	for i := 0; i < len(b); i += 4 {
		ip[i], ip[i+1], ip[i+2], ip[i+3] = b[i+3], b[i+2], b[i+1], b[i]
	}
	p, err := strconv.ParseUint(port, 16, 16)
	if err != nil {
		return nil, false
	}
	return &net.TCPAddr{IP: ip, Port: int(p)}, true
}

// currentUID is this process's user.
func currentUID() int { return os.Getuid() }

package testsrv

import (
	"crypto/rand"
	"fmt"
)

// RandomBytes fills n bytes from crypto/rand. It panics if the system's
// random source fails, which leaves nothing sensible to do in a test
// server.
func RandomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("testsrv: reading random bytes: %v", err))
	}
	return b
}

// RandomString returns n characters drawn from alphabet, uniformly when
// its length divides 256 (a small bias otherwise).
func RandomString(alphabet string, n int) string {
	b := RandomBytes(n)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// UUID returns a random version-4 UUID (request ids, user ids).
func UUID() string {
	b := RandomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

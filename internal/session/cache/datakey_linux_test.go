package cache

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/sys/kernelkeys"
	"github.com/stscred/stscred/keystore/keystoretest"
)

// The kernel keyring copy serves reads while the keystore is unreachable:
// that is what makes a cache hit cheap.
func TestDataKeyKernelKeyring(t *testing.T) {
	store := keystoretest.NewMemory()
	dir := t.TempDir()
	dk := NewDataKey(store, "svc-test", dir, 1, time.Minute)
	t.Cleanup(dk.Forget)
	k1, err := dk.Get()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := kernelkeys.Get(kernelkeys.User, dk.desc()); !ok {
		t.Fatal("kernel keyring is not available on this machine; stscred's fast cache path needs it (keyctl)")
	}
	store.Err = errors.New("unreachable")
	k2, err := NewDataKey(store, "svc-test", dir, 1, time.Minute).Get()
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("kernel copy not used: %v", err)
	}
	dk.Forget()
	if _, err := dk.Get(); err == nil {
		t.Fatal("without the kernel copy the unreachable keystore must be an error")
	}
}

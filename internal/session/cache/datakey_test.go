package cache

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stscred/stscred/keystore/keystoretest"
)

func TestDataKeyCreatedOnceAndReused(t *testing.T) {
	store := keystoretest.NewMemory()
	dk := NewDataKey(store, "svc", t.TempDir(), 1, time.Minute)
	dk.noKernel = true
	k1, err := dk.Get()
	if err != nil || len(k1) != 32 {
		t.Fatalf("Get = %x, %v", k1, err)
	}
	k2, err := dk.Get()
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatal("second Get must return the stored key")
	}
	if store.Len() != 1 {
		t.Fatalf("store has %d entries", store.Len())
	}
}

func TestDataKeyStoreErrorIsReported(t *testing.T) {
	store := keystoretest.NewMemory()
	store.Err = errors.New("bus unreachable")
	dk := NewDataKey(store, "svc", t.TempDir(), 1, time.Minute)
	dk.noKernel = true
	if _, err := dk.Get(); err == nil {
		t.Fatal("a failing keystore must not yield a fresh key silently")
	}
}

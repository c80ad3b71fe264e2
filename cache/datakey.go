package cache

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/stscred/stscred/kernelkeys"
	"github.com/stscred/stscred/keystore"
)

// DataKey is the cache's encryption key. Its home is the keystore (the OS
// keyring); a copy is held in the Linux kernel user keyring, which a fresh
// process reads in microseconds instead of the milliseconds a Secret
// Service round trip costs. Where there is no kernel keyring, every
// process reads the keystore.
type DataKey struct {
	Store keystore.Store
	// Namespace separates independent setups (another keyring service or
	// cache directory) that share one kernel keyring.
	Namespace string
	// TTL bounds how long the kernel keyring holds the copy.
	TTL time.Duration
	// noKernel turns the kernel keyring copy off (tests of the fallback).
	noKernel bool
}

// NewDataKey returns the data key for store, namespaced by cache dir and
// keyring service.
func NewDataKey(store keystore.Store, service, cacheDir string) *DataKey {
	h := sha256.Sum256([]byte(service + "\x00" + cacheDir))
	return &DataKey{Store: store, Namespace: hex.EncodeToString(h[:8]), TTL: 24 * time.Hour}
}

func (d *DataKey) desc() string { return "stscred:v1:cache-data-key:" + d.Namespace }

// Get returns the 32-byte key, creating and storing one if none exists.
func (d *DataKey) Get() ([]byte, error) {
	if !d.noKernel {
		if k, ok := kernelkeys.Get(kernelkeys.User, d.desc()); ok && len(k) == 32 {
			return k, nil
		}
	}
	k, err := d.fromStore()
	if err != nil {
		return nil, err
	}
	if !d.noKernel {
		kernelkeys.Put(kernelkeys.User, d.desc(), k, d.TTL)
	}
	return k, nil
}

// Forget drops the kernel keyring copy (the keystore keeps the key).
func (d *DataKey) Forget() { kernelkeys.Remove(kernelkeys.User, d.desc()) }

func (d *DataKey) fromStore() ([]byte, error) {
	s, err := d.Store.Get(keystore.DataKeyName)
	if err == nil {
		k, derr := base64.StdEncoding.DecodeString(s)
		if derr == nil && len(k) == 32 {
			return k, nil
		}
		// A damaged key only costs the cached sessions: replace it.
	} else if !errors.Is(err, keystore.ErrNotFound) {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("generating cache key: %w", err)
	}
	if err := d.Store.Set(keystore.DataKeyName, base64.StdEncoding.EncodeToString(k)); err != nil {
		return nil, fmt.Errorf("storing cache key: %w", err)
	}
	return k, nil
}

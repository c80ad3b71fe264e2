package cache

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/stscred/stscred/internal/sys/kernelkeys"
	"github.com/stscred/stscred/keystore"
)

// DataKey is the cache's encryption key.
//
// Its home is the keystore of long-term keys. A copy is held in the Linux
// kernel keyring, which a fresh process reads in microseconds instead of
// the milliseconds a Secret Service round trip costs:
//
//   - with the OS keyring, in the user keyring, readable by the user's
//     processes in any session: they can ask the unlocked OS keyring for
//     the key anyway, so the copy gives them nothing more;
//   - with the file keystore, in the session keyring, for this login
//     session only (possessor-only permissions): in another session the
//     passphrase must be given again, as for the long-term keys;
//   - with no keystore at all (a CI runner with neither a Secret Service
//     nor a file keystore, using web identity), only in the user keyring:
//     the key is then never written anywhere, and cached sessions end
//     with the kernel's copy (a reboot, its timeout).
//
// Where there is no kernel keyring, every process reads the keystore.
type DataKey struct {
	Store keystore.Store
	// Namespace separates independent setups (another keyring service or
	// cache directory) that share one kernel keyring.
	Namespace string
	// TTL bounds how long the kernel keyring holds the copy.
	TTL time.Duration
	// Dir is the cache directory: a new key is made under its lock, so
	// that parallel first callers agree on one.
	Dir string
	// PID names this process in the lock file.
	PID int
	// LockTimeout bounds the wait for that lock.
	LockTimeout time.Duration
	// noKernel turns the kernel keyring copy off (tests of the fallback).
	noKernel bool
}

// NewDataKey returns the data key for store, namespaced by cache dir and
// keyring service; a new key is made by process pid, waiting at most
// lockTimeout for another process making one.
func NewDataKey(store keystore.Store, service, cacheDir string, pid int, lockTimeout time.Duration) *DataKey {
	h := sha256.Sum256([]byte(service + "\x00" + cacheDir))
	return &DataKey{Store: store, Namespace: hex.EncodeToString(h[:8]), TTL: 24 * time.Hour,
		Dir: cacheDir, PID: pid, LockTimeout: lockTimeout}
}

func (d *DataKey) desc() string { return "stscred:v1:cache-data-key:" + d.Namespace }

// Get returns the 32-byte key, creating one if none exists.
func (d *DataKey) Get() ([]byte, error) {
	if k, ok := d.fromKernel(); ok {
		return k, nil
	}
	k, ring, err := d.fromStore()
	if err != nil {
		return nil, err
	}
	d.toKernel(k, ring)
	return k, nil
}

func (d *DataKey) fromKernel() ([]byte, bool) {
	if d.noKernel {
		return nil, false
	}
	for _, r := range []kernelkeys.Ring{kernelkeys.Session, kernelkeys.User} {
		if k, ok := kernelkeys.Get(r, d.desc()); ok && len(k) == 32 {
			return k, true
		}
	}
	return nil, false
}

func (d *DataKey) toKernel(k []byte, r kernelkeys.Ring) {
	if !d.noKernel {
		kernelkeys.Put(r, d.desc(), k, d.TTL)
	}
}

// Forget drops the kernel keyring copies (the keystore keeps the key).
func (d *DataKey) Forget() {
	kernelkeys.Remove(kernelkeys.User, d.desc())
	kernelkeys.Remove(kernelkeys.Session, d.desc())
}

// ringFor is where the kernel copy of a key kept in the store goes.
func (d *DataKey) ringFor() kernelkeys.Ring {
	if d.Store.Backend() == "file" {
		return kernelkeys.Session
	}
	return kernelkeys.User
}

// existent is a store that may not exist yet (the file keystore before
// its first key): the data key never creates one.
type existent interface{ Exists() bool }

func (d *DataKey) read() ([]byte, error) {
	s, err := d.Store.Get(keystore.DataKeyName)
	if err != nil {
		return nil, err
	}
	k, derr := base64.StdEncoding.DecodeString(s)
	if derr != nil || len(k) != 32 {
		return nil, errDamaged
	}
	return k, nil
}

var errDamaged = errors.New("damaged cache key")

func (d *DataKey) fromStore() ([]byte, kernelkeys.Ring, error) {
	k, err := d.read()
	if err == nil {
		return k, d.ringFor(), nil
	}
	if !errors.Is(err, keystore.ErrNotFound) && !errors.Is(err, errDamaged) {
		return nil, 0, err
	}
	// None yet (or a damaged one, which only costs the cached sessions):
	// make one under the lock, so that parallel first callers do not each
	// make their own and find the others' entries "corrupt".
	if d.Dir != "" {
		ctx, cancel := context.WithTimeout(context.Background(), d.LockTimeout)
		lease, lerr := lockAt(ctx, d.Dir, "v1:cache-data-key", Holder{PID: d.PID, Doing: "making the session cache's key"}, nil)
		cancel()
		if lerr != nil && !errors.Is(lerr, ErrCannotLock) {
			return nil, 0, lerr
		}
		defer lease.Unlock()
		// Another process may have made it since the first look.
		if k, ok := d.fromKernel(); ok {
			return k, d.ringFor(), nil
		}
		if k, err := d.read(); err == nil {
			return k, d.ringFor(), nil
		} else if !errors.Is(err, keystore.ErrNotFound) && !errors.Is(err, errDamaged) {
			return nil, 0, err
		}
	}
	k = make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, 0, fmt.Errorf("generating cache key: %w", err)
	}
	if e, ok := d.Store.(existent); ok && !e.Exists() {
		// No keystore yet: keep the key in the kernel keyring only, put
		// there while the lock is held, so that a parallel first caller
		// finds it instead of making its own.
		if d.noKernel {
			return nil, 0, errors.New("there is no keystore and no kernel keyring to keep the session cache's key in")
		}
		d.toKernel(k, kernelkeys.User)
		return k, kernelkeys.User, nil
	}
	if err := d.Store.Set(keystore.DataKeyName, base64.StdEncoding.EncodeToString(k)); err != nil {
		return nil, 0, fmt.Errorf("storing cache key: %w", err)
	}
	return k, d.ringFor(), nil
}

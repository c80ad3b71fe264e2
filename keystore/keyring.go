package keystore

import (
	"errors"
	"fmt"
	"time"

	"github.com/stscred/stscred/hint"
	"github.com/zalando/go-keyring"
)

// DefaultService is the keyring service name stscred's entries are filed
// under.
const DefaultService = "stscred"

// Keyring is the OS keyring through go-keyring.
type Keyring struct {
	// Service groups stscred's entries; DefaultService unless a user keeps
	// several independent setups.
	Service string
	// Timeout bounds each keyring call: a Secret Service that waits on an
	// unlock prompt nobody can see must not hang credential_process.
	Timeout time.Duration
}

// NewKeyring returns the OS keyring store for service.
func NewKeyring(service string, timeout time.Duration) *Keyring {
	if service == "" {
		service = DefaultService
	}
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	return &Keyring{Service: service, Timeout: timeout}
}

func (k *Keyring) Backend() string { return osBackendName }

func (k *Keyring) Get(name string) (string, error) {
	var v string
	err := k.call("reading from", func() (err error) {
		v, err = keyring.Get(k.Service, name)
		return err
	})
	return v, err
}

func (k *Keyring) Set(name, secret string) error {
	return k.call("writing to", func() error { return keyring.Set(k.Service, name, secret) })
}

func (k *Keyring) Delete(name string) error {
	return k.call("deleting from", func() error { return keyring.Delete(k.Service, name) })
}

// call runs op with the timeout and translates go-keyring's errors: its
// ErrNotFound becomes ours, everything else is a keyring failure with a
// hint about making the keyring reachable.
func (k *Keyring) call(what string, op func() error) error {
	done := make(chan error, 1)
	go func() { done <- op() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(k.Timeout):
		err = fmt.Errorf("no answer within %s (is it locked, waiting for a password prompt?)", k.Timeout)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("%s the %s: the entry is too big for this keyring", what, osBackendName)
	}
	return hint.With(fmt.Errorf("%s the %s: %w", what, osBackendName, err), unavailableHints...)
}

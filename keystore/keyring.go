package keystore

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
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
	hints := unavailableHints
	if usesDBus && unreachableBus(err) {
		hints = append([]string{"DBUS_SESSION_BUS_ADDRESS names a session bus that does not answer; if this machine has no OS keyring, unset it or set STSCRED_BACKEND=file"}, hints...)
	}
	return hint.With(fmt.Errorf("%s the %s: %w", what, osBackendName, err), hints...)
}

// unreachableBus recognises (for a hint only) the errors of a session bus
// that is not there.
func unreachableBus(err error) bool {
	msg := err.Error()
	for _, s := range []string{"connection refused", "no such file or directory", "invalid bus address", "unsupported transport", "dial unix"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Present reports whether there is an OS keyring to use. busAddress is
// DBUS_SESSION_BUS_ADDRESS: where the keyring is a Secret Service, an empty
// or disabled address means none (and no attempt that could start a stray
// D-Bus daemon); so does a bus that no Secret Service serves. A keyring
// that exists but fails (locked, a prompt nobody answers) is present: its
// error is worth reporting, not hiding behind another backend.
func (k *Keyring) Present(busAddress string, timeout time.Duration) bool {
	if !usesDBus {
		return true
	}
	if busAddress == "" || strings.HasPrefix(busAddress, "disabled:") {
		return false
	}
	probe := &Keyring{Service: k.Service, Timeout: timeout}
	_, err := probe.Get("v1:probe")
	return err == nil || errors.Is(err, ErrNotFound) || !absent(err)
}

// absent reports errors that mean the session bus answered and no Secret
// Service is on it. A bus that is configured but does not answer (a dead
// socket, a bad address) is not absence: it is reported, like a locked
// keyring, instead of silently switching to another backend where the
// keys are not.
func absent(err error) bool {
	msg := err.Error()
	for _, s := range []string{
		"ServiceUnknown", "not provided by any .service files",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Package keystore keeps stscred's long-term secrets: IAM users' access keys
// and the key that encrypts the session cache. Secrets live in the OS keyring
// (macOS Keychain, Secret Service, Windows Credential Manager) through
// go-keyring; Memory is a fake for unit tests.
package keystore

import (
	"errors"
)

// ErrNotFound is the only "nothing stored" signal. Every other error from a
// Store means the store could not be asked and must be reported as such.
var ErrNotFound = errors.New("not found in keyring")

// Store holds named secrets.
type Store interface {
	// Get returns the secret stored under name, or an error wrapping
	// ErrNotFound when there is none.
	Get(name string) (string, error)
	// Set stores secret under name, replacing any previous one.
	Set(name, secret string) error
	// Delete removes name; deleting a missing name wraps ErrNotFound.
	Delete(name string) error
	// Backend names the backend for humans, e.g. "secret-service".
	Backend() string
}

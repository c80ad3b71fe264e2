//go:build !linux

package keystore

import "github.com/zalando/go-keyring"

// deleteAll deletes every item of service (the Keychain's by service,
// Credential Manager's by the service's prefix); how many is not known
// here (-1).
func deleteAll(service string) (int, error) { return -1, keyring.DeleteAll(service) }

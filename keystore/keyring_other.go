//go:build !linux && !darwin && !windows

package keystore

const osBackendName = "os-keyring"

// usesDBus: the keyring here is a Secret Service on the session bus.
const usesDBus = true

var unavailableHints = []string{
	"stscred keeps keys in the OS keyring (a Secret Service on this system); make sure one is running and unlocked",
}

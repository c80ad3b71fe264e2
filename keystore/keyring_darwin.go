package keystore

const osBackendName = "macos-keychain"

// usesDBus: the keyring here is a Secret Service on the session bus.
const usesDBus = false

var unavailableHints = []string{
	"stscred keeps keys in the login Keychain; unlock it (security unlock-keychain) and allow stscred access when macOS asks",
}

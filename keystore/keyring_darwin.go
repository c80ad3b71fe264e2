package keystore

const osBackendName = "macos-keychain"

var unavailableHints = []string{
	"stscred keeps keys in the login Keychain; unlock it (security unlock-keychain) and allow stscred access when macOS asks",
}

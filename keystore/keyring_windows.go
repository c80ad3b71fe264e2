package keystore

const osBackendName = "windows-credential-manager"

// usesDBus: the keyring here is a Secret Service on the session bus.
const usesDBus = false

var unavailableHints = []string{
	"stscred keeps keys in Windows Credential Manager; make sure you are logged in interactively as the user who stored them",
}

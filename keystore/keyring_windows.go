package keystore

const osBackendName = "windows-credential-manager"

var unavailableHints = []string{
	"stscred keeps keys in Windows Credential Manager; make sure you are logged in interactively as the user who stored them",
}

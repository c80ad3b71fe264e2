package keystore

const osBackendName = "secret-service"

// usesDBus: the keyring here is a Secret Service on the session bus.
const usesDBus = true

var unavailableHints = []string{
	"stscred keeps keys in the Secret Service (gnome-keyring, KWallet, KeePassXC); make sure one is running and unlocked in this session (DBUS_SESSION_BUS_ADDRESS must point at its bus)",
}

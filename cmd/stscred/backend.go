package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/mfa"
)

// Keys is the keystore of long-term keys: the one --backend/STSCRED_BACKEND
// names, or, by default, the file keystore when one exists, else the OS
// keyring when there is one, else the file keystore.
func (e *Env) Keys() keystore.Store {
	if e.keys != nil {
		return e.keys
	}
	switch e.backendName() {
	case "keyring":
		e.keys = e.keyring()
	case "file":
		e.keys = e.fileStore()
	default:
		fs := e.fileStore()
		switch {
		case fs.Exists():
			e.keys = fs
			e.keysNote = e.strandedInKeyring(fs)
		case e.keyring().Present(e.Getenv("DBUS_SESSION_BUS_ADDRESS"), 5*time.Second):
			e.keys = e.keyring()
		default:
			e.keysNote = "there is no OS keyring here (no Secret Service on the session bus), so stscred uses its file keystore (" + fs.Dir + ")"
			e.keys = fs
		}
	}
	return e.keys
}

// strandedInKeyring says, when the OS keyring also holds stscred keys, that
// auto chose the file keystore over them ("" when it holds none, or there
// is no OS keyring to ask).
func (e *Env) strandedInKeyring(fs *keystore.File) string {
	bus := e.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if bus == "" || strings.HasPrefix(bus, "disabled:") {
		return ""
	}
	kr := keystore.NewKeyring(e.KeyringService(), 2*time.Second)
	names, err := keystore.StoredProfiles(kr)
	if err != nil || len(names) == 0 {
		return ""
	}
	return fmt.Sprintf("stscred uses the file keystore (%s) because it exists, but the OS keyring (%s) also holds keys of %s: set STSCRED_BACKEND=keyring to use those, or move them with stscred migrate --to file",
		fs.Dir, kr.Backend(), strings.Join(names, ", "))
}

// lazyKeys is the keystore for consumers that need it only sometimes: the
// cache's data key (only when the kernel keyring has no copy) and the
// resolver (only on a miss). Choosing a backend may ask the session bus
// whether a Secret Service is there, which costs more than a whole cache
// hit, so the choice waits for the first real use.
type lazyKeys struct{ env *Env }

func (l lazyKeys) Get(name string) (string, error) { return l.env.Keys().Get(name) }
func (l lazyKeys) Set(name, secret string) error   { return l.env.Keys().Set(name, secret) }
func (l lazyKeys) Delete(name string) error        { return l.env.Keys().Delete(name) }
func (l lazyKeys) Backend() string                 { return l.env.Keys().Backend() }

// Exists reports whether the keystore exists: the file keystore does not
// until its first key; the cache's data key never creates it.
func (l lazyKeys) Exists() bool {
	if f, ok := l.env.Keys().(*keystore.File); ok {
		return f.Exists()
	}
	return true
}

// backendName is the backend asked for: the flag, else the environment.
func (e *Env) backendName() string {
	if e.backend != "" && e.backend != "auto" {
		return e.backend
	}
	if b := e.Getenv("STSCRED_BACKEND"); b != "" {
		return b
	}
	return "auto"
}

func (e *Env) keyring() *keystore.Keyring {
	timeout := 60 * time.Second
	if d, err := time.ParseDuration(e.Getenv("STSCRED_KEYRING_TIMEOUT")); err == nil && d > 0 {
		timeout = d
	}
	return keystore.NewKeyring(e.KeyringService(), timeout)
}

// FileDir is where the file keystore lives.
func (e *Env) FileDir() string {
	if d := e.Getenv("STSCRED_FILE_DIR"); d != "" {
		return d
	}
	switch e.GOOS {
	case "windows":
		if d := e.Getenv("AppData"); d != "" {
			return filepath.Join(d, "stscred")
		}
	case "darwin":
		return filepath.Join(e.Getenv("HOME"), "Library", "Application Support", "stscred")
	default:
		if d := e.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "stscred")
		}
	}
	return filepath.Join(e.Getenv("HOME"), ".local", "share", "stscred")
}

func (e *Env) fileStore() *keystore.File {
	f := keystore.NewFile(e.FileDir(), e.filePassphrase)
	if d, err := time.ParseDuration(e.Getenv("STSCRED_FILE_SESSION_TTL")); err == nil && d > 0 {
		f.SessionTTL = d
	}
	return f
}

// minPassphrase is the length under which a new passphrase gets a warning.
const minPassphrase = 12

// filePassphrase gets the file keystore's passphrase: from
// STSCRED_FILE_PASSPHRASE, else asked on the terminal (twice when the
// keystore is being created).
func (e *Env) filePassphrase(create bool) (string, error) {
	if p := e.Getenv("STSCRED_FILE_PASSPHRASE"); p != "" {
		return p, nil
	}
	if e.prompt == mfa.ModeNone {
		return "", hint.With(fmt.Errorf("%w: the file keystore needs its passphrase, and --prompt=none forbids asking", keystore.ErrNoPassphrase),
			"set STSCRED_FILE_PASSPHRASE, or run any stscred command once from a terminal: the passphrase is then remembered for this login session")
	}
	tty, err := e.OpenTTY()
	if err != nil {
		return "", hint.With(fmt.Errorf("%w: the file keystore needs its passphrase, and there is no terminal to ask on", keystore.ErrNoPassphrase),
			"set STSCRED_FILE_PASSPHRASE, or run any stscred command once from a terminal: the passphrase is then remembered for this login session")
	}
	defer tty.Close()
	dir := e.FileDir()
	if create {
		fmt.Fprintf(tty, "stscred: there is no OS keyring here; keys will be kept in %s, encrypted with a passphrase.\n", dir)
	}
	prompt := fmt.Sprintf("stscred: passphrase for the file keystore (%s): ", dir)
	if create {
		prompt = "stscred: choose a passphrase: "
	}
	pass, err := mfa.ReadHidden(tty, prompt)
	if errors.Is(err, mfa.ErrInterrupted) {
		return "", err
	}
	if err != nil {
		return "", fmt.Errorf("reading the passphrase: %w", err)
	}
	if create {
		again, err := mfa.ReadHidden(tty, "stscred: repeat it: ")
		if errors.Is(err, mfa.ErrInterrupted) {
			return "", err
		}
		if err != nil {
			return "", fmt.Errorf("reading the passphrase: %w", err)
		}
		if again != pass {
			return "", hint.With(errors.New("the two passphrases differ"), "run the command again and type the same passphrase twice")
		}
		if n := len([]rune(strings.TrimRight(pass, "\r\n"))); n < minPassphrase {
			// Anyone who copies the keystore's files can try passphrases
			// offline, scrypt or not: a short one falls quickly.
			fmt.Fprintf(tty, "stscred: warning: a %d-character passphrase is easy to guess for anyone who gets a copy of %s; %d or more (or a few words) is better\n", n, dir, minPassphrase)
		}
	}
	return strings.TrimRight(pass, "\r\n"), nil
}

// describeKeys says where keys are kept, for messages.
func (e *Env) describeKeys() string {
	switch k := e.Keys().(type) {
	case *keystore.File:
		return "the file keystore (" + k.Dir + ")"
	default:
		return "the OS keyring (" + k.Backend() + ")"
	}
}

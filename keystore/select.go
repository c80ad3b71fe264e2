package keystore

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Settings say where keys are kept: read once from the flags and the
// environment by the command layer.
type Settings struct {
	// Backend is "auto", "keyring" or "file" (--backend, STSCRED_BACKEND).
	Backend string
	// Service is the OS keyring service stscred's entries are filed under.
	Service string
	// KeyringTimeout bounds each OS keyring call (0: 60s).
	KeyringTimeout time.Duration
	// BusAddress is DBUS_SESSION_BUS_ADDRESS (the Secret Service's bus).
	BusAddress string
	// FileDir is the file keystore's directory (see FileDir).
	FileDir string
	// FileSessionTTL is how long the unlocked identity stays in the
	// session keyring (0: 12h).
	FileSessionTTL time.Duration
	// Passphrase gets the file keystore's passphrase (see Passphrase).
	Passphrase func(create bool) (string, error)
	// LockTimeout bounds the wait for another process updating the file
	// keystore (--lock-timeout; 0: a minute).
	LockTimeout time.Duration
}

// Keyring is the OS keyring of s.
func (s Settings) Keyring() *Keyring { return NewKeyring(s.Service, s.KeyringTimeout) }

// File is the file keystore of s.
func (s Settings) File() *File {
	f := NewFile(s.FileDir, s.Passphrase)
	f.SessionTTL = s.FileSessionTTL
	f.LockTimeout = s.LockTimeout
	return f
}

// Choice is the store Select chose, and why when that may surprise.
type Choice struct {
	Store Store
	// Note says why, when that may surprise ("" otherwise).
	Note string
	// Stranded is set when auto chose the file keystore while the OS
	// keyring holds stscred keys too.
	Stranded *Stranded
}

// Select returns the keystore s names: the one asked for, or with "auto"
// the file keystore when one exists, else the OS keyring when there is one
// (a locked or unreachable one counts: its error is reported, not hidden
// behind another backend), else the file keystore.
func Select(s Settings) Choice {
	switch s.Backend {
	case "keyring":
		return Choice{Store: s.Keyring()}
	case "file":
		return Choice{Store: s.File()}
	}
	fs := s.File()
	switch {
	case fs.Exists():
		c := Choice{Store: fs, Stranded: strandedInKeyring(s, fs)}
		if c.Stranded != nil {
			c.Note = c.Stranded.Note()
		}
		return c
	case s.Keyring().Present(s.BusAddress, 5*time.Second):
		return Choice{Store: s.Keyring()}
	}
	return Choice{Store: fs, Note: "there is no OS keyring here (no Secret Service on the session bus), so stscred uses its file keystore (" + fs.Dir + ")"}
}

// Stranded are the keys of the OS keyring that auto does not see: it
// takes the file keystore whenever one exists.
type Stranded struct {
	FileDir  string   // the file keystore in use
	Keyring  string   // the OS keyring's backend
	Profiles []string // the profiles whose keys the OS keyring holds
}

// Summary says which keystore stscred uses, why, and what the OS keyring
// holds.
func (st *Stranded) Summary() string {
	return fmt.Sprintf("stscred uses the file keystore (%s) because it exists, but the OS keyring (%s) also holds keys of %s",
		st.FileDir, st.Keyring, strings.Join(st.Profiles, ", "))
}

// Note is Summary with the ways out, in one line: for list and errors.
func (st *Stranded) Note() string { return st.Summary() + ": " + strings.Join(st.WaysOut(), "; or ") }

// Holds reports whether the OS keyring holds profile's key.
func (st *Stranded) Holds(profile string) bool { return slices.Contains(st.Profiles, profile) }

// WaysOut are the ways to one keystore again: the OS keyring's keys used
// as they are, the file keystore's moved to the OS keyring (after which
// auto takes it again), or the OS keyring's moved into the file keystore.
func (st *Stranded) WaysOut() []string {
	return []string{
		"set STSCRED_BACKEND=keyring to use those",
		"move the file keystore's keys to the OS keyring, which auto then uses again: stscred migrate --to keyring",
		"move the OS keyring's keys into the file keystore: stscred --backend keyring migrate --to file",
	}
}

// strandedInKeyring is set when the OS keyring also holds stscred keys
// (nil when it holds none, or there is no OS keyring to ask).
func strandedInKeyring(s Settings, fs *File) *Stranded {
	if s.BusAddress == "" || strings.HasPrefix(s.BusAddress, "disabled:") {
		return nil
	}
	kr := NewKeyring(s.Service, 2*time.Second)
	names, err := StoredProfiles(kr)
	if err != nil || len(names) == 0 {
		return nil
	}
	return &Stranded{FileDir: fs.Dir, Keyring: kr.Backend(), Profiles: names}
}

// StrandedOf is what the OS keyring holds while auto chose the file
// keystore for s (nil when s is not a Lazy store, or nothing is
// stranded). It chooses the store if it was not yet.
func StrandedOf(s Store) *Stranded {
	if l, ok := s.(*Lazy); ok {
		l.Store()
		return l.choice.Stranded
	}
	return nil
}

// Lazy is a Store chosen on first use. Choosing may ask the session bus
// whether a Secret Service is there, which costs more than a whole cache
// hit: the cache's data key (read only when the kernel keyring has no
// copy) and the resolver (only on a miss) must not pay it otherwise.
type Lazy struct {
	choose func() Choice
	once   sync.Once
	choice Choice
}

// NewLazy returns a Store that calls choose on first use.
func NewLazy(choose func() Choice) *Lazy { return &Lazy{choose: choose} }

// Store is the chosen store.
func (l *Lazy) Store() Store {
	l.once.Do(func() { l.choice = l.choose() })
	return l.choice.Store
}

// Note is why the store was chosen, when that may surprise.
func (l *Lazy) Note() string { l.Store(); return l.choice.Note }

func (l *Lazy) Get(name string) (string, error) { return l.Store().Get(name) }
func (l *Lazy) Set(name, secret string) error   { return l.Store().Set(name, secret) }
func (l *Lazy) Delete(name string) error        { return l.Store().Delete(name) }
func (l *Lazy) Backend() string                 { return l.Store().Backend() }

// Exists reports whether the store exists: the file keystore does not
// until its first key (the cache's data key never creates it).
func (l *Lazy) Exists() bool {
	if f, ok := l.Store().(*File); ok {
		return f.Exists()
	}
	return true
}

// Unwrap is the store behind a Lazy one (s itself otherwise).
func Unwrap(s Store) Store {
	if l, ok := s.(*Lazy); ok {
		return l.Store()
	}
	return s
}

// Describe says where keys are kept, for messages.
func Describe(s Store) string {
	s = Unwrap(s)
	if f, ok := s.(*File); ok {
		return "the file keystore (" + f.Dir + ")"
	}
	return "the OS keyring (" + s.Backend() + ")"
}

// FileDir is where the file keystore lives: STSCRED_FILE_DIR, else the
// OS's place for application data.
func FileDir(getenv func(string) string, goos string) string {
	if d := getenv("STSCRED_FILE_DIR"); d != "" {
		return d
	}
	switch goos {
	case "windows":
		if d := getenv("AppData"); d != "" {
			return filepath.Join(d, "stscred")
		}
	case "darwin":
		return filepath.Join(getenv("HOME"), "Library", "Application Support", "stscred")
	default:
		if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "stscred")
		}
	}
	return filepath.Join(getenv("HOME"), ".local", "share", "stscred")
}

// SettingsFrom reads the keystore settings from the environment; backend
// is --backend ("" or "auto": STSCRED_BACKEND decides).
func SettingsFrom(getenv func(string) string, goos, backend string) Settings {
	s := Settings{
		Backend:    backend,
		Service:    getenv("STSCRED_KEYRING_SERVICE"),
		BusAddress: getenv("DBUS_SESSION_BUS_ADDRESS"),
		FileDir:    FileDir(getenv, goos),
	}
	if s.Backend == "" || s.Backend == "auto" {
		s.Backend = getenv("STSCRED_BACKEND")
	}
	if s.Backend == "" {
		s.Backend = "auto"
	}
	if s.Service == "" {
		s.Service = DefaultService
	}
	if d, err := time.ParseDuration(getenv("STSCRED_KEYRING_TIMEOUT")); err == nil && d > 0 {
		s.KeyringTimeout = d
	}
	if d, err := time.ParseDuration(getenv("STSCRED_FILE_SESSION_TTL")); err == nil && d > 0 {
		s.FileSessionTTL = d
	}
	return s
}

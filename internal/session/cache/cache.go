// Package cache keeps temporary credentials between stscred runs.
//
// Entries are files in a per-user directory (0700). Each file has a
// readable header (which profile, which kind, when it expires: nothing
// secret) and the credentials sealed with AES-256-GCM under a data key that
// lives in the keyring, never on disk; the header is the sealed part's
// additional data, so it cannot be swapped between entries. A file that
// fails to open or authenticate is reported as ErrCorrupt and is
// recoverable: the caller fetches new credentials and overwrites it.
package cache

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/safefile"
)

// Errors a lookup can return besides I/O and keyring failures.
var (
	ErrMiss    = errors.New("not in cache")
	ErrCorrupt = errors.New("corrupted cache entry")
	// ErrCannotLock means the cache directory cannot hold a lock file
	// (read-only, full, not writable): the caller may go on without the
	// lock, and without caching.
	ErrCannotLock = errors.New("cannot lock the session cache")
)

// Kinds of entries.
const (
	KindSession = "session" // GetSessionToken credentials of an IAM user
	KindRole    = "role"    // AssumeRole credentials
	// KindFederation is GetFederationToken credentials of an IAM user,
	// for console sign-in.
	KindFederation = "federation"
	// KindLogin is an AWS Sign-In session's credentials (login_session):
	// they last 15 minutes in all, and have a floor of their own.
	KindLogin = "login"
	KindKeyID = "keyid" // which access key id is stored for a profile
	// KindRefused remembers, for doctor, that STS refused a role
	// (AccessDenied) to a session without MFA: what a role that
	// requires MFA answers. It holds no credentials.
	KindRefused = "refused"
)

// HoldsCredentials reports whether an entry is credentials, not what the
// cache remembers besides (a key id, a refusal).
func (h Header) HoldsCredentials() bool { return h.Kind != KindKeyID && h.Kind != KindRefused }

// Header is the part of an entry anyone may read: never a secret.
type Header struct {
	Key     string    `json:"key"`
	Kind    string    `json:"kind"`
	Profile string    `json:"profile"`
	Chain   []string  `json:"chain,omitempty"` // profile names from Profile to the root
	MFA     bool      `json:"mfa,omitempty"`   // the session was MFA-authenticated
	Expires time.Time `json:"expires,omitzero"`
	Stored  time.Time `json:"stored"`
	// Account is the account the credentials act in, "" when unknown.
	Account string `json:"account,omitempty"`
	// SSOSession is the ID of the IAM Identity Center session the
	// credentials come from (their own or their chain's root), "" for
	// any other; sso logout drops them.
	SSOSession string `json:"sso,omitempty"`
	// LoginSession is the ID of the AWS Sign-In session the credentials
	// come from (their own or their chain's root), "" for any other;
	// logout drops them.
	LoginSession string `json:"login,omitempty"`
}

// Entry is one cached set of credentials.
type Entry struct {
	Header
	Creds creds.Credentials
}

// Involves reports whether profile is the entry's profile or in its chain.
func (h Header) Involves(profile string) bool {
	if h.Profile == profile {
		return true
	}
	for _, p := range h.Chain {
		if p == profile {
			return true
		}
	}
	return false
}

type sealed struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey,omitempty"`
	SessionToken    string `json:"SessionToken,omitempty"`
}

type file struct {
	Version int             `json:"v"`
	Header  json.RawMessage `json:"header"`
	Nonce   []byte          `json:"nonce"`
	Sealed  []byte          `json:"sealed"`
}

// Cache is a directory of sealed entries.
type Cache struct {
	dir     string
	dataKey func() ([]byte, error)
	aead    cipher.AEAD
	safe    bool // the directory was checked to be the user's alone
}

// New returns the cache in dir. dataKey is called at most once, the first
// time an entry is sealed or opened.
func New(dir string, dataKey func() ([]byte, error)) *Cache {
	return &Cache{dir: dir, dataKey: dataKey}
}

// Dir is the cache directory.
func (c *Cache) Dir() string { return c.dir }

func (c *Cache) cipher() (cipher.AEAD, error) {
	if c.aead != nil {
		return c.aead, nil
	}
	k, err := c.dataKey()
	if err != nil {
		return nil, fmt.Errorf("getting the cache key: %w", err)
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, fmt.Errorf("cache key: %w", err)
	}
	c.aead, err = cipher.NewGCM(block)
	return c.aead, err
}

func (c *Cache) path(key string) string { return filepath.Join(c.dir, fileName(key)+".json") }

// Get returns the entry under key: ErrMiss when there is none, an error
// wrapping ErrCorrupt when the file cannot be trusted.
func (c *Cache) Get(key string) (Entry, error) {
	if !c.safe {
		// Entries in a directory someone else controls are not used
		// (they could be swapped or withheld at will).
		switch err := safefile.CheckPrivate(c.dir, "session cache"); {
		case errors.Is(err, fs.ErrNotExist), errors.Is(err, safefile.ErrOpenDir):
			// Nothing there, or nothing to trust until a write closes
			// the directory (chmod 700) and fetches anew.
			return Entry{}, ErrMiss
		case err != nil:
			return Entry{}, err
		}
		c.safe = true
	}
	raw, err := os.ReadFile(c.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return Entry{}, ErrMiss
	}
	if err != nil {
		return Entry{}, fmt.Errorf("reading cache: %w", err)
	}
	var f file
	var h Header
	if err := json.Unmarshal(raw, &f); err != nil || f.Version != 1 || json.Unmarshal(f.Header, &h) != nil || h.Key != key {
		return Entry{}, fmt.Errorf("%w: %s", ErrCorrupt, c.path(key))
	}
	aead, err := c.cipher()
	if err != nil {
		return Entry{}, err
	}
	if len(f.Nonce) != aead.NonceSize() {
		return Entry{}, fmt.Errorf("%w: %s", ErrCorrupt, c.path(key))
	}
	plain, err := aead.Open(nil, f.Nonce, f.Sealed, f.Header)
	if err != nil {
		return Entry{}, fmt.Errorf("%w (it does not authenticate under the current cache key): %s", ErrCorrupt, c.path(key))
	}
	var s sealed
	if err := json.Unmarshal(plain, &s); err != nil || s.AccessKeyID == "" {
		return Entry{}, fmt.Errorf("%w: %s", ErrCorrupt, c.path(key))
	}
	return Entry{Header: h, Creds: creds.Credentials{
		AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken, Expiration: h.Expires, AccountID: h.Account,
	}}, nil
}

// Put stores e under e.Key, replacing any entry there, atomically.
func (c *Cache) Put(e Entry) error {
	if e.Key == "" {
		return errors.New("cache entry without a key")
	}
	e.Expires = e.Creds.Expiration
	e.Account = e.Creds.AccountID
	hdr, err := json.Marshal(e.Header)
	if err != nil {
		return fmt.Errorf("encoding cache header: %w", err)
	}
	plain, err := json.Marshal(sealed{AccessKeyID: e.Creds.AccessKeyID, SecretAccessKey: e.Creds.SecretAccessKey, SessionToken: e.Creds.SessionToken})
	if err != nil {
		return fmt.Errorf("encoding cache entry: %w", err)
	}
	aead, err := c.cipher()
	if err != nil {
		return err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return fmt.Errorf("cache nonce: %w", err)
	}
	out, err := json.Marshal(file{Version: 1, Header: hdr, Nonce: nonce, Sealed: aead.Seal(nil, nonce, plain, hdr)})
	if err != nil {
		return fmt.Errorf("encoding cache file: %w", err)
	}
	if err := c.ensureDir(); err != nil {
		return err
	}
	return writeAtomic(c.path(e.Key), out)
}

// Delete removes the entry under key; a missing entry is not an error.
func (c *Cache) Delete(key string) error {
	err := os.Remove(c.path(key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing cache entry: %w", err)
	}
	return nil
}

// List returns the headers of all entries, without opening any sealed
// part. Unreadable files are skipped.
func (c *Cache) List() ([]Header, error) {
	des, err := os.ReadDir(c.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing cache: %w", err)
	}
	var out []Header
	for _, de := range des {
		if de.IsDir() || !strings.HasSuffix(de.Name(), ".json") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(c.dir, de.Name()))
		if err != nil {
			continue
		}
		var f file
		var h Header
		if json.Unmarshal(raw, &f) != nil || json.Unmarshal(f.Header, &h) != nil || h.Key == "" {
			continue
		}
		out = append(out, h)
	}
	return out, nil
}

// DeleteWhere removes every entry whose header matches and returns how
// many it removed.
func (c *Cache) DeleteWhere(match func(Header) bool) (int, error) {
	hs, err := c.List()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, h := range hs {
		if match(h) {
			if err := c.Delete(h.Key); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

func (c *Cache) ensureDir() error {
	return safefile.PrivateDir(c.dir, "session cache")
}

func writeAtomic(path string, data []byte) error {
	if err := safefile.WriteAtomic(path, data, 0o600); err != nil {
		return fmt.Errorf("writing cache: %w", err)
	}
	return nil
}

// Dir is where the session cache lives: STSCRED_CACHE_DIR, else the OS's
// place for caches.
func Dir(getenv func(string) string, goos string) (string, error) {
	if d := getenv("STSCRED_CACHE_DIR"); d != "" {
		return d, nil
	}
	switch goos {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "stscred"), nil
		}
	case "darwin":
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, "Library", "Caches", "stscred"), nil
		}
	default:
		if d := getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "stscred"), nil
		}
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, ".cache", "stscred"), nil
		}
	}
	return "", hint.With(errors.New("cannot tell where to keep the session cache: HOME is not set"),
		"set HOME, or STSCRED_CACHE_DIR to a directory only you can read")
}

package keystore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/kernelkeys"
	"github.com/stscred/stscred/internal/sys/safefile"
)

// File is a keystore in two files, for machines where no OS keyring
// answers (servers, containers, WSL):
//
//   - identity.age: an age X25519 identity, encrypted with the user's
//     passphrase (scrypt);
//   - keys.age: every entry, as JSON, encrypted to that identity.
//
// Nothing in either file is readable without the passphrase. Once
// unwrapped, the identity is kept for the login session in the kernel's
// session keyring (memory only, with a timeout), so the passphrase is asked
// once per session and scrypt runs once.
type File struct {
	Dir string
	// Passphrase gets the passphrase; create is true when the store is
	// being made (so the caller can ask twice).
	Passphrase func(create bool) (string, error)
	// SessionTTL is how long the unwrapped identity stays in the session
	// keyring; 0 means 12 hours.
	SessionTTL time.Duration
	// LockTimeout bounds the wait for another process updating the store
	// (an update takes milliseconds); 0 means a minute.
	LockTimeout time.Duration

	identity *age.X25519Identity
	// workFactor is the scrypt work factor of a new store (0: age's,
	// about a second); tests make it cheap.
	workFactor int
}

// ErrWrongPassphrase means the passphrase does not open the store.
var ErrWrongPassphrase = errors.New("wrong passphrase")

// ErrNoPassphrase means the passphrase is needed and there is no way to
// ask for it (no terminal, or asking is forbidden).
var ErrNoPassphrase = errors.New("no passphrase")

// NewFile returns the file keystore in dir.
func NewFile(dir string, passphrase func(create bool) (string, error)) *File {
	return &File{Dir: dir, Passphrase: passphrase}
}

func (f *File) Backend() string { return "file" }

func (f *File) identityPath() string { return filepath.Join(f.Dir, "identity.age") }
func (f *File) keysPath() string     { return filepath.Join(f.Dir, "keys.age") }

// Exists reports whether the store has been created.
func (f *File) Exists() bool {
	_, err := os.Stat(f.identityPath())
	return err == nil
}

func (f *File) Get(name string) (string, error) {
	if !f.Exists() {
		return "", ErrNotFound
	}
	entries, err := f.load()
	if err != nil {
		return "", err
	}
	v, ok := entries[name]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (f *File) Set(name, secret string) error {
	return f.update(true, func(entries map[string]string) error {
		entries[name] = secret
		return nil
	})
}

func (f *File) Delete(name string) error {
	if !f.Exists() {
		return ErrNotFound
	}
	return f.update(false, func(entries map[string]string) error {
		if _, ok := entries[name]; !ok {
			return ErrNotFound
		}
		delete(entries, name)
		return nil
	})
}

// Names lists the stored entries.
func (f *File) Names() ([]string, error) {
	if !f.Exists() {
		return nil, nil
	}
	entries, err := f.load()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// update changes the entries under a lock, creating the store if allowed.
func (f *File) update(create bool, change func(map[string]string) error) error {
	if err := safefile.PrivateDir(f.Dir, "file keystore"); err != nil {
		return err
	}
	unlock, err := f.lock(filepath.Join(f.Dir, "lock"))
	if err != nil {
		return fmt.Errorf("locking the file keystore: %w", err)
	}
	defer unlock()
	if !f.Exists() {
		if !create {
			return ErrNotFound
		}
		if err := f.create(); err != nil {
			return err
		}
	}
	entries, err := f.load()
	if err != nil {
		return err
	}
	if err := change(entries); err != nil {
		return err
	}
	return f.save(entries)
}

// create makes a new identity, wrapped with a new passphrase.
func (f *File) create() error {
	pass, err := f.Passphrase(true)
	if err != nil {
		return err
	}
	if pass == "" {
		return hint.With(errors.New("the file keystore needs a passphrase"), "choose a passphrase, or set STSCRED_FILE_PASSPHRASE")
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return fmt.Errorf("making the file keystore identity: %w", err)
	}
	r, err := age.NewScryptRecipient(pass)
	if err != nil {
		return fmt.Errorf("file keystore: %w", err)
	}
	if f.workFactor > 0 {
		r.SetWorkFactor(f.workFactor)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return fmt.Errorf("file keystore: %w", err)
	}
	if _, err := io.WriteString(w, id.String()); err != nil {
		return fmt.Errorf("file keystore: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("file keystore: %w", err)
	}
	if err := writeFileAtomic(f.identityPath(), buf.Bytes()); err != nil {
		return err
	}
	f.identity = id
	f.remember(buf.Bytes(), id)
	return nil
}

// memoDesc names the session-keyring entry of this store's identity: tied
// to the wrapped identity file, so a re-created store never meets a stale
// entry.
func memoDesc(wrapped []byte) string {
	h := sha256.Sum256(wrapped)
	return "stscred:v1:file-identity:" + hex.EncodeToString(h[:12])
}

func (f *File) remember(wrapped []byte, id *age.X25519Identity) {
	ttl := f.SessionTTL
	if ttl == 0 {
		ttl = 12 * time.Hour
	}
	kernelkeys.Put(kernelkeys.Session, memoDesc(wrapped), []byte(id.String()), ttl)
}

// Forget drops the session's copy of the identity: the next use asks for
// the passphrase again.
func (f *File) Forget() {
	if wrapped, err := os.ReadFile(f.identityPath()); err == nil {
		kernelkeys.Remove(kernelkeys.Session, memoDesc(wrapped))
	}
	f.identity = nil
}

// unlock returns the identity: from this process, the session keyring, or
// by asking for the passphrase.
func (f *File) unlock() (*age.X25519Identity, error) {
	if f.identity != nil {
		return f.identity, nil
	}
	wrapped, err := os.ReadFile(f.identityPath())
	if err != nil {
		return nil, fmt.Errorf("reading the file keystore: %w", err)
	}
	if s, ok := kernelkeys.Get(kernelkeys.Session, memoDesc(wrapped)); ok {
		if id, err := age.ParseX25519Identity(string(s)); err == nil {
			f.identity = id
			return id, nil
		}
	}
	pass, err := f.Passphrase(false)
	if err != nil {
		return nil, err
	}
	sid, err := age.NewScryptIdentity(pass)
	if err != nil {
		return nil, fmt.Errorf("file keystore: %w", err)
	}
	r, err := age.Decrypt(bytes.NewReader(wrapped), sid)
	if err != nil {
		// The scrypt identity's wrong-passphrase error wraps
		// age.ErrIncorrectIdentity, as every identity mismatch does.
		if errors.Is(err, age.ErrIncorrectIdentity) {
			return nil, hint.With(fmt.Errorf("%w for the file keystore in %s", ErrWrongPassphrase, f.Dir),
				"try again; the passphrase is the one chosen when the first key was stored",
				"if it is lost, the stored keys are too: move "+f.Dir+" aside and store them again with stscred add")
		}
		return nil, f.damagedIdentity(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, f.damagedIdentity(err)
	}
	id, err := age.ParseX25519Identity(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, f.damagedIdentity(nil)
	}
	f.identity = id
	f.remember(wrapped, id)
	return id, nil
}

func (f *File) damagedIdentity(err error) error {
	msg := fmt.Errorf("the file keystore identity %s is damaged", f.identityPath())
	if err != nil {
		msg = fmt.Errorf("the file keystore identity %s is damaged: %w", f.identityPath(), err)
	}
	return hint.With(msg,
		"restore "+f.identityPath()+" from a backup: the stored keys cannot be read without it",
		"if there is none, move "+f.Dir+" aside and store the keys again with stscred add")
}

func (f *File) load() (map[string]string, error) {
	id, err := f.unlock()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(f.keysPath())
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the file keystore: %w", err)
	}
	damaged := hint.With(fmt.Errorf("the file keystore %s is damaged", f.keysPath()),
		"restore it from a backup, or move it aside and store the keys again with stscred add")
	r, err := age.Decrypt(bytes.NewReader(data), id)
	if err != nil {
		return nil, damaged
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		return nil, damaged
	}
	entries := map[string]string{}
	if err := json.Unmarshal(plain, &entries); err != nil {
		return nil, damaged
	}
	return entries, nil
}

func (f *File) save(entries map[string]string) error {
	id, err := f.unlock()
	if err != nil {
		return err
	}
	plain, err := json.Marshal(entries)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, id.Recipient())
	if err != nil {
		return fmt.Errorf("file keystore: %w", err)
	}
	if _, err := w.Write(plain); err != nil {
		return fmt.Errorf("file keystore: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("file keystore: %w", err)
	}
	return writeFileAtomic(f.keysPath(), buf.Bytes())
}

func writeFileAtomic(path string, data []byte) error {
	return safefile.WriteAtomic(path, data, 0o600)
}

// lock takes the keystore's lock, waiting at most LockTimeout for
// another process that holds it.
func (f *File) lock(path string) (func(), error) {
	wait := f.LockTimeout
	if wait <= 0 {
		wait = time.Minute
	}
	lf, err := safefile.OpenLock(path)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := safefile.Lock(ctx, lf); err != nil {
		lf.Close()
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("another stscred process has held it for more than %s (--lock-timeout)", wait)
		}
		return nil, err
	}
	return func() { _ = safefile.Unlock(lf); lf.Close() }, nil
}

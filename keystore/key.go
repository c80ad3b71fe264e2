package keystore

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
)

// Key is an IAM user's long-term access key as stscred stores it.
type Key struct {
	AccessKeyID     string    `json:"AccessKeyId"`
	SecretAccessKey string    `json:"SecretAccessKey"`
	Added           time.Time `json:"Added"`
	// UserARN is the identity STS reported when the key was verified; empty
	// when it was stored with --no-verify.
	UserARN string `json:"UserArn,omitempty"`
}

// KeyName is the store entry of profile's long-term key; versioned so that
// a later format can live beside this one.
func KeyName(profile string) string { return "v1:key:" + profile }

// DataKeyName is the store entry of the session cache's encryption key.
const DataKeyName = "v1:cache-data-key"

// GetKey reads profile's long-term key.
func GetKey(s Store, profile string) (Key, error) {
	raw, err := s.Get(KeyName(profile))
	if err != nil {
		return Key{}, err
	}
	var k Key
	if err := json.Unmarshal([]byte(raw), &k); err != nil || k.AccessKeyID == "" || k.SecretAccessKey == "" {
		// Never include raw in the message: it holds the secret.
		return Key{}, fmt.Errorf("the %s entry for profile %q is not a stscred key", s.Backend(), profile)
	}
	return k, nil
}

// IndexName is the entry listing the profiles with a stored key: the OS
// keyrings cannot be enumerated through go-keyring, and migrate needs to
// know what to move.
const IndexName = "v1:index"

// Lister is a store that can enumerate its entries.
type Lister interface {
	Names() ([]string, error)
}

// StoredProfiles returns the profiles whose keys s holds: all of them when
// s can list its entries, else those in the index.
func StoredProfiles(s Store) ([]string, error) {
	var names []string
	if l, ok := Unwrap(s).(Lister); ok {
		all, err := l.Names()
		if err != nil {
			return nil, err
		}
		for _, n := range all {
			if p, ok := strings.CutPrefix(n, "v1:key:"); ok {
				names = append(names, p)
			}
		}
		return names, nil
	}
	return readIndex(s)
}

func readIndex(s Store) ([]string, error) {
	raw, err := s.Get(IndexName)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	if json.Unmarshal([]byte(raw), &names) != nil {
		return nil, nil // a damaged index only costs completeness
	}
	return names, nil
}

// updateIndex adds or removes profile in the index; best effort: the key
// itself is what matters.
func updateIndex(s Store, profile string, add bool) {
	if _, ok := s.(Lister); ok {
		return
	}
	names, err := readIndex(s)
	if err != nil {
		return
	}
	out := names[:0]
	for _, n := range names {
		if n != profile {
			out = append(out, n)
		}
	}
	if add {
		out = append(out, profile)
	}
	sort.Strings(out)
	if b, err := json.Marshal(out); err == nil {
		_ = s.Set(IndexName, string(b))
	}
}

// PutKey stores profile's long-term key after checking its shape.
func PutKey(s Store, profile string, k Key) error {
	if err := ValidateKey(k.AccessKeyID, k.SecretAccessKey); err != nil {
		return err
	}
	b, err := json.Marshal(k)
	if err != nil {
		return fmt.Errorf("encoding key: %w", err)
	}
	if err := s.Set(KeyName(profile), string(b)); err != nil {
		return fmt.Errorf("storing key for %q in the %s: %w", profile, s.Backend(), err)
	}
	updateIndex(s, profile, true)
	return nil
}

// DeleteKey removes profile's long-term key.
func DeleteKey(s Store, profile string) error {
	err := s.Delete(KeyName(profile))
	if err == nil || errors.Is(err, ErrNotFound) {
		updateIndex(s, profile, false)
	}
	return err
}

// ErrInvalidKey reports an access key that cannot be a long-term IAM key.
var ErrInvalidKey = errors.New("invalid access key")

// ValidateKey checks the shape of a long-term key pair without revealing
// it. What was given as the key id is shown (masked) only when it has an
// access key id's shape: anything else may be the secret, typed or pasted
// in the wrong place.
func ValidateKey(id, secret string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: the access key id is empty", ErrInvalidKey)
	case !LooksLikeKeyID(id) && LooksLikeKeyID(secret) && strings.HasPrefix(secret, "AKIA"):
		return hint.With(fmt.Errorf("%w: the access key id and the secret access key look swapped (neither is shown)", ErrInvalidKey),
			"give the access key id (AKIA followed by 16 capital letters and digits) first, then the secret access key")
	case !LooksLikeKeyID(id):
		return fmt.Errorf("%w: what was given as the access key id does not look like an access key id (AKIA followed by 16 capital letters and digits); it is not shown, as it may be the secret", ErrInvalidKey)
	case strings.HasPrefix(id, "ASIA"):
		return fmt.Errorf("%w: %s is a temporary (ASIA) key id; stscred stores an IAM user's long-term (AKIA) key", ErrInvalidKey, MaskID(id))
	case !strings.HasPrefix(id, "AKIA"):
		return fmt.Errorf("%w: %s is not an access key id: an IAM user's long-term key id starts with AKIA", ErrInvalidKey, MaskID(id))
	case secret == "":
		return fmt.Errorf("%w: the secret access key is empty", ErrInvalidKey)
	case strings.ContainsAny(secret, " \t\r\n"):
		return fmt.Errorf("%w: the secret access key contains whitespace", ErrInvalidKey)
	}
	return nil
}

// LooksLikeKeyID reports whether id has the shape AWS gives access key
// ids: 16 to 128 capital letters and digits (AKIA or ASIA and 16 more,
// today). A secret access key (base64, lower case letters, + and /)
// never does.
func LooksLikeKeyID(id string) bool {
	if len(id) < 16 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// MaskID shortens an access key id for display: AKIA…WXYZ. Key ids are not
// secret, but there is no need to print them whole.
func MaskID(id string) string {
	if len(id) <= 8 {
		return id
	}
	return id[:4] + "…" + id[len(id)-4:]
}

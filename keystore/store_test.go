package keystore_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/keystore/keystoretest"
)

func TestKeyRoundTrip(t *testing.T) {
	s := keystoretest.NewMemory()
	k := keystore.Key{AccessKeyID: "AKIAAAAAAAAAAAAAAAAA", SecretAccessKey: "secret/with+chars", Added: time.Unix(1700000000, 0).UTC(), UserARN: "arn:aws:iam::1:user/a"}
	if err := keystore.PutKey(s, "alice", k); err != nil {
		t.Fatal(err)
	}
	got, err := keystore.GetKey(s, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if got != k {
		t.Fatalf("got %+v want %+v", got, k)
	}
	if _, err := keystore.GetKey(s, "bob"); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("missing key: err = %v, want keystore.ErrNotFound", err)
	}
	if err := keystore.DeleteKey(s, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := keystore.DeleteKey(s, "alice"); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestStoreErrorIsNotAMiss(t *testing.T) {
	s := keystoretest.NewMemory()
	s.Err = errors.New("bus unreachable")
	_, err := keystore.GetKey(s, "alice")
	if err == nil || errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("a broken store must not look like a miss: %v", err)
	}
}

func TestGetKeyCorruptEntryHidesValue(t *testing.T) {
	s := keystoretest.NewMemory()
	_ = s.Set(keystore.KeyName("alice"), "SECRETVALUE-not-json")
	_, err := keystore.GetKey(s, "alice")
	if err == nil || strings.Contains(err.Error(), "SECRETVALUE") {
		t.Fatalf("err = %v", err)
	}
}

func TestValidateKey(t *testing.T) {
	for _, tc := range []struct {
		id, secret, want string
	}{
		{"AKIAAAAAAAAAAAAAAAAA", "abc", ""},
		{"", "abc", "empty"},
		{"ASIAAAAAAAAAAAAAAAAA", "abc", "temporary"},
		{"AKIA", "abc", "does not look like"},
		{"AKIAAAAAAAAAAAAAAAAA", "", "secret access key is empty"},
		{"AKIAAAAAAAAAAAAAAAAA", "ab c", "whitespace"},
	} {
		err := keystore.ValidateKey(tc.id, tc.secret)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q: unexpected %v", tc.id, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, keystore.ErrInvalidKey) {
			t.Errorf("%q/%q: err = %v, want %q", tc.id, tc.secret, err, tc.want)
		}
		if err != nil && tc.secret != "" && strings.Contains(err.Error(), tc.secret) && len(tc.secret) > 3 {
			t.Errorf("error echoes the secret: %v", err)
		}
	}
}

func TestMaskID(t *testing.T) {
	if got := keystore.MaskID("AKIAABCDEFGHIJKLWXYZ"); got != "AKIA…WXYZ" {
		t.Fatal(got)
	}
}

func TestStoredProfilesIndex(t *testing.T) {
	s := keystoretest.NewMemory()
	for _, p := range []string{"bob", "alice"} {
		if err := keystore.PutKey(s, p, keystore.Key{AccessKeyID: "AKIAAAAAAAAAAAAAAAAA", SecretAccessKey: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := keystore.StoredProfiles(s)
	if err != nil || strings.Join(got, ",") != "alice,bob" {
		t.Fatalf("keystore.StoredProfiles = %v, %v", got, err)
	}
	keystore.DeleteKey(s, "alice")
	if got, _ := keystore.StoredProfiles(s); strings.Join(got, ",") != "bob" {
		t.Fatalf("after delete: %v", got)
	}
}

// A secret typed where the key id goes is refused before anything else,
// and no part of it is repeated: not whole, not masked (the first and
// last four characters of a secret are a tenth of it).
func TestValidateKeyNeverShowsASecretGivenAsTheID(t *testing.T) {
	const secret = "Zq3+8vN/fL2kQ9sT1xYb7RmWc4HdPe6uJ0aGiK5o"
	const id = "AKIAIOSFODNN7EXAMPLE"
	for _, tc := range []struct {
		name, id, secret, want string
	}{
		{"swapped", secret, id, "look swapped"},
		{"secret twice", secret, secret, "does not look like an access key id"},
		{"lower case id", "akiaiosfodnn7example", secret, "does not look like an access key id"},
		{"secret without slash", "Zq3x8vNZfL2kQ9sT1xYb7RmWc4HdPe6uJ0aGiK5o", "x", "does not look like an access key id"},
		{"not AKIA", "AIDAIOSFODNN7EXAMPLE", secret, "starts with AKIA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := keystore.ValidateKey(tc.id, tc.secret)
			if err == nil || !errors.Is(err, keystore.ErrInvalidKey) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			text := err.Error() + "\n" + strings.Join(hint.Of(err), "\n")
			for _, given := range []string{tc.id, tc.secret} {
				if !keystore.LooksLikeKeyID(given) { // a key id may be shown masked; nothing else may
					for i := 0; i+5 <= len(given); i++ {
						if strings.Contains(text, given[i:i+5]) {
							t.Fatalf("the message repeats %q of what was given: %s", given[i:i+5], text)
						}
					}
				}
			}
		})
	}
	if !keystore.LooksLikeKeyID("AKIAIOSFODNN7EXAMPLE") || keystore.LooksLikeKeyID(secret) || keystore.LooksLikeKeyID("AKIA") {
		t.Error("LooksLikeKeyID")
	}
}
